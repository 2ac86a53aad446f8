"""Auditors' pages: timeline (with CSV and PDF export), compliance report, who saw a person."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.labels import KIND_LABELS
from audit.services import log_event
from core.exports import SafeCSVWriter
from documents import render as pdf_render
from oversight import readable, selectors
from workflows import calendar


def _timeline_csv(data: selectors.Timeline) -> HttpResponse:
    """One row an event: the stored codes (``action``, ``role``, ``payload``) for machines,
    and beside them the Polish columns a reader reads."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    number = data.procedure.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="timeline-{number}.csv"'
    writer = SafeCSVWriter(response)
    writer.writerow(
        [
            "id",
            "at",
            "action",
            "zdarzenie",
            "actor",
            "role",
            "rola",
            "institution",
            "client",
            "person",
            "payload",
            "szczegóły",
            "hash",
        ]
    )
    with translation.override("pl"):
        readable.describe(data.events)
    for event in data.events:
        writer.writerow(
            [
                event.pk,
                event.at.isoformat(),
                event.action,
                event.label,
                event.actor.get_full_name() if event.actor else "",
                event.actor_role,
                event.role_label,
                event.actor_institution,
                event.client,
                event.person_id or "",
                event.payload,
                "; ".join(f"{name}: {value}" for name, value in event.details),
                event.hash,
            ]
        )
    return response


def _timeline_pdf(data: selectors.Timeline) -> HttpResponse:
    with translation.override("pl"):
        readable.describe(data.events)
        html = render_to_string(
            "audit/dossier.html",
            {"t": data, "font_family": pdf_render.FONT_FAMILY, "generated": timezone.now()},
        )
    pdf, _pages = pdf_render.html_to_pdf(html)  # by module: tests swap the renderer
    response = HttpResponse(pdf, content_type="application/pdf")
    number = data.procedure.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="dossier-{number}.pdf"'
    return response


@login_required
def timeline(request, pk: int):
    kind = request.GET.get("kind", "")
    try:
        person_id = int(request.GET.get("person") or 0) or None
    except ValueError:
        person_id = None
    data = selectors.timeline(
        user=request.user, pk=pk, kind=kind, person_id=person_id, request=request
    )
    export = request.GET.get("export")
    if export in ("csv", "pdf"):
        log_event(
            action="timeline.exported",
            actor=request.user,
            procedure=data.procedure,
            payload={"format": export, "events": len(data.events)},
            request=request,
        )
        return _timeline_csv(data) if export == "csv" else _timeline_pdf(data)
    readable.describe(data.events)
    kinds = [(code, KIND_LABELS[code]) for code in selectors.EVENT_KINDS]
    return render(
        request,
        "audit/timeline.html",
        {"t": data, "kinds": kinds, "kind": kind, "person_id": person_id},
    )


def _date(value: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


@login_required
def compliance(request):
    today = calendar.legal_date()
    start = _date(request.GET.get("from"), today.replace(month=1, day=1))
    end = _date(request.GET.get("to"), today)
    if end < start:
        start, end = end, start
    rows = selectors.compliance(
        procedures=selectors.compliance_scope(request.user), start=start, end=end
    )
    return render(request, "audit/compliance.html", {"rows": rows, "start": start, "end": end})


@login_required
def person_accesses(request, person_pk: int):
    person, events, centre_included = selectors.person_accesses(
        user=request.user, person_id=person_pk, request=request
    )
    readable.describe(events)
    return render(
        request,
        "audit/person_accesses.html",
        {"person": person, "events": events, "centre_included": centre_included},
    )
