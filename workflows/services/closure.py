"""Closure of the procedure (§ 18 of Dz.U. 2023 poz. 1870) and the end of the monitoring
after it."""

import datetime

from django.utils.translation import gettext as _

from forms.models import HelpPlanItem
from workflows import calendar
from workflows.figures import figures_closed
from workflows.models import ClosureGround, Meeting, Procedure
from workflows.selectors.diagnosis import diagnosis_status, uncovered
from workflows.services.aftercare import closure_papers, start_post_closure_monitoring
from workflows.steps import User, not_future, refuse, step


def check_closure_ground(
    procedure: Procedure, ground: str, meetings: list[Meeting] | None = None
) -> None:
    """Refuse closing ``procedure`` on ``ground`` (``ServiceError`` on ``ground``) unless:

    - every victim and suspect is covered by the diagnosis (an NK-C or a recorded
      non-appearance; an NK-D or the notification of initiation), naming who is not and
      what to record: nothing else may keep a case open, so ground 2 is always possible
      once everyone is covered, even when nobody ever came (issue 13 item 2);
    - for ground 1 (§ 18: violence stopped and the individual help plan carried out): at
      least one NK-C exists, and every victim who has one has a plan with at least one
      action, none of them still open.

    ``meetings``, when given, receives the case's current meetings (held, then recorded).
    """
    missing = uncovered(procedure, meetings=meetings)
    if missing:
        raise refuse(
            _("Not everyone is covered by the diagnosis yet: %(who)s")
            % {"who": " ".join(row.missing() for row in missing)},
            "ground",
        )
    if ground != ClosureGround.VIOLENCE_STOPPED:
        return
    with_nkc = [row for row in diagnosis_status(procedure) if row.side == "victim" and row.form]
    if not with_nkc:
        raise refuse(
            _(
                "Closure on this ground needs the individual help plan carried out, and no "
                "NK-C was filled with any victim: close on the ground “no grounds for action”."
            ),
            "ground",
        )
    items = list(procedure.help_plan_items.current().values_list("nkc__victim_id", flat=True))
    for row in with_nkc:
        if row.person.pk not in items:
            raise refuse(
                _("The help plan of %(name)s has no action yet.") % {"name": row.person.full_name},
                "ground",
            )
    still_open = list(
        procedure.help_plan_items.current()
        .filter(status=HelpPlanItem.Status.OPEN)
        .select_related("nkc__victim")
        .order_by("nkc__victim__last_name", "due_on", "id")
    )
    if still_open:
        raise refuse(
            _(
                "Closure on this ground needs the individual help plan carried out; still "
                "open: %(actions)s."
            )
            % {
                "actions": "; ".join(
                    _("„%(action)s” (plan of %(victim)s)")
                    % {"action": item.action, "victim": item.nkc.victim.full_name}
                    for item in still_open
                )
            },
            "ground",
        )


def procedure_close(
    *,
    actor: User,
    procedure_id: int,
    ground: str,
    closed_on: datetime.date,
    summary: str,
    monitoring: bool | None = None,
    no_monitoring_reason: str = "",
) -> Procedure:
    """Close the procedure on one of the two grounds (§ 18 of the regulation). Final.

    Refused while someone is not covered by the diagnosis, and on ground 1 (violence
    stopped) without a carried-out help plan (``check_closure_ground``). Monitoring
    after closure is on by default for the team's months (``aftercare``; ``monitoring=None``
    follows the team's setting; off only with ``no_monitoring_reason``): the process then
    waits at its monitoring node. The closure protocol and one notice per body that took
    part are generated (``aftercare``).
    """
    not_future(closed_on, "closed_on")
    if ground not in ClosureGround.values:
        raise refuse(_("Choose the ground for closure."), "ground")
    if not summary.strip():
        raise refuse(_("Describe the actions taken."), "summary")
    with step(
        actor=actor, procedure_id=procedure_id, action="close", event="procedure.closed"
    ) as s:
        procedure = s.procedure
        meetings: list[Meeting] = []
        check_closure_ground(procedure, ground, meetings)
        s.hold({("current_meetings", procedure.pk): meetings})  # the protocol's list
        last_meeting = max((m.held_on for m in meetings), default=None)
        if last_meeting and closed_on < last_meeting:
            raise refuse(_("Closure cannot precede the last meeting."), "closed_on")
        start_post_closure_monitoring(
            s, closed_on, monitoring=monitoring, reason=no_monitoring_reason
        )
        procedure.closed_on = closed_on
        procedure.closed_by = actor
        procedure.closure_ground = ground
        procedure.closure_summary = summary
        s.save_with_stage("closed_on", "closed_by", "closure_ground", "closure_summary")
        figures_closed(procedure)  # the county's statistics: by ground, and its months end
        notices = closure_papers(s)
        s.payload = {
            "ground": ground,
            "on": str(closed_on),
            "monitor_until": str(procedure.monitor_until or ""),
            "notices": len(notices),
        }
    return procedure


def post_closure_monitoring_end(*, actor: User, procedure_id: int) -> Procedure:
    """End the monitoring after closure: the process reaches its end, the monitoring's
    deadline is met today."""
    with step(
        actor=actor, procedure_id=procedure_id, action="end_monitoring", event="monitoring.ended"
    ) as s:
        s.meet_deadline(calendar.legal_date())
    return s.procedure


__all__ = ["check_closure_ground", "post_closure_monitoring_end", "procedure_close"]
