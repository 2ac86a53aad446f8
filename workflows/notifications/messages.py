"""What each notification says, in the site language (Polish): the case or card number, the
step, a date and a link, never a name, PESEL or address of anybody in the case.

Each function returns ``(title, body, link)``; ``link`` is site-relative.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import shown_date
from workflows.models import PlannedMeeting, Procedure

Message = tuple[str, str, str]


def case_link(procedure_id: int) -> str:
    return reverse("workflows:procedure_detail", args=[procedure_id])


def new_card(*, procedure: Procedure, how: str) -> Message:
    """A card for the chair: ``how`` is ``"new"`` (a new procedure), ``"joined"`` (a
    follow-up NK-A in an open case) or ``"routed"`` (another team's card sent to this one)."""
    with translation.override(settings.LANGUAGE_CODE):
        titles = {
            "new": _("New NK-A: procedure %(number)s"),
            "joined": _("Follow-up NK-A in procedure %(number)s"),
            "routed": _("NK-A routed to your team: procedure %(number)s"),
        }
        title = titles[how] % {"number": procedure.number}
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": procedure.number},
                _(
                    "A Niebieska Karta – A form has reached your team; the case page shows "
                    "what follows."
                ),
            ]
        )
    return title, body, case_link(procedure.pk)


def group_appointed(*, procedure: Procedure, added: bool) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Appointed to the diagnostic-support group: procedure %(number)s") % {
            "number": procedure.number
        }
        lead = (
            _("You were added to the diagnostic-support group of this procedure.")
            if added
            else _("You were appointed to the diagnostic-support group of this procedure.")
        )
        body = "\n".join([_("Procedure: %(number)s") % {"number": procedure.number}, lead])
    return title, body, case_link(procedure.pk)


def task_assigned(*, procedure: Procedure, task_title: str) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        step = str(task_title)
        title = _("New task: %(step)s – procedure %(number)s") % {
            "step": step,
            "number": procedure.number,
        }
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": procedure.number},
                _("Step: %(step)s") % {"step": step},
                _("The task is in your inbox."),
            ]
        )
    return title, body, case_link(procedure.pk)


def meeting_planned(*, planned: PlannedMeeting) -> Message:
    """The meeting's kind, day and time; never the place (it may be the family's home)."""
    procedure = planned.procedure
    with translation.override(settings.LANGUAGE_CODE):
        when = f"{shown_date(planned.date)} {planned.time:%H:%M}"
        title = _("Meeting planned on %(when)s: procedure %(number)s") % {
            "when": when,
            "number": procedure.number,
        }
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": procedure.number},
                _("Meeting: %(kind)s") % {"kind": planned.get_kind_display()},
                _("When: %(when)s") % {"when": when},
                _("The place and the people invited are on the case page."),
            ]
        )
    return title, body, case_link(procedure.pk)


def group_changed(*, procedure: Procedure, what: str) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(number)s – the group's composition changed") % {"number": procedure.number}
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": procedure.number},
                _("A member of the diagnostic-support group: %(what)s.") % {"what": what},
                _(
                    "Check that the group still includes a social worker and a police "
                    "officer (art. 9a ust. 11 of the Act): until it does, it cannot meet."
                ),
            ]
        )
    return title, body, case_link(procedure.pk)


def high_risk(*, procedure: Procedure) -> Message:
    """The chair, at once: an assessment found a high risk or an answer that calls for
    immediate action (issue 15; ``workflows.services.risk``)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(number)s – high risk assessed") % {"number": procedure.number}
        body = "\n".join(
            [
                _("Procedure: %(number)s") % {"number": procedure.number},
                _(
                    "A risk assessment found a high risk or an answer that calls for "
                    "immediate action. A safety-plan action is due."
                ),
            ]
        )
    return title, body, case_link(procedure.pk)
