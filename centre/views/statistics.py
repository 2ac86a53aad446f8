"""The statistics page and its CSV and XLSX exports (figures: ``centre.statistics``)."""

import datetime
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.services import log_event
from centre import forms, selectors
from centre.charts import bar_chart
from centre.statistics import centre_statistics, suppress_small_cells
from core.exports import Flavour, csv_response, sheet_name, write_typed, xlsx_formats, xlsx_workbook
from workflows import calendar


@login_required
def statistics(request):
    centre = selectors.centre_or_404(request.user)
    today = calendar.legal_date()
    start, end = datetime.date(today.year, 1, 1), today
    # The fields show the period applied, the default one included.
    form = forms.PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    stats = centre_statistics(centre, start, end, today)
    if not selectors.takes_part_in_procedures(request.user):
        suppress_small_cells(stats, minimum=settings.OIK_STATISTICS_MIN_CELL)
    export = request.GET.get("export")
    if export in ("csv", "csv-data", "xlsx") and (form.is_valid() or not request.GET):
        log_event(
            action="centre.statistics_exported",
            request=request,
            payload={"from": str(start), "to": str(end), "format": export},
        )
        name = f"statystyki-{start:%Y%m%d}-{end:%Y%m%d}"
        if export in ("csv", "csv-data"):
            flavour = Flavour.EXCEL if export == "csv" else Flavour.MACHINE
            return csv_response(name, _rows(stats, centre), flavour=flavour)
        return _xlsx(stats, name, centre)
    charts = {
        s.key: bar_chart([(row[0], row[1]) for row in s.rows])
        for s in stats.sections
        if s.key in ("by_kind", "by_mode", "field", "prevention", "nka_by_sector", "closures")
        and not s.suppressed_below
    }
    return render(
        request,
        "centre/statistics.html",
        {"centre": centre, "form": form, "stats": stats, "charts": charts},
    )


def _rows(stats, centre) -> list[list]:
    rows: list[list] = [[_("centre"), centre.name], [_("period"), stats.start, stats.end]]
    for section in stats.sections:
        rows += [[], [section.title], list(section.columns), *map(list, section.rows)]
    return rows


def _xlsx(stats, name: str, centre) -> HttpResponse:
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    formats = xlsx_formats(workbook)
    taken: set[str] = set()
    for section in stats.sections:
        sheet = workbook.add_worksheet(sheet_name(section.title, taken))
        sheet.write_string(0, 0, f"{centre.name}: {section.title}", formats["bold"])
        write_typed(sheet, 1, 0, stats.start, formats)
        write_typed(sheet, 1, 1, stats.end, formats)
        sheet.write_row(3, 0, section.columns, formats["bold"])
        for index, row in enumerate(section.rows):
            for column, value in enumerate(row):
                write_typed(sheet, 4 + index, column, value, formats)
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, 8, 14)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
