"""What every page of the centre uses: its read events and the form → service loop."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from audit.services import log_read
from centre.models import CentrePerson
from workflows import idempotency
from workflows.services import ServiceError
from workflows.step_forms import apply_service_error

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


def attempt(form, call):
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


def create_once(request, form, call, url, message=""):
    """``attempt`` for a form that creates a record, once per form token.

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


def form_page(
    request, centre, form, *, title, call, url, message="", read=None, help_text=""
) -> HttpResponse:
    """A page with one form that creates a record (``centre/form.html``).

    On POST, ``create_once(request, form, call, url, message)``; the form is shown when it
    is a GET or the form or the service refused. ``read`` is ``(action, fields)`` for a
    form whose ``fields`` list the centre's people: the page's read event (``seen``).
    """
    done = request.method == "POST" and create_once(request, form, call, url, message)
    if done:
        return done
    if read is not None:
        seen(request, read[0], form=form, fields=read[1])
    context = {"centre": centre, "form": form, "title": title}
    if help_text:
        context["help"] = help_text
    return render(request, "centre/form.html", context)
