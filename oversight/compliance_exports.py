"""The deadline compliance report as files: CSV for Polish Excel and for programs, XLSX with
typed cells, and a PDF (the dossier's WeasyPrint renderer). Headings are Polish whatever
the reader's language: the files go to an audit record."""

import datetime
import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Flavour, csv_response, sheet_name, write_typed, xlsx_formats, xlsx_workbook
from documents import render as pdf_render
from oversight.selectors import ComplianceRow, DeadlineRow

# What happened to a deadline (``oversight.selectors.COMPLIANCE_STATES``), for readers.
STATE_LABELS = {
    "on_time": gettext_lazy("met on time"),
    "late": gettext_lazy("met late"),
    "open": gettext_lazy("still open"),
    "overdue": gettext_lazy("open and overdue"),
}

# The report's figures in the order of the page: (attribute, code for programs).
FIGURES = (
    ("on_time", "on_time"),
    ("late", "late"),
    ("open", "open"),
    ("open_overdue", "open_overdue"),
    ("median_days", "median_days"),
    ("p90_days", "p90_days"),
    ("max_days", "max_days"),
    ("max_days_late", "max_days_late"),
)


def headings() -> list[str]:
    """The page's column headings in the active language (the callers set Polish)."""
    return [
        _("Deadline"),
        _("On time"),
        _("Late"),
        _("Still open"),
        _("of which overdue"),
        _("Median days"),
        _("90th percentile"),
        _("Maximum"),
        _("Largest delay (days)"),
        _("from"),
        _("to"),
    ]


def _filename(start: datetime.date, end: datetime.date) -> str:
    return f"terminowosc-{start:%Y%m%d}-{end:%Y%m%d}"


def _values(row: ComplianceRow) -> list:
    return [getattr(row, name) for name, _code in FIGURES]


def as_csv(
    rows: list[ComplianceRow], start: datetime.date, end: datetime.date, flavour: Flavour
) -> HttpResponse:
    """Excel: the Polish headings and rule names; programs: the codes beside the names."""
    if flavour == Flavour.EXCEL:
        table: list[list] = [headings()]
        table += [[row.label, *_values(row), start, end] for row in rows]
    else:
        table = [["rule", "deadline", *(code for _name, code in FIGURES), "from", "to"]]
        table += [[row.rule, row.label, *_values(row), start, end] for row in rows]
    return csv_response(_filename(start, end), table, flavour=flavour)


def as_xlsx(
    rows: list[ComplianceRow],
    start: datetime.date,
    end: datetime.date,
    deadlines: list[DeadlineRow],
) -> HttpResponse:
    """The report on its sheet, and on a second one every deadline it counts, with its case
    (the drill-down, for a reader who filters in Excel)."""
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    formats = xlsx_formats(workbook)
    taken: set[str] = set()
    sheet = workbook.add_worksheet(sheet_name(_("Deadline compliance"), taken))
    for column, title in enumerate(headings()):
        sheet.write_string(0, column, title, formats["bold"])
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate([row.label, *_values(row), start, end]):
            write_typed(sheet, number, column, value, formats)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(FIGURES) + 2, 14)
    sheet = workbook.add_worksheet(sheet_name(_("Deadlines"), taken))
    titles = [_("Deadline"), _("Number"), _("Counted from"), _("Due on"), _("Met on")]
    titles += [_("State"), _("Days late or overdue")]
    for column, title in enumerate(titles):
        sheet.write_string(0, column, title, formats["bold"])
    for number, item in enumerate(deadlines, start=1):
        deadline = item.deadline
        late = item.days if item.state in ("late", "overdue") else 0
        values = [item.label, deadline.procedure.number, deadline.starts_on, deadline.due_on]
        values += [deadline.met_on, str(STATE_LABELS[item.state]), late]
        for column, value in enumerate(values):
            write_typed(sheet, number, column, value, formats)
    sheet.set_column(0, 1, 32)
    sheet.set_column(2, 6, 14)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(start, end)}.xlsx"'
    return response


def as_pdf(
    rows: list[ComplianceRow], start: datetime.date, end: datetime.date, scope: str
) -> HttpResponse:
    with translation.override("pl"):
        html = render_to_string(
            "audit/compliance_pdf.html",
            {
                "rows": rows,
                "start": start,
                "end": end,
                "scope": scope,
                "font_family": pdf_render.FONT_FAMILY,
                "generated": timezone.now(),
            },
        )
    pdf, _pages = pdf_render.html_to_pdf(html)  # by module: tests swap the renderer
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(start, end)}.pdf"'
    return response
