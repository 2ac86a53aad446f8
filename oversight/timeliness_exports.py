"""The timeliness figures as files: CSV for Polish Excel and for programs, XLSX with Polish
sheet names and typed cells, and a PDF (the dossier's WeasyPrint renderer). Headings are
Polish whatever the reader's language: the files go to an audit record."""

import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Flavour, csv_response, sheet_name, write_typed, xlsx_formats, xlsx_workbook
from documents import render as pdf_render
from oversight.timeliness import REPEAT_MONTHS, DurationFigures, ShareRow, Timeliness

MEASURE_LABELS = {
    "group": gettext_lazy("From the NK-A to the group's creation"),
    "meeting": gettext_lazy("From the NK-A to the first meeting"),
}


def share_headings() -> list[str]:
    return [
        _("Deadline"),
        _("On time"),
        _("Late"),
        _("Open and overdue"),
        _("Open, not yet due"),
        _("Share on time (%)"),
        _("Over the threshold, no reason recorded"),
    ]


def duration_headings() -> list[str]:
    return [
        _("Time from the NK-A"),
        _("Cases"),
        _("Step not yet taken"),
        _("Median days"),
        _("90th percentile"),
        _("Maximum"),
    ]


def month_headings() -> list[str]:
    return [_("Month"), _("On time"), _("Due or met"), _("Share on time (%)")]


def _share(row: ShareRow) -> list:
    values = [row.on_time, row.late, row.overdue, row.open, row.share]
    return [*values, row.over_threshold]


def _duration(item: DurationFigures) -> list:
    return [item.cases, item.pending, item.median, item.p90, item.maximum]


def other_figures(data: Timeliness) -> list[tuple[str, str, int]]:
    """(code, label, value) of the figures outside the tables."""
    return [
        (
            "cases_over_threshold",
            _("Cases over the threshold, no reason recorded"),
            data.cases_over_threshold,
        ),
        ("expired", _("Protective orders that ran out in the period"), data.orders.expired),
        ("extended", _("… extended by a court"), data.orders.extended),
        ("lapsed", _("… lapsed with no court extension"), data.orders.lapsed),
        ("initiated", _("Procedures initiated in the period"), data.initiated),
        (
            "repeats",
            _("… of which repeat cards within %(n)s months of a closure") % {"n": REPEAT_MONTHS},
            data.repeats,
        ),
    ]


def _filename(data: Timeliness) -> str:
    return f"terminowosc-nik-{data.period.start:%Y%m%d}-{data.period.end:%Y%m%d}"


def _filters(data: Timeliness) -> list[list]:
    period = data.period
    return [
        [_("from"), period.start],
        [_("to"), period.end],
        [_("Threshold (days late)"), period.threshold],
    ]


def as_csv(data: Timeliness, flavour: Flavour) -> HttpResponse:
    """Excel: the page's tables one under another with Polish headings; programs: one
    tidy row per figure, ``section, key, values…``, with the codes."""
    if flavour == Flavour.EXCEL:
        table: list[list] = [*_filters(data), [], share_headings()]
        table += [[row.label, *_share(row)] for row in data.shares]
        table += [[], duration_headings()]
        table += [[str(MEASURE_LABELS[m]), *_duration(f)] for m, f in data.durations.items()]
        table += [[]] + [[label, value] for _code, label, value in other_figures(data)]
        table += [[], month_headings()]
        table += [[m.month, m.on_time, m.decided, m.share] for m in data.months]
    else:
        period = data.period
        table = [
            ["section", "key", "values"],
            ["period", "from", period.start],
            ["period", "to", period.end],
            ["period", "rule", period.rule],
            ["period", "threshold", period.threshold],
        ]
        table += [["deadlines", row.rule, *_share(row)] for row in data.shares]
        table += [["duration", m, *_duration(f)] for m, f in data.durations.items()]
        sections = ("deadlines", "orders", "orders", "orders", "cards", "cards")
        table += [
            [section, code, value]
            for section, (code, _label, value) in zip(sections, other_figures(data), strict=True)
        ]
        table += [["month", m.month, m.on_time, m.decided, m.share] for m in data.months]
    return csv_response(_filename(data), table, flavour=flavour)


def _sheet(workbook, formats, taken: set[str], title: str, rows: list[list]) -> None:
    sheet = workbook.add_worksheet(sheet_name(title, taken))
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if number == 0:
                sheet.write_string(0, column, str(value), formats["bold"])
            else:
                write_typed(sheet, number, column, value, formats)
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 8, 14)


def as_xlsx(data: Timeliness) -> HttpResponse:
    """Three sheets: the deadlines (with the orders, the repeat cards and the filters), the
    time from the card, the months."""
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    formats = xlsx_formats(workbook)
    taken: set[str] = set()
    rows = [share_headings(), *([row.label, *_share(row)] for row in data.shares), []]
    rows += [[label, value] for _code, label, value in other_figures(data)]
    rows += [[], *_filters(data)]
    _sheet(workbook, formats, taken, _("Timeliness"), rows)
    rows = [duration_headings()]
    rows += [[str(MEASURE_LABELS[m]), *_duration(f)] for m, f in data.durations.items()]
    _sheet(workbook, formats, taken, _("Time from the NK-A"), rows)
    rows = [month_headings(), *([m.month, m.on_time, m.decided, m.share] for m in data.months)]
    _sheet(workbook, formats, taken, _("By month"), rows)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(data)}.xlsx"'
    return response


def as_pdf(data: Timeliness, scope: str) -> HttpResponse:
    with translation.override("pl"):
        html = render_to_string(
            "audit/timeliness_pdf.html",
            {
                "t": data,
                "scope": scope,
                "durations": [(MEASURE_LABELS[m], f) for m, f in data.durations.items()],
                "others": other_figures(data),
                "font_family": pdf_render.FONT_FAMILY,
                "generated": timezone.now(),
            },
        )
    pdf, _pages = pdf_render.html_to_pdf(html)  # by module: tests swap the renderer
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(data)}.pdf"'
    return response
