"""Reading the YAML documents people write: positions kept, size bounded, paths refused.

Owns the YAML loader (a ``CSafeLoader`` subclass that records each node's line and column, with a
size and alias budget checked after loading), reading a text file safely (encoding, size, paths a
spec may name), and turning pydantic's validation errors into located problems. Imports only
``scoring.errors`` and the standard library, pyyaml and pydantic.
"""
