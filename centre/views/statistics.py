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
from core.exports import SafeCSVWriter, xlsx_workbook
from workflows import calendar


@login_required
def statistics(request):
    centre = selectors.centre_or_404(request.user)
    today = calendar.legal_date()
    form = forms.PeriodForm(request.GET or None)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = datetime.date(today.year, 1, 1), today
    stats = centre_statistics(centre, start, end, today)
    if not selectors.takes_part_in_procedures(request.user):
        suppress_small_cells(stats, minimum=settings.OIK_STATISTICS_MIN_CELL)
    export = request.GET.get("export")
    if export in ("csv", "xlsx") and (form.is_valid() or not request.GET):
        log_event(
            action="centre.statistics_exported",
            request=request,
            payload={"from": str(start), "to": str(end), "format": export},
        )
        name = f"statystyki-{start:%Y%m%d}-{end:%Y%m%d}"
        if export == "csv":
            return _csv(stats, name, centre)
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


def _csv(stats, name: str, centre) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer)
    writer.writerow([_("centre"), centre.name])
    writer.writerow([_("period"), stats.start.isoformat(), stats.end.isoformat()])
    for section in stats.sections:
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.columns)
        writer.writerows(section.rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(stats, name: str, centre) -> HttpResponse:
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    bold = workbook.add_format({"bold": True})
    for section in stats.sections:
        sheet = workbook.add_worksheet(section.key[:31])
        sheet.write(0, 0, f"{centre.name}: {section.title}", bold)
        sheet.write(1, 0, f"{stats.start.isoformat()} – {stats.end.isoformat()}")
        sheet.write_row(3, 0, section.columns, bold)
        for index, row in enumerate(section.rows):
            sheet.write_row(4 + index, 0, row)
        sheet.set_column(0, 0, 48)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
