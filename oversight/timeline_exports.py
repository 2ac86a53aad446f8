"""The timeline as an XLSX workbook: the history told in sentences, the deadlines, the
documents; typed cells (dates as dates, Warsaw time), Polish sheet names and headings, like
the CSV for Excel (``oversight.views``). The events are already described
(``oversight.readable.describe``, in Polish)."""

import io

from django.http import HttpResponse

from core.exports import sheet_name, write_typed, xlsx_formats, xlsx_workbook
from oversight.selectors import Timeline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STATES = {
    "on_time": "dotrzymany w terminie",
    "late": "dotrzymany po terminie",
    "open": "otwarty",
    "overdue": "niedotrzymany, otwarty po terminie",
}


def _sheet(workbook, taken: set[str], title: str, headings: list[str], rows, widths, formats):
    sheet = workbook.add_worksheet(sheet_name(title, taken))
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, heading, formats["bold"])
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            write_typed(sheet, number, column, value, formats)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    return sheet


def as_xlsx(data: Timeline) -> HttpResponse:
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    formats = xlsx_formats(workbook)
    taken: set[str] = set()
    _sheet(
        workbook,
        taken,
        "Przebieg sprawy",
        ["lp.", "kiedy", "opis", "zdarzenie", "instytucja", "adres", "szczegóły", "skrót"],
        (
            [
                event.pk,
                event.at,
                event.sentence,
                event.label,
                event.actor_institution,
                event.client,
                "; ".join(f"{name}: {value}" for name, value in event.details),
                event.hash,
            ]
            for event in data.events
        ),
        [8, 16, 80, 30, 30, 14, 60, 20],
        formats,
    )
    _sheet(
        workbook,
        taken,
        "Terminy",
        ["termin", "liczony od", "upływa", "dotrzymano", "wynik", "dni po terminie"],
        (
            [
                row.label,
                row.deadline.starts_on,
                row.deadline.due_on,
                row.deadline.met_on,
                STATES[row.state],
                row.days if row.state in ("late", "overdue") else 0,
            ]
            for row in data.deadlines
        ),
        [40, 12, 12, 12, 34, 14],
        formats,
    )
    _sheet(
        workbook,
        taken,
        "Dokumenty",
        ["dokument", "wersja", "wygenerowano", "SHA-256"],
        ([d.get_kind_display(), d.version, d.generated_at, d.sha256] for d in data.documents),
        [50, 8, 16, 70],
        formats,
    )
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    number = data.procedure.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="historia-{number}.xlsx"'
    return response
