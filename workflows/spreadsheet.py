"""Values for spreadsheets the registrar exports (CSV for Excel, xlsx).

A text cell a spreadsheet would read as a formula (a document title or a log-in name
typed as ``=HYPERLINK(...)``) is written as text: CSV/formula injection. Every export
writes its cells through ``safe_cell``.
"""

from __future__ import annotations

import datetime

# Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a UTF-8 CSV as UTF-8 only with the byte order mark.
CSV_BOM = "\ufeff"
# Swedish Excel expects semicolons.
CSV_DELIMITER = ";"


def safe_cell(value):
    """``value`` as a spreadsheet should show it: numbers and dates unchanged, None as
    empty, text that would start a formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, int | float | datetime.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
