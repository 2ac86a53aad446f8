"""Spreadsheet exports (CSV and XLSX) that never turn a value into a formula.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
spreadsheet programs strip before looking) is run as a formula when a CSV is opened: an
administrator-set centre name such as ``=HYPERLINK(…)`` became a link that sends data away
(OWASP, "CSV Injection"). Every export writes through these helpers: in CSV such a text is
prefixed with an apostrophe, the spreadsheet convention for "this is text"; in XLSX every
text is written as a string cell (XlsxWriter otherwise writes ``=…`` as a formula and
``http…`` as a link), so the value stays exactly as typed.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """``value`` safe for a CSV cell: a text that a spreadsheet would run gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeCSVWriter:
    """``csv.writer`` whose every cell goes through ``csv_text``."""

    def __init__(self, file: Any, **options: Any):
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_text(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """A workbook that writes every text as text: never a formula, never a link."""
    return xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
