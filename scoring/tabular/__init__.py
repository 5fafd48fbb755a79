"""The 自评表 as a table, in both directions.

Writing: ``form.build_form(result)`` lays a scored project out as the standard 自评表 (header, funds
block, 年度总体目标, indicator block, footer) once, as a grid of cells with merges; the xlsx, csv and
html renderers only draw that grid. Reading: ``sheet`` turns a filled spreadsheet (xlsx or csv) into
a grid of cells, ``parse`` finds the 自评表 in it (``FiledTable``: every value with its cell, e.g.
``Sheet1!F12``), and ``convert`` makes a spec + facts pair the engine scores. Nothing here guesses
silently: what cannot be read is a problem naming its cell, what is inferred is a notice naming it.

May import ``engine``, ``spec`` and the layers below them; never ``report``, ``methods``,
``review``, ``batch`` or ``commands``.
"""

from __future__ import annotations

# The submodules are imported where used (``scoring.tabular.form`` …), not here: writing a csv
# or html table must not pay for loading the spreadsheet reader.
