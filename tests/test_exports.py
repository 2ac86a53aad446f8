"""Exports Polish users open in Excel, and the same data for programs (core.exports)."""

import datetime
from decimal import Decimal

from core.exports import Flavour, csv_response, excel_cell, machine_cell, sheet_name

UTC = datetime.UTC


def test_excel_reads_polish_dates_warsaw_times_and_decimal_commas():
    # 23:30 UTC on 31 January is 00:30 on 1 February in Warsaw (winter, UTC+1)...
    assert excel_cell(datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "01.02.2026 00:30"
    # ...and 22:30 UTC on 30 June is 00:30 on 1 July (summer, UTC+2).
    assert excel_cell(datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "01.07.2026 00:30"
    assert excel_cell(datetime.date(2026, 11, 26)) == "26.11.2026"
    assert excel_cell(Decimal("12.5")) == "12,5" and excel_cell(0.25) == "0,25"
    assert excel_cell(7) == 7 and excel_cell("Łódź") == "Łódź"


def test_programs_read_iso_8601_in_utc():
    moment = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert machine_cell(moment) == "2026-06-30T22:30:00+00:00"
    assert machine_cell(datetime.date(2026, 11, 26)) == "2026-11-26"


def test_the_two_csv_flavours():
    rows = [["miasto", "udział"], ["Łódź", 0.5], ["=HYPERLINK(1)", 1]]
    excel = csv_response("x", rows).content
    assert excel.startswith(b"\xef\xbb\xbf")
    assert excel.decode("utf-8-sig").splitlines() == [
        "miasto;udział",
        "Łódź;0,5",
        "'=HYPERLINK(1);1",
    ]
    data = csv_response("x", rows, flavour=Flavour.MACHINE)
    assert data.content.decode().splitlines() == ["miasto,udział", "Łódź,0.5", "'=HYPERLINK(1),1"]
    assert data["Content-Disposition"].endswith('-dane.csv"')


def test_sheet_names_are_valid_unique_and_keep_the_polish_title():
    taken: set[str] = set()
    assert sheet_name("Konsultacje według rodzaju", taken) == "Konsultacje według rodzaju"
    long = "Zakończone procedury: podstawy zakończenia [2026]"
    first = sheet_name(long, taken)
    second = sheet_name(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not set("[]:*?/\\") & set(first + second)
    assert sheet_name("", taken) == "Arkusz"
