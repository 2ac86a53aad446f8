"""The centre's pages. Everyone but the centre's own staff gets "not found"."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import log_event, log_read
from centre import forms, selectors, services
from centre.charts import bar_chart
from centre.models import (
    CentrePerson,
    Consultation,
    Contact,
    Enrolment,
    Group,
    HostelStay,
    PreventionEvent,
    TherapyCourse,
)
from centre.statistics import centre_statistics, suppress_small_cells
from core.exports import SafeCSVWriter, xlsx_workbook
from workflows import calendar, idempotency
from workflows.services import ServiceError
from workflows.step_forms import apply_service_error

GET_POST = require_http_methods(["GET", "POST"])


def _seen(request, action: str, records=(), form=None, fields=()) -> None:
    """One read event for a centre page: the people it shows, those in the choices of
    ``form``'s person ``fields`` included (docs/audit.md). ``records`` are the centre's own
    records (``CentrePerson`` objects or ids); the event names the shared person each is
    linked to, so "who saw this person" finds centre reads too."""
    record_ids = [getattr(r, "pk", r) for r in records]
    shown = list(CentrePerson.objects.filter(pk__in=record_ids).values_list("person_id", flat=True))
    for name in fields:
        shown += form.fields[name].queryset.values_list("person_id", flat=True)
    log_read(action=action, request=request, people=shown)


def _attempt(form, call):
    """Run ``call`` when the form is valid and return what it returns (a saved record);
    ``None`` when the form or the service refuses (a ``ServiceError`` goes next to its field).
    """
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ServiceError as error:
        apply_service_error(form, error)
        return None


def _create_once(request, form, call, url, message=""):
    """``_attempt`` for a form that creates a record, once per form token.

    ``url`` maps the saved record to the page to go to; ``message`` is the text shown
    after it, or a function of the record. Returns the redirect (also for a form sent
    again, which writes nothing: ``workflows.idempotency``), or ``None`` when the form or
    the service refuses.
    """
    previous = idempotency.previous_submission(request)
    if previous is not None:
        return previous
    if not form.is_valid():
        return None

    def perform() -> str:
        record = call(form.cleaned_data)
        if message:
            messages.success(request, message(record) if callable(message) else message)
        return url(record)

    try:
        return idempotency.submit_once(request, perform)
    except ServiceError as error:
        apply_service_error(form, error)
        return None


@login_required
@GET_POST
def home(request):
    centre = selectors.centre_or_404(request.user)
    today = calendar.legal_date()
    form = forms.ContactForm(request.POST or None, people=selectors.people_of(centre))
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.contact_record(
            actor=request.user,
            at=d["at"],
            channel=d["channel"],
            reason=d["reason"],
            outcome=d["outcome"],
            person_id=d["person"].pk if d["person"] else None,
            new_person=(
                services.PersonData(first_name=d["new_first_name"], last_name=d["new_last_name"])
                if d["new_first_name"].strip()
                else None
            ),
        ),
        lambda _contact: reverse("centre:home"),
        _("The contact is in the duty log."),
    )
    if done:
        return done
    since = timezone.now() - datetime.timedelta(hours=24)
    occupancy = selectors.occupancy_by_day(centre, today, today, today)[0]
    contacts = list(
        Contact.objects.filter(centre=centre, at__gte=since)
        .select_related("person", "staff")
        .order_by("-at")[:50]
    )
    stays = list(selectors.current_stays(centre))
    _seen(
        request,
        "centre.duty_log_viewed",
        [c.person_id for c in contacts if c.person_id] + [s.person_id for s in stays],
        form,
        ["person"],
    )
    return render(
        request,
        "centre/home.html",
        {
            "centre": centre,
            "form": form,
            "contacts": contacts,
            "occupancy": occupancy,
            "stays": stays,
            "today": today,
        },
    )


@login_required
def contact_list(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.PeriodForm(request.GET or None)
    contacts = Contact.objects.filter(centre=centre).select_related("person", "staff")
    if form.is_valid():
        contacts = contacts.filter(
            at__date__range=(form.cleaned_data["start"], form.cleaned_data["end"])
        )
    contacts = list(contacts.order_by("-at")[:500])
    _seen(request, "centre.contacts_viewed", [c.person_id for c in contacts if c.person_id])
    return render(
        request,
        "centre/contact_list.html",
        {"centre": centre, "form": form, "contacts": contacts},
    )


@login_required
def person_list(request):
    centre = selectors.centre_or_404(request.user)
    query = request.GET.get("q", "")[:100]
    people = list(
        selectors.search_people(centre, query).select_related("household", "person")[:200]
    )
    # One event naming everyone the page lists (the search text is not stored).
    _seen(request, "centre.person_searched" if query else "centre.people_viewed", people)
    return render(
        request,
        "centre/person_list.html",
        {"centre": centre, "people": people, "q": query},
    )


@login_required
@GET_POST
def person_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.PersonForm(request.POST or None, households=selectors.households_of(centre))
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.person_record(actor=request.user, data=services.PersonData(**d)),
        lambda person: reverse("centre:person_detail", args=[person.pk]),
        lambda person: _("%(name)s is recorded.") % {"name": person},
    )
    if done:
        return done
    return render(
        request,
        "centre/form.html",
        {"centre": centre, "form": form, "title": _("Record a person")},
    )


@login_required
@GET_POST
def person_detail(request, pk):
    centre = selectors.centre_or_404(request.user)
    person = get_object_or_404(
        selectors.people_of(centre).select_related("household", "person"), pk=pk
    )
    household_form = forms.HouseholdForm(
        request.POST or None,
        households=selectors.households_of(centre),
        initial={"household_id": person.household_id},
    )
    if request.method == "POST" and _attempt(
        household_form,
        lambda d: services.person_household_set(actor=request.user, person_id=person.pk, **d),
    ):
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(request.path)
    if request.method == "GET":
        log_event(action="centre.person_viewed", request=request, person=person.person)
    return render(
        request,
        "centre/person_detail.html",
        {
            "centre": centre,
            "person": person,
            "household_form": household_form,
            "consultations": Consultation.objects.filter(centre=centre, clients__person=person),
            "stays": HostelStay.objects.filter(centre=centre, person=person).select_related(
                "place"
            ),
            "courses": TherapyCourse.objects.filter(centre=centre, person=person),
            "enrolments": Enrolment.objects.filter(
                group__centre=centre, person=person
            ).select_related("group"),
        },
    )


@login_required
def consultation_list(request):
    centre = selectors.centre_or_404(request.user)
    consultations = (
        Consultation.objects.filter(centre=centre)
        .select_related("staff")
        .prefetch_related("clients__person")[:300]
    )
    _seen(
        request,
        "centre.consultations_viewed",
        [client.person_id for c in consultations for client in c.clients.all()],
    )
    return render(
        request,
        "centre/consultation_list.html",
        {"centre": centre, "consultations": consultations},
    )


@login_required
@GET_POST
def consultation_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.ConsultationForm(request.POST or None, people=selectors.people_of(centre))
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.consultation_record(
            actor=request.user,
            data=services.ConsultationInput(
                kind=d["kind"],
                mode=d["mode"],
                held_on=d["held_on"],
                duration_minutes=d["duration_minutes"],
                person_ids=[p.pk for p in d["people"]],
                place=d["place"],
                field_reason=d["field_reason"],
                notes=d["notes"],
            ),
        ),
        lambda _consultation: reverse("centre:consultation_list"),
        _("The consultation is recorded."),
    )
    if done:
        return done
    _seen(request, "centre.consultation_form_viewed", form=form, fields=["people"])
    return render(
        request,
        "centre/form.html",
        {"centre": centre, "form": form, "title": _("Record a consultation")},
    )


@login_required
def therapy_list(request):
    centre = selectors.centre_or_404(request.user)
    courses = list(
        TherapyCourse.objects.filter(centre=centre).select_related("person", "therapist")
    )
    _seen(request, "centre.therapy_viewed", [c.person_id for c in courses])
    return render(request, "centre/therapy_list.html", {"centre": centre, "courses": courses})


@login_required
@GET_POST
def therapy_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.TherapyCourseForm(request.POST or None, people=selectors.people_of(centre))
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.therapy_course_start(
            actor=request.user,
            kind=d["kind"],
            person_id=d["person"].pk,
            started_on=d["started_on"],
        ),
        lambda course: reverse("centre:therapy_detail", args=[course.pk]),
    )
    if done:
        return done
    _seen(request, "centre.therapy_form_viewed", form=form, fields=["person"])
    return render(
        request,
        "centre/form.html",
        {"centre": centre, "form": form, "title": _("Start a therapy course")},
    )


@login_required
@GET_POST
def therapy_detail(request, pk):
    centre = selectors.centre_or_404(request.user)
    course = get_object_or_404(
        TherapyCourse.objects.filter(centre=centre).select_related("person"), pk=pk
    )
    action = request.POST.get("action")
    session_form = forms.TherapySessionForm(request.POST if action == "session" else None)
    end_form = forms.TherapyEndForm(request.POST if action == "end" else None)
    done = action == "session" and _create_once(
        request,
        session_form,
        lambda d: services.therapy_session_record(actor=request.user, course_id=course.pk, **d),
        lambda _session: request.path,
    )
    if done:
        return done
    if action == "end" and _attempt(
        end_form,
        lambda d: services.therapy_course_end(actor=request.user, course_id=course.pk, **d),
    ):
        return HttpResponseRedirect(request.path)
    _seen(request, "centre.therapy_course_viewed", [course.person_id])
    return render(
        request,
        "centre/therapy_detail.html",
        {
            "centre": centre,
            "course": course,
            "session_form": session_form,
            "end_form": end_form,
        },
    )


@login_required
def group_list(request):
    centre = selectors.centre_or_404(request.user)
    groups = Group.objects.filter(centre=centre).select_related("leader")
    return render(request, "centre/group_list.html", {"centre": centre, "groups": groups})


@login_required
@GET_POST
def group_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.GroupForm(request.POST or None)
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.group_create(actor=request.user, **d),
        lambda group: reverse("centre:group_detail", args=[group.pk]),
    )
    if done:
        return done
    return render(
        request, "centre/form.html", {"centre": centre, "form": form, "title": _("New group")}
    )


@login_required
@GET_POST
def group_detail(request, pk):
    centre = selectors.centre_or_404(request.user)
    group = get_object_or_404(Group.objects.filter(centre=centre), pk=pk)
    enrolments = list(
        Enrolment.objects.filter(group=group).select_related("person", "referral__procedure")
    )
    people = selectors.people_of(centre)
    referrals = (
        services.open_referrals_for(centre, people) if group.kind == Group.Kind.CORRECTIONAL else []
    )
    action = request.POST.get("action")
    enrol_form = forms.EnrolForm(
        request.POST if action == "enrol" else None, people=people, referrals=referrals
    )
    session_form = forms.GroupSessionForm(
        request.POST if action == "session" else None,
        enrolments=[e for e in enrolments if not e.left_on],
    )
    finish_form = forms.FinishForm(request.POST if action == "finish" else None)
    done = False
    if action == "enrol":
        done = _create_once(
            request,
            enrol_form,
            lambda d: services.enrol(
                actor=request.user,
                group_id=group.pk,
                person_id=d["person"].pk,
                enrolled_on=d["enrolled_on"],
                referral_id=d["referral"],
            ),
            lambda _enrolment: request.path,
            _("Saved."),
        )
    elif action == "session":
        done = _create_once(
            request,
            session_form,
            lambda d: services.group_session_record(
                actor=request.user,
                group_id=group.pk,
                held_on=d["held_on"],
                topic=d["topic"],
                present_ids=d["present"],
            ),
            lambda _session: request.path,
            _("Saved."),
        )
    elif action == "finish":
        enrolment_id = request.POST.get("enrolment", "")
        done = enrolment_id.isdigit() and _attempt(
            finish_form,
            lambda d: services.enrolment_finish(
                actor=request.user, enrolment_id=int(enrolment_id), **d
            ),
        )
    if done and action == "finish":
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(request.path)
    if done:
        return done
    _seen(
        request,
        "centre.group_viewed",
        [e.person_id for e in enrolments],
        enrol_form,
        ["person"],
    )
    return render(
        request,
        "centre/group_detail.html",
        {
            "centre": centre,
            "group": group,
            "enrolments": enrolments,
            "sessions": group.sessions.prefetch_related("present"),
            "enrol_form": enrol_form,
            "session_form": session_form,
            "finish_form": finish_form,
        },
    )


@login_required
def certificate(request, enrolment_pk, kind):
    """The certificate of reporting or completion the centre hands to the person."""
    from documents.models import Document, DocumentKind
    from documents.views import pdf_response

    centre = selectors.centre_or_404(request.user)
    enrolment = get_object_or_404(
        Enrolment.objects.filter(group__centre=centre, referral__isnull=False), pk=enrolment_pk
    )
    kinds = {
        "reported": DocumentKind.PROGRAMME_REPORTED,
        "completed": DocumentKind.PROGRAMME_COMPLETED,
    }
    if kind not in kinds:
        raise Http404
    document = (
        Document.objects.filter(
            procedure_id=enrolment.referral.procedure_id,
            kind=kinds[kind],
            subject=f"referral:{enrolment.referral_id}",
        )
        .select_related("procedure")
        .order_by("-version")
        .first()
    )
    if document is None:
        raise Http404
    log_event(
        action="document.downloaded",
        request=request,
        procedure=document.procedure,
        payload={"document": document.pk, "kind": document.kind, "version": document.version},
    )
    return pdf_response(document)


@login_required
def hostel(request):
    centre = selectors.centre_or_404(request.user)
    today = calendar.legal_date()
    form = forms.PeriodForm(request.GET or None)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        end = min(end, start + datetime.timedelta(days=92))
    else:
        start, end = today - datetime.timedelta(days=13), today + datetime.timedelta(days=14)
    days = selectors.occupancy_by_day(centre, start, end, today)
    stays = list(selectors.current_stays(centre))
    _seen(request, "centre.hostel_viewed", [s.person_id for s in stays])
    return render(
        request,
        "centre/hostel.html",
        {
            "centre": centre,
            "form": form,
            "days": days,
            "stays": stays,
            "overdue": [s for s in stays if selectors.overdue(s, today)],
            "today": today,
            "chart": bar_chart(
                [(d.day.strftime("%d.%m"), d.occupied) for d in days],
                maximum=max([d.places for d in days] + [1]),
            ),
        },
    )


@login_required
@GET_POST
def hostel_admit(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.AdmitForm(
        request.POST or None,
        people=selectors.people_of(centre),
        places=centre.places.all(),
    )
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.hostel_admit(
            actor=request.user,
            person_id=d["person"].pk,
            place_id=d["place"],
            admitted_on=d["admitted_on"],
            planned_end_on=d["planned_end_on"],
            reason=d["reason"],
            children=_child_places(request, centre, d["children"]),
        ),
        lambda stay: reverse("centre:stay_detail", args=[stay.pk]),
    )
    if done:
        return done
    _seen(request, "centre.admission_form_viewed", form=form, fields=["person"])
    return render(
        request,
        "centre/form.html",
        {
            "centre": centre,
            "form": form,
            "title": _("Admit to the hostel"),
            "help": _(
                "Each accompanying child takes the next free place after the adult's; "
                "a stay may be planned for %(months)s months at most."
            )
            % {"months": centre.hostel_limit_months},
        },
    )


def _child_places(request, centre, children) -> list[tuple[int, int]]:
    """Give each child the next place in the list after the adult's (free ones first)."""
    adult_place = int(request.POST.get("place", 0) or 0)
    places = [p.pk for p in centre.places.all() if p.pk != adult_place]
    today = calendar.legal_date()
    busy = {s.place_id for s in selectors.stays_overlapping(centre, today, today)}
    places.sort(key=lambda pk: pk in busy)
    if len(children) > len(places):
        raise ServiceError({"children": [_("There are not enough places for the children.")]})
    return [(child.pk, place) for child, place in zip(children, places, strict=False)]


@login_required
@GET_POST
def stay_detail(request, pk):
    centre = selectors.centre_or_404(request.user)
    stay = get_object_or_404(
        HostelStay.objects.filter(centre=centre, accompanying__isnull=True).select_related(
            "person__person", "place"
        ),
        pk=pk,
    )
    action = request.POST.get("action")
    extend_form = forms.ExtendForm(request.POST if action == "extend" else None)
    discharge_form = forms.DischargeForm(request.POST if action == "discharge" else None)
    if action == "extend" and _attempt(
        extend_form, lambda d: services.hostel_extend(actor=request.user, stay_id=stay.pk, **d)
    ):
        return HttpResponseRedirect(request.path)
    if action == "discharge" and _attempt(
        discharge_form,
        lambda d: services.hostel_discharge(actor=request.user, stay_id=stay.pk, **d),
    ):
        return HttpResponseRedirect(request.path)
    # Shown again after a refused extension or discharge too: a read each time.
    log_event(action="centre.stay_viewed", request=request, person=stay.person.person)
    return render(
        request,
        "centre/stay_detail.html",
        {
            "centre": centre,
            "stay": stay,
            "limit": services.stay_limit(centre, stay.admitted_on),
            "extend_form": extend_form,
            "discharge_form": discharge_form,
            "overdue": selectors.overdue(stay, calendar.legal_date()),
        },
    )


@login_required
def prevention_list(request):
    centre = selectors.centre_or_404(request.user)
    events = PreventionEvent.objects.filter(centre=centre)[:300]
    return render(request, "centre/prevention_list.html", {"centre": centre, "events": events})


@login_required
@GET_POST
def prevention_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.PreventionForm(request.POST or None)
    done = request.method == "POST" and _create_once(
        request,
        form,
        lambda d: services.prevention_event_record(actor=request.user, **d),
        lambda _event: reverse("centre:prevention_list"),
    )
    if done:
        return done
    return render(
        request,
        "centre/form.html",
        {"centre": centre, "form": form, "title": _("Record a prevention or training event")},
    )


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
