"""Scoring one project: facts in, a ``Result`` out.

Owns facts files, binding facts to a compiled spec, evaluating every indicator through its rule,
totals and grades, the ``Result`` with its explanations, the compiled plan for repeated scoring,
spec test cases and the what-if comparison of two specs. Imports everything below it (``errors``,
``yamlio``, ``numbers``, ``formula``, ``rules``, ``spec``, ``methods``); never ``report``,
``tabular``, ``review``, ``batch`` or ``commands``.
"""
