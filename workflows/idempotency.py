"""One-time form tokens: a creating form sent twice creates one record.

Every creating form of the procedure and of the crisis centre carries a hidden
``form_token`` (``{% form_token %}`` in the template): a random UUID signed with the
site's key. ``submit_once`` spends the token in the same transaction that writes the
record, so the back button, a double click or a retried request finds it spent, writes
nothing and goes where the first submission went. On PostgreSQL a second request racing
the first waits on the unique index until the first commits, then takes the same path.
"""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.models import FormSubmission
from workflows.steps import ServiceError

FIELD = "form_token"
_SALT = "workflows.form_token"
EXPIRED = gettext_lazy("This form has expired. Check what you entered and send it again.")


def issue_token() -> str:
    """A fresh signed token for one rendering of a creating form."""
    return signing.dumps(uuid.uuid4().hex, salt=_SALT)


def _token(request: HttpRequest) -> str:
    """The UUID of the request's token; ``ServiceError`` when it is missing or forged."""
    try:
        return signing.loads(request.POST.get(FIELD, ""), salt=_SALT)
    except signing.BadSignature as exc:
        raise ServiceError({"__all__": [EXPIRED]}) from exc


def _already_sent(request: HttpRequest, submission: FormSubmission) -> HttpResponseRedirect:
    messages.info(request, _("This form was already sent; nothing was added."))
    return HttpResponseRedirect(submission.redirect_to or "/")


def previous_submission(request: HttpRequest) -> HttpResponseRedirect | None:
    """The answer to a form sent again: a redirect to the first result; ``None`` otherwise.

    Checked before the form is validated, so a resubmission is recognised even when the
    state has moved on (the step it took is no longer open).
    """
    try:
        token = _token(request)
    except ServiceError:
        return None
    submission = FormSubmission.objects.filter(token=token, user=request.user).first()
    return _already_sent(request, submission) if submission else None


def submit_once(
    request: HttpRequest, perform: Callable[[], str], *, success_message: str = ""
) -> HttpResponseRedirect:
    """Run ``perform`` (which writes the record and returns the URL to go to) once per token.

    Returns the redirect. Raises ``ServiceError`` when the token is missing or forged, or
    when ``perform`` refuses; the token stays unspent then, and nothing is written.
    """
    token = _token(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(token=token, user=request.user)
        except IntegrityError:
            submission = None  # sent twice at once: the other request wrote the record
        else:
            submission.redirect_to = perform()
            submission.save(update_fields=["redirect_to"])
            if success_message:
                messages.success(request, success_message)
            return HttpResponseRedirect(submission.redirect_to)
    first = FormSubmission.objects.filter(token=token, user=request.user).first()
    if first is None:
        # The token is another user's: treat it as not sent from this session.
        raise ServiceError({"__all__": [EXPIRED]})
    return _already_sent(request, first)
