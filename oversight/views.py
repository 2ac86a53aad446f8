"""Auditors' pages: timeline (with CSV and PDF export), compliance report (with its drill-down
and CSV/XLSX/PDF export), who saw a person."""

import datetime
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from audit.labels import KIND_LABELS
from audit.services import log_event, log_read
from core.exports import Flavour, csv_response
from documents import render as pdf_render
from oversight import breaches, compliance_exports, readable, selectors, timeline_exports
from workflows import calendar, history
from workflows.rules import RULE_LABELS, RuleCode
from workflows.selectors import auditor_scope_for


def _timeline_csv(data: selectors.Timeline, flavour: Flavour) -> HttpResponse:
    """One row an event. For Excel: the Polish columns a reader reads, Warsaw time. For
    programs: the stored codes (``action``, ``role``, ``payload``) beside them, UTC."""
    with translation.override("pl"):
        readable.describe(data.events)
    number = data.procedure.number.replace("/", "-")
    if flavour == Flavour.EXCEL:
        rows: list[list] = [  # noqa: E501 - one header row
            [
                "lp.",
                "kiedy",
                "zdarzenie",
                "opis",
                "kto",
                "rola",
                "instytucja",
                "osoba",
                "szczegóły",
                "skrót",
            ]
        ]
        rows += [
            [
                event.pk,
                event.at,
                event.label,
                event.sentence,
                event.actor.get_full_name() if event.actor else "",
                event.role_label,
                event.actor_institution,
                event.person_id or "",
                "; ".join(f"{name}: {value}" for name, value in event.details),
                event.hash,
            ]
            for event in data.events
        ]
    else:
        rows = [
            [
                "id",
                "at",
                "action",
                "zdarzenie",
                "opis",
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
        ]
        rows += [
            [
                event.pk,
                event.at,
                event.action,
                event.label,
                event.sentence,
                event.actor.get_full_name() if event.actor else "",
                event.actor_role,
                event.role_label,
                event.actor_institution,
                event.client,
                event.person_id or "",
                json.dumps(event.payload, ensure_ascii=False, sort_keys=True),
                "; ".join(f"{name}: {value}" for name, value in event.details),
                event.hash,
            ]
            for event in data.events
        ]
    return csv_response(f"historia-{number}", rows, flavour=flavour)


def _timeline_pdf(data: selectors.Timeline, user) -> HttpResponse:
    """The dossier: the case told as a file an inspector reads (people, forms, meetings, plan,
    orders, deadlines, documents), then its history as sentences."""
    with translation.override("pl"):
        readable.describe(data.events)
        html = render_to_string(
            "audit/dossier.html",
            {
                "t": data,
                "page": selectors.dossier_page(user=user, procedure=data.procedure),
                "lines": history.collapse(data.events),
                "font_family": pdf_render.FONT_FAMILY,
                "generated": timezone.now(),
            },
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
    if export in ("csv", "csv-data", "pdf", "xlsx"):
        log_event(
            action="timeline.exported",
            actor=request.user,
            procedure=data.procedure,
            payload={"format": export, "events": len(data.events)},
            request=request,
        )
        if export == "pdf":
            return _timeline_pdf(data, request.user)
        if export == "xlsx":
            with translation.override("pl"):
                readable.describe(data.events)
            return timeline_exports.as_xlsx(data)
        return _timeline_csv(data, Flavour.EXCEL if export == "csv" else Flavour.MACHINE)
    readable.describe(data.events)
    kinds = [(code, KIND_LABELS[code]) for code in selectors.EVENT_KINDS]
    return render(
        request,
        "audit/timeline.html",
        {
            "t": data,
            "lines": history.collapse(data.events),
            "kinds": kinds,
            "kind": kind,
            "person_id": person_id,
        },
    )


def _date(value: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def _period(request) -> tuple[datetime.date, datetime.date]:
    today = calendar.legal_date()
    start = _date(request.GET.get("from"), today.replace(month=1, day=1))
    end = _date(request.GET.get("to"), today)
    return (end, start) if end < start else (start, end)


def _scope_text(user) -> str:
    """Whose procedures the report covers, for the PDF's reader."""
    scope = auditor_scope_for(user)
    if scope is not None:
        if scope.municipality_id:
            return _("procedures of %(place)s") % {"place": scope.municipality.name}
        if scope.county:
            return _("procedures of the county %(place)s") % {"place": scope.county}
        return _("all procedures")
    return _("procedures of the team you chair")


COMPLIANCE_EXPORTS = ("csv", "csv-data", "xlsx", "pdf")


@login_required
def compliance(request):
    start, end = _period(request)
    procedures = selectors.compliance_scope(request.user)
    tally = selectors.compliance_tally_scope(request.user)
    export = request.GET.get("export")
    if export in COMPLIANCE_EXPORTS:
        with translation.override("pl"):
            rows = selectors.compliance(procedures=procedures, start=start, end=end, tally=tally)
            log_event(
                action="compliance.exported",
                actor=request.user,
                payload={"format": export, "from": str(start), "to": str(end)},
                request=request,
            )
            if export == "xlsx":
                deadlines = selectors.compliance_rows(procedures=procedures, start=start, end=end)
                return compliance_exports.as_xlsx(rows, start, end, deadlines)
            if export == "pdf":
                return compliance_exports.as_pdf(rows, start, end, _scope_text(request.user))
            flavour = Flavour.EXCEL if export == "csv" else Flavour.MACHINE
            return compliance_exports.as_csv(rows, start, end, flavour)
    rows = selectors.compliance(procedures=procedures, start=start, end=end, tally=tally)
    period = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    # Issue 15 item 5: the missed deadlines of the period with their recorded reasons, 25 at
    # a time (issue 16: a national report over ten years has tens of thousands).
    missed = breaches.period_breaches_page(
        procedures=procedures, tally=tally, start=start, end=end, params=request.GET
    )
    log_read(
        action="compliance_breaches.viewed",
        actor=request.user,
        request=request,
        procedures=sorted({b.deadline.procedure_id for b in missed.page}),
        payload={"from": str(start), "to": str(end)},
    )
    return render(
        request,
        "audit/compliance.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "period": period,
            "breaches": missed.page,
            "unexplained": missed.unexplained,
        },
    )


@login_required
def compliance_cases(request):
    """The deadlines (and their cases) behind one figure of the compliance report."""
    start, end = _period(request)
    rule, state = request.GET.get("rule", ""), request.GET.get("state", "")
    rows = selectors.compliance_cases(
        user=request.user, rule=rule, state=state, start=start, end=end, request=request
    )
    known = rule in selectors.COMPLIANCE_RULES and state in compliance_exports.STATE_LABELS
    reasons = breaches.reasons_for(row.deadline.pk for row in rows)
    return render(
        request,
        "audit/compliance_cases.html",
        {
            "rows": [(row, reasons.get(row.deadline.pk)) for row in rows],
            "start": start,
            "end": end,
            "rule_label": RULE_LABELS[RuleCode(rule)] if known else "",
            "state_label": compliance_exports.STATE_LABELS[state] if known else "",
            "period": urlencode({"from": start.isoformat(), "to": end.isoformat()}),
        },
    )


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
