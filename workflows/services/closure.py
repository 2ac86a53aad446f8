"""Closure of the procedure (§ 18 of Dz.U. 2023 poz. 1870) and the end of the monitoring
after it."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from documents.models import DocumentKind
from forms.models import HelpPlanItem
from workflows.models import ClosureGround, Procedure
from workflows.steps import User, not_future, refuse, step


def procedure_close(
    *, actor: User, procedure_id: int, ground: str, closed_on: datetime.date, summary: str
) -> Procedure:
    """Close the procedure on one of the two grounds (§ 18 of the regulation). Final.

    Ground 1 (violence stopped) is refused while any help-plan action is still open. With
    post-closure monitoring (the team's months) the process waits at its monitoring node.
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
        months = procedure.team.post_closure_monitoring_months
        procedure.monitor_until = closed_on + relativedelta(months=months) if months else None
        # Saved before the node completes: the flow's gateway reads ``monitor_until``.
        procedure.save(update_fields=["monitor_until", "updated_at"])
        procedure.closed_on = closed_on
        procedure.closed_by = actor
        procedure.closure_ground = ground
        procedure.closure_summary = summary
        s.save_with_stage("closed_on", "closed_by", "closure_ground", "closure_summary")
        for kind in (DocumentKind.CLOSURE_PROTOCOL, DocumentKind.CLOSURE_NOTICE):
            s.document(kind, f"procedure:{procedure.pk}")
        s.payload = {"ground": ground, "on": str(closed_on)}
    return procedure


def post_closure_monitoring_end(*, actor: User, procedure_id: int) -> Procedure:
    """End the monitoring after closure: the process reaches its end."""
    with step(
        actor=actor, procedure_id=procedure_id, action="end_monitoring", event="monitoring.ended"
    ) as s:
        pass
    return s.procedure


__all__ = ["post_closure_monitoring_end", "procedure_close"]
