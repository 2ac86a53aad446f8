"""Prevention and training events."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from centre import forms, selectors, services
from centre.models import PreventionEvent
from centre.views._shared import GET_POST, form_page


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

    def perform() -> str:
        services.prevention_event_record(actor=request.user, **form.cleaned_data)
        return reverse("centre:prevention_list")

    return form_page(
        request,
        centre,
        form,
        title=_("Record a prevention or training event"),
        perform=perform,
    )
