"""The hostel: occupancy, admission, a stay's extension and discharge."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import log_event
from centre import forms, selectors, services
from centre.charts import bar_chart
from centre.models import HostelStay
from centre.views._shared import GET_POST, form_page, seen
from core.dates import shown_date
from workflows import calendar
from workflows.services import ServiceError
from workflows.web import form_submit


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
    seen(request, "centre.hostel_viewed", [s.person_id for s in stays])
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
    today = calendar.legal_date()
    form = forms.AdmitForm(
        request.POST or None,
        people=selectors.people_of(centre),
        children=selectors.minors_of(centre, today).select_related("household"),
        places=centre.places.all(),
        taken=selectors.occupied_places(centre, today),
    )

    def perform() -> str:
        d = form.cleaned_data
        stay = services.hostel_admit(
            actor=request.user,
            person_id=d["person"].pk,
            place_id=d["place"],
            admitted_on=d["admitted_on"],
            planned_end_on=d["planned_end_on"],
            reason=d["reason"],
            children=_child_places(request, centre, d["children"]),
        )
        messages.success(request, admitted_message(stay))
        return reverse("centre:stay_detail", args=[stay.pk])

    return form_page(
        request,
        centre,
        form,
        title=_("Admit to the hostel"),
        perform=perform,
        read=("centre.admission_form_viewed", ["person", "children"]),
        help_text=_(
            "Each accompanying child takes the next free place after the adult's; "
            "a stay may be planned for %(months)s months at most."
        )
        % {"months": centre.hostel_limit_months},
    )


def admitted_message(stay: HostelStay) -> str:
    """The confirmation after an admission: who, which place, until when, the children."""
    text = _("Admitted to the hostel: %(name)s, place %(place)s, planned until %(end)s.") % {
        "name": stay.person,
        "place": stay.place,
        "end": shown_date(stay.planned_end_on),
    }
    children = [f"{c.person} ({c.place})" for c in stay.children.select_related("person", "place")]
    if children:
        text += " " + _("Accompanying children: %(children)s.") % {"children": ", ".join(children)}
    return text


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

    def extend() -> str:
        services.hostel_extend(actor=request.user, stay_id=stay.pk, **extend_form.cleaned_data)
        return request.path

    def discharge() -> str:
        services.hostel_discharge(
            actor=request.user, stay_id=stay.pk, **discharge_form.cleaned_data
        )
        return request.path

    # Sent twice, an extension sets the same end again and a discharge is refused by the
    # service: no form token.
    done = None
    if action == "extend":
        done = form_submit(request, form=extend_form, perform=extend, once=False)
    elif action == "discharge":
        done = form_submit(request, form=discharge_form, perform=discharge, once=False)
    if done:
        return done
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
