"""Numbers as people write them: amounts with units, percentages, counts, and how they are shown.

Owns parsing of cell and fact text (``110万元``, ``98.5%``, ``1,100,000元``, blanks and "不适用"),
money units (元/万元/亿元), quantities with compound units, the bounds every number must keep, and
formatting at a declared number of places with half-up rounding. Imports only ``scoring.errors``.
"""
