"""Filed 自评表 spreadsheets for the import and review tests, built with openpyxl (see build.py)."""
