"""Audit events for the viewflow tasks: created, assigned, reassigned, completed, cancelled.

Steps complete their tasks through the services, which record the step itself; these events
add the task's own life so an auditor sees when work reached someone's inbox and who held it.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.services import log_event
from workflows.models import Procedure

LOGGED = {
    STATUS.ASSIGNED: "task.assigned",
    STATUS.DONE: "task.completed",
    STATUS.CANCELED: "task.cancelled",
}


@receiver(pre_save, sender=Task)
def _remember_previous(sender, instance: Task, **kwargs) -> None:
    previous = (
        Task.objects.filter(pk=instance.pk).values("status", "owner_id").first()
        if instance.pk
        else None
    )
    instance._audit_previous = previous


@receiver(post_save, sender=Task)
def _task_event(sender, instance: Task, created: bool, **kwargs) -> None:
    procedure_id = (instance.process.data or {}).get("procedure") if instance.process_id else None
    node = instance.flow_task.name if instance.flow_task else ""
    if not procedure_id or node in ("start", "end") or instance.flow_task_type != "HUMAN":
        return
    procedure = Procedure(pk=procedure_id)
    previous = getattr(instance, "_audit_previous", None)
    payload = {"task": instance.pk, "node": node, "owner": instance.owner_id}
    if created:
        log_event(action="task.created", procedure=procedure, payload=payload)
        if instance.owner_id:
            log_event(action="task.assigned", actor=None, procedure=procedure, payload=payload)
        return
    if previous is None:
        return
    if previous["owner_id"] and instance.owner_id and previous["owner_id"] != instance.owner_id:
        log_event(
            action="task.reassigned",
            procedure=procedure,
            payload={**payload, "from": previous["owner_id"]},
        )
    if previous["status"] != instance.status and instance.status in LOGGED:
        log_event(
            action=LOGGED[instance.status],
            actor=instance.owner if instance.status == STATUS.DONE else None,
            procedure=procedure,
            payload=payload,
        )
