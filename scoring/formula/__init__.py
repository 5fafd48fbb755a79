"""The formula language a spec's formulas are written in: parse, check, evaluate, explain.

Owns the whitelisted expression compiler (no attribute access, no dunders, no imports, bounded
cost), the static checks run when a spec loads (unknown names with suggestions, units), the limits
on size and cost, and the text form used in explanations. Imports ``scoring.errors`` and
``scoring.numbers``.
"""
