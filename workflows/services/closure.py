"""Closure of the procedure (§ 18 of Dz.U. 2023 poz. 1870) and the end of the monitoring
after it."""

import datetime

from django.utils.translation import gettext as _

from forms.models import HelpPlanItem
from workflows import calendar
from workflows.models import ClosureGround, Procedure
from workflows.services.aftercare import closure_papers, start_post_closure_monitoring
from workflows.steps import User, not_future, refuse, step


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

    Ground 1 (violence stopped) is refused while any help-plan action is still open. Monitoring
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
        if (
            ground == ClosureGround.VIOLENCE_STOPPED
            and procedure.help_plan_items.current().filter(status=HelpPlanItem.Status.OPEN).exists()
        ):
            raise refuse(
                _(
                    "Closure on this ground needs the individual help plan carried out: "
                    "some actions are still open."
                ),
                "ground",
            )
        last_meeting = (
            procedure.meetings.current()
            .order_by("-held_on")
            .values_list("held_on", flat=True)
            .first()
        )
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


__all__ = ["post_closure_monitoring_end", "procedure_close"]
