"""What every page of the centre uses: its read events and its one-form page.

A page that sends a form goes through ``workflows.web.form_submit`` (form → service →
errors next to the fields → redirect), as every page of the procedure does.
"""

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from audit.services import log_read
from centre.models import CentrePerson
from workflows.web import form_submit

GET_POST = require_http_methods(["GET", "POST"])


def seen(request, action: str, records=(), form=None, fields=()) -> None:
    """One read event for a centre page: the people it shows, those in the choices of
    ``form``'s person ``fields`` included (docs/audit.md). ``records`` are the centre's own
    records (``CentrePerson`` objects or ids); the event names the shared person each is
    linked to, so "who saw this person" finds centre reads too."""
    record_ids = [getattr(r, "pk", r) for r in records]
    shown = list(CentrePerson.objects.filter(pk__in=record_ids).values_list("person_id", flat=True))
    for name in fields:
        shown += form.fields[name].queryset.values_list("person_id", flat=True)
    log_read(action=action, request=request, people=shown)


def form_page(
    request,
    centre,
    form,
    *,
    title,
    perform: Callable[[], str],
    success_message="",
    read=None,
    help_text="",
) -> HttpResponse:
    """A page with one form that creates a record (``centre/form.html``).

    On POST, ``form_submit`` sends the form through ``perform`` once per form token; the
    form is shown when it is a GET or the form or the service refused. ``read`` is
    ``(action, fields)`` for a form whose ``fields`` list the centre's people: the page's
    read event (``seen``).
    """
    if request.method == "POST":
        done = form_submit(request, form=form, perform=perform, success_message=success_message)
        if done:
            return done
    if read is not None:
        seen(request, read[0], form=form, fields=read[1])
    context = {"centre": centre, "form": form, "title": title}
    if help_text:
        context["help"] = help_text
    return render(request, "centre/form.html", context)
