"""An indicator system (spec): its file format, loading, overlays and provenance.

Owns the pydantic model of the YAML format, loading a spec (``extends:`` profiles and their
overlays, ``--set`` overrides, the shipped systems named ``jixiao:NAME``), every compile check
with a located problem, the compiled immutable ``Spec`` the engine scores against, and the facts
template of ``jixiao init``. Imports ``errors``, ``yamlio``, ``numbers``, ``formula`` and
``rules``; never the engine or anything that writes output.
"""
