"""The procedure as a viewflow process: the diagram the users and auditors see.

Every human node is completed only through ``workflows.services`` (which locks the
procedure, checks state and permission, writes the domain data and the audit event);
viewflow's own views are not exposed. Nodes read like the procedure of
Dz.U. 2023 poz. 1870:

    NK-A filled → transfer to the chair → group appointed → NK-A passed to the group
    → (meeting with the victim ‖ meeting with the suspect) → actions and monitoring
    → closure → [monitoring after closure] → end
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock


def _procedure(activation):
    # The process row is saved before the Procedure links to it, so nodes find the
    # procedure through the id the start handle stored in the process data.
    from workflows.models import Procedure

    return Procedure.objects.select_related("team").get(pk=activation.process.data["procedure"])


def _chair(activation):
    from workflows.selectors import team_chair_user

    return team_chair_user(team_id=_procedure(activation).team_id)


def _initiator(activation):
    return _procedure(activation).initiated_by


class ProcedureFlow(flow.Flow):
    process_title = _("Niebieska Karta procedure")
    # The Join needs a real row lock on PostgreSQL; on SQLite (no SELECT … FOR UPDATE)
    # Django drops the clause and the database serialises writers anyway.
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.transfer_to_chair)

    transfer_to_chair = (
        flow.View(None)
        .Annotation(title=_("Send the NK-A original to the team chair"))
        .Assign(_initiator)
        .Next(this.appoint_group)
    )
    appoint_group = (
        flow.View(None)
        .Annotation(title=_("Appoint the diagnostic-support group"))
        .Assign(_chair)
        .Next(this.pass_to_group)
    )
    pass_to_group = (
        flow.View(None)
        .Annotation(title=_("Pass the NK-A to the group members"))
        .Assign(_chair)
        .Next(this.split_meetings)
    )
    split_meetings = flow.Split().Next(this.victim_meeting).Next(this.suspect_meeting)
    victim_meeting = (
        flow.View(None)
        .Annotation(title=_("Meeting with the victim: NK-C and help plan"))
        .Next(this.join_meetings)
    )
    suspect_meeting = (
        flow.View(None)
        .Annotation(title=_("Meeting with the suspect: NK-D"))
        .Next(this.join_meetings)
    )
    join_meetings = flow.Join().Next(this.actions)
    actions = (
        flow.View(None)
        .Annotation(title=_("Actions, monitoring and closure"))
        .Next(this.check_post_closure)
    )
    check_post_closure = (
        flow.If(lambda activation: _procedure(activation).monitor_until is not None)
        .Annotation(title=_("Monitoring after closure?"))
        .Then(this.post_closure_monitoring)
        .Else(this.end)
    )
    post_closure_monitoring = (
        flow.View(None).Annotation(title=_("Monitoring after closure")).Next(this.end)
    )
    end = flow.End()


# Nodes completed by group members (unassigned until a member acts).
GROUP_NODES = ("victim_meeting", "suspect_meeting", "actions", "post_closure_monitoring")
