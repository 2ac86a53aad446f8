"""The one way a page sends a form: form(s) → service → errors next to the fields → redirect.

Every page that writes (the steps of a case, the NK-A, the crisis centre's registers) calls
``form_submit``: it validates the form and its formsets, runs the write once per form token
(``workflows.idempotency``), puts a refusal of the services (``ServiceError``) next to the
field it names, and answers a refused permission as the page's contract says (403, or 404
for pages that must not reveal what exists). It returns the redirect, or ``None`` when the
caller should show the form again with its messages; nothing is written then.

Also here: ``rule_period``, the display of a statutory period ("5 working days") taken from
``workflows.rules`` for the procedure's edition, so no page copies a number of the law.
"""

from collections.abc import Callable, Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflows import idempotency
from workflows.rules import Edition, RuleCode, Unit, rule
from workflows.services import ServiceError


def apply_service_error(
    form: forms.Form, error: ServiceError, formsets: Mapping[str, forms.BaseFormSet] | None = None
) -> None:
    """Show a ``ServiceError`` next to the fields it names.

    Keys ``<prefix>-<n>-<field>`` go to form ``n`` of the formset ``<prefix>`` (``people``,
    ``plan``); unknown keys and ``__all__`` become non-field errors of ``form``.
    """
    formsets = formsets or {}
    for key, texts in error.message_dict.items():
        target, field_name = form, key
        prefix, _sep, rest = key.partition("-")
        if prefix in formsets and rest:
            index, _sep, field_name = rest.partition("-")
            if index.isdigit() and int(index) < len(formsets[prefix].forms):
                target = formsets[prefix].forms[int(index)]
        if field_name != NON_FIELD_ERRORS and field_name not in target.fields:
            field_name = None
        for text in texts:
            target.add_error(None if field_name in (None, NON_FIELD_ERRORS) else field_name, text)


def form_submit(
    request: HttpRequest,
    *,
    form: forms.Form,
    perform: Callable[[], str],
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
    success_message: str = "",
    once: bool = True,
    denied_is_not_found: bool = False,
) -> HttpResponseRedirect | None:
    """Send ``form`` (and ``formsets``) through ``perform``; the redirect, or ``None``.

    ``perform`` writes through the services (reading ``form.cleaned_data``) and returns the
    URL to go to. ``once`` (every creating form) spends the form's one-time token in the
    same transaction, so a form sent again writes nothing and goes where the first one went;
    a form without a token (``once=False``) is one whose service refuses a repetition itself.
    ``success_message`` is shown after the redirect.

    ``None`` means "show the form again": a field, a formset or the service refused (its
    ``ServiceError`` is now next to the field it names) and nothing was written. A
    ``PermissionDenied`` of the service propagates (403), or becomes 404 when
    ``denied_is_not_found`` (pages that never admit that something exists).
    """
    formsets = dict(formsets or {})
    if once:
        previous = idempotency.previous_submission(request)
        if previous is not None:
            return previous
    # Every formset is validated, so each shows its own errors.
    valid = [form.is_valid()] + [formset.is_valid() for formset in formsets.values()]
    if not all(valid):
        return None
    try:
        if once:
            return idempotency.submit_once(request, perform, success_message=success_message)
        url = perform()
    except ServiceError as error:
        apply_service_error(form, error, formsets)
        return None
    except PermissionDenied as exc:
        if denied_is_not_found:
            raise Http404 from exc
        raise
    if success_message:
        messages.success(request, success_message)
    return HttpResponseRedirect(url)


def rule_period(code: RuleCode, edition: Edition | str) -> str:
    """The rule's period as a page says it: "5 working days", "30 days", "9 months".

    In Polish the phrase is in the genitive ("5 dni roboczych"), to follow "w ciągu" or
    "przez okres" in the sentences that use it.
    """
    found = rule(code, edition)
    n = found.value
    match found.unit:
        case Unit.WORKING_DAYS:
            text = ngettext("%(n)d working day", "%(n)d working days", n)
        case Unit.CALENDAR_DAYS:
            text = ngettext("%(n)d day", "%(n)d days", n)
        case Unit.MONTHS:
            text = ngettext("%(n)d month", "%(n)d months", n)
    return text % {"n": n}


def nka_recorded(nka, forwarded_to=None) -> str:
    """What the filer is told once their NK-A is recorded, wherever they filed it: the
    same words whether it opened, joined or was routed (they learn nothing of any case).
    A card forwarded to the team of the victim's municipality (``forwarded_to``, the
    municipality the filer chose) names that team: the original goes to its chair."""
    period = rule_period(RuleCode.NKA_TO_CHAIR, nka.edition)
    if forwarded_to is not None:
        return _(
            "NK-A recorded and forwarded to %(team)s, the team of the municipality where the "
            "victim lives. Send the original to that team's chair within %(period)s."
        ) % {"team": forwarded_to, "period": period}
    return _("NK-A recorded. Send the original to the team chair within %(period)s.") % {
        "period": period
    }
