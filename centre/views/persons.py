"""The centre's people: search, record, a person's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import log_event
from centre import forms, selectors, services
from centre.models import Consultation, Enrolment, HostelStay, TherapyCourse
from centre.views._shared import GET_POST, form_page, seen
from workflows import calendar
from workflows.web import form_submit


@login_required
def person_list(request):
    centre = selectors.centre_or_404(request.user)
    query = request.GET.get("q", "")[:100]
    people = list(
        selectors.search_people(centre, query).select_related("household", "person")[:200]
    )
    # One event naming everyone the page lists (the search text is not stored).
    seen(request, "centre.person_searched" if query else "centre.people_viewed", people)
    return render(
        request,
        "centre/person_list.html",
        {"centre": centre, "people": people, "q": query},
    )


SEARCH_RESULTS = 20


@login_required
def person_search(request):
    """The JSON behind the person pickers' search-as-you-type (``person-search.js``): the
    centre's own records whose name contains ``q`` or whose PESEL is ``q`` (at least 2
    characters), at most ``SEARCH_RESULTS``; ``minors=1`` keeps only minors (the hostel's
    children). Only the centre's staff (404 for anyone else); one read event names everyone
    returned, as the people page's search does (the search text is not stored)."""
    centre = selectors.centre_or_404(request.user)
    query = request.GET.get("q", "").strip()[:100]
    if len(query) < 2:
        return JsonResponse({"results": []})
    people = selectors.search_people(centre, query)
    if request.GET.get("minors") == "1":
        people = people.filter(pk__in=selectors.minors_of(centre, calendar.legal_date()))
    found = list(people[:SEARCH_RESULTS])
    seen(request, "centre.person_searched", found)
    label = forms.PersonChoiceField.label_from_instance
    return JsonResponse(
        {"results": [{"id": p.pk, "label": label(None, p)} for p in found]},  # type: ignore[arg-type]
        headers={"Cache-Control": "private, no-store"},
    )


@login_required
@GET_POST
def person_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.PersonForm(request.POST or None, households=selectors.households_of(centre))

    def perform() -> str:
        person = services.person_record(
            actor=request.user, data=services.PersonData(**form.cleaned_data)
        )
        messages.success(request, _("%(name)s is recorded.") % {"name": person})
        return reverse("centre:person_detail", args=[person.pk])

    return form_page(request, centre, form, title=_("Record a person"), perform=perform)


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

    def set_household() -> str:
        services.person_household_set(
            actor=request.user, person_id=person.pk, **household_form.cleaned_data
        )
        return request.path

    if request.method == "POST":
        # Setting the household again changes nothing: no form token.
        done = form_submit(
            request,
            form=household_form,
            perform=set_household,
            once=False,
            success_message=_("Saved."),
        )
        if done:
            return done
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
