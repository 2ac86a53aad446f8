"""Spreadsheet exports (CSV and XLSX) that never turn a value into a formula.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
spreadsheet programs strip before looking) is run as a formula when a CSV is opened: an
administrator-set centre name such as ``=HYPERLINK(…)`` became a link that sends data away
(OWASP, "CSV Injection"). Every export writes through these helpers: in CSV such a text is
prefixed with an apostrophe, the spreadsheet convention for "this is text"; in XLSX every
text is written as a string cell (XlsxWriter otherwise writes ``=…`` as a formula and
``http…`` as a link), so the value stays exactly as typed.

Polish users open exports in Excel: ``csv_response`` writes either the Polish Excel flavour
(BOM, semicolons, decimal commas, dd.mm.rrrr, Warsaw time) or the machine flavour beside it;
``sheet_name`` and ``write_typed`` give XLSX Polish sheet names and typed cells.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

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


class Flavour(StrEnum):
    """Who reads a CSV file.

    ``EXCEL``: Polish Excel opens it with a double click. It needs the UTF-8 byte-order mark
    (without it the file is read as Windows-1250 and "Łódź" turns to garbage), the semicolon
    (the Polish list separator, since the comma is the decimal sign), decimal commas,
    dd.mm.rrrr dates and Warsaw local times. ``MACHINE``: for programs: UTF-8 without a BOM,
    commas, decimal points, ISO 8601 dates and UTC times.
    """

    EXCEL = "excel"
    MACHINE = "machine"


WARSAW = ZoneInfo("Europe/Warsaw")


def excel_cell(value: Any) -> Any:
    """``value`` as Polish Excel reads it (``Flavour.EXCEL``)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, WARSAW)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


def machine_cell(value: Any) -> Any:
    """``value`` for a program (``Flavour.MACHINE``): ISO 8601, times in UTC."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_response(
    filename: str, rows: Iterable[Iterable[Any]], *, flavour: Flavour = Flavour.EXCEL
) -> HttpResponse:
    """A CSV download of ``rows`` (``filename`` without ``.csv``) for ``flavour``'s reader;
    every cell safe from formula injection."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = "" if flavour == Flavour.EXCEL else "-dane"
    response["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.csv"'
    if flavour == Flavour.EXCEL:
        response.write("\ufeff")
        writer = SafeCSVWriter(response, delimiter=";")
        convert = excel_cell
    else:
        writer = SafeCSVWriter(response)
        convert = machine_cell
    for row in rows:
        writer.writerow([convert(cell) for cell in row])
    return response


# Characters Excel refuses in a sheet name, and its length limit.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name from a Polish ``title``; added to ``taken``."""
    base = _SHEET_FORBIDDEN.sub(" ", str(title)).strip().strip("'") or "Arkusz"
    name = base[:SHEET_NAME_MAX].strip()
    number = 2
    while name.lower() in {t.lower() for t in taken}:
        tail = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(tail)].strip() + tail
        number += 1
    taken.add(name)
    return name


def write_typed(sheet: Any, row: int, column: int, value: Any, formats: dict[str, Any]) -> None:
    """One typed XLSX cell: a date as a date (shown dd.mm.rrrr), a time as Warsaw local time,
    a number as a number, a text as text (``formats`` from ``xlsx_formats``)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, WARSAW).replace(tzinfo=None)
        sheet.write_datetime(row, column, value, formats["datetime"])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(
            row, column, datetime.datetime.combine(value, datetime.time()), formats["date"]
        )
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, value)
    elif value is None:
        sheet.write_blank(row, column, None)
    else:
        sheet.write_string(row, column, str(value))


def xlsx_formats(workbook: xlsxwriter.Workbook) -> dict[str, Any]:
    """The cell formats ``write_typed`` uses: Polish date and date-time, bold headings."""
    return {
        "date": workbook.add_format({"num_format": "dd.mm.yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"}),
        "bold": workbook.add_format({"bold": True}),
    }
