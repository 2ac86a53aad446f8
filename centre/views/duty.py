"""The duty log: the centre's home page and the list of contacts."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centre import forms, selectors, services
from centre.models import Contact
from centre.views._shared import GET_POST, seen
from workflows import calendar
from workflows.web import form_submit


@login_required
@GET_POST
def home(request):
    centre = selectors.centre_or_404(request.user)
    today = calendar.legal_date()
    form = forms.ContactForm(request.POST or None, people=selectors.people_of(centre))

    def perform() -> str:
        d = form.cleaned_data
        services.contact_record(
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
        )
        return reverse("centre:home")

    if request.method == "POST":
        done = form_submit(
            request,
            form=form,
            perform=perform,
            success_message=_("The contact is in the duty log."),
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
    seen(
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
    seen(request, "centre.contacts_viewed", [c.person_id for c in contacts if c.person_id])
    return render(
        request,
        "centre/contact_list.html",
        {"centre": centre, "form": form, "contacts": contacts},
    )
