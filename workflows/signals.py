"""Audit events for the viewflow tasks: created, assigned, reassigned, completed, cancelled.

Steps complete their tasks through the services, which record the step itself; these events
add the task's own life so an auditor sees when work reached someone's inbox and who held it.

And the chair's notices about a group member whose own record changed wherever it was
changed (the admin, a command): profession, declaration, team membership, account
(``workflows.group_notices``; art. 9a ust. 11 and art. 9c ust. 3 of the Act).
"""

from django.contrib.auth.models import User
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.services import log_event
from workflows import notifications
from workflows.flows import procedure_of, task_saved
from workflows.group_notices import professional_changed
from workflows.models import GroupNotice, Procedure, Professional, TeamMember

LOGGED = {
    STATUS.ASSIGNED: "task.assigned",
    STATUS.DONE: "task.completed",
    STATUS.CANCELED: "task.cancelled",
}


@receiver(post_init, sender=Task)
def _remember_loaded(sender, instance: Task, **kwargs) -> None:
    # What a task loaded from the database held: its save compares with it without asking
    # the database again (a step saves its tasks several times). A task loaded with these
    # fields deferred, or created here, is asked at its save (below).
    if instance.pk and not {"status", "owner_id"} & instance.get_deferred_fields():
        instance._audit_loaded = {"status": instance.status, "owner_id": instance.owner_id}


@receiver(pre_save, sender=Task)
def _remember_previous(sender, instance: Task, **kwargs) -> None:
    previous = getattr(instance, "_audit_loaded", None)
    if previous is None and instance.pk:
        previous = Task.objects.filter(pk=instance.pk).values("status", "owner_id").first()
    instance._audit_previous = previous


@receiver(post_save, sender=Task)
def _task_watched(sender, instance: Task, **kwargs) -> None:
    # The open tasks a step follows (``flows.watching_open_tasks``): its new stage.
    task_saved(instance)


@receiver(post_save, sender=Task)
def _task_event(sender, instance: Task, created: bool, **kwargs) -> None:
    previous = getattr(instance, "_audit_previous", None)
    # The next save of this instance compares with what this one wrote.
    instance._audit_loaded = {"status": instance.status, "owner_id": instance.owner_id}
    procedure_id = (instance.process.data or {}).get("procedure") if instance.process_id else None
    node = instance.flow_task.name if instance.flow_task else ""
    if not procedure_id or node in ("start", "end") or instance.flow_task_type != "HUMAN":
        return
    procedure = Procedure(pk=procedure_id)
    payload = {"task": instance.pk, "node": node, "owner": instance.owner_id}
    if created:
        log_event(action="task.created", procedure=procedure, payload=payload)
        if instance.owner_id:
            log_event(action="task.assigned", actor=None, procedure=procedure, payload=payload)
            _tell_owner(instance, procedure_id, node)
        return
    if previous is None:
        return
    if previous["owner_id"] and instance.owner_id and previous["owner_id"] != instance.owner_id:
        # Handed over to someone else. A task taken by whoever completes it (a group's task,
        # ``steps.complete_task``) is no news to them.
        _tell_owner(instance, procedure_id, node)
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


def taken_unsaved(task: Task) -> None:
    """Log what saving ``task`` would have logged when it went from new to assigned (a
    group's task taken by the member who completes it in the same step, saved once with
    both: ``steps.complete_task``), and let its next save compare with the assigned state."""
    previous = getattr(task, "_audit_loaded", None)
    task._audit_loaded = {"status": task.status, "owner_id": task.owner_id}
    procedure_id = (task.process.data or {}).get("procedure")
    if previous is None or previous["status"] == task.status or not procedure_id:
        return
    log_event(
        action=LOGGED[STATUS.ASSIGNED],
        actor=None,
        procedure=Procedure(pk=procedure_id),
        payload={"task": task.pk, "node": task.flow_task.name, "owner": task.owner_id},
    )


# The initiator's own task (send the original to the chair) starts with the card they have
# just filed, on the page that says so; and an initiator sees no case to be linked to.
UNTOLD_NODES = frozenset({"transfer_to_chair"})


def _tell_owner(task: Task, procedure_id: int, node: str) -> None:
    """Notify the user a task was assigned to (a group's task is taken, not assigned)."""
    if node in UNTOLD_NODES or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return
    procedure = procedure_of(task.process)
    if task.owner is None:
        return
    notifications.task_assigned(
        procedure=procedure, owner=task.owner, task_title=str(task.flow_task.task_title)
    )


@receiver(pre_save, sender=Professional)
def _remember_professional(sender, instance: Professional, update_fields=None, **kwargs) -> None:
    watched = {"profession", "confidentiality_declared_on"}
    if update_fields is not None and watched.isdisjoint(update_fields):
        instance._group_previous = None
        return
    instance._group_previous = (
        Professional.objects.filter(pk=instance.pk)
        .values("profession", "confidentiality_declared_on")
        .first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Professional)
def _professional_changed(sender, instance: Professional, created: bool, **kwargs) -> None:
    previous = getattr(instance, "_group_previous", None)
    if created or previous is None:
        return
    if previous["profession"] != instance.profession:
        professional_changed(professional=instance, kind=GroupNotice.Kind.PROFESSION_CHANGED)
    if previous["confidentiality_declared_on"] and not instance.confidentiality_declared_on:
        professional_changed(professional=instance, kind=GroupNotice.Kind.DECLARATION_WITHDRAWN)


@receiver(post_delete, sender=TeamMember)
def _team_membership_ended(sender, instance: TeamMember, **kwargs) -> None:
    professional = Professional.objects.filter(pk=instance.professional_id).first()
    if professional is not None:
        professional_changed(
            professional=professional, kind=GroupNotice.Kind.LEFT_TEAM, team_id=instance.team_id
        )


@receiver(pre_save, sender=User)
def _remember_active(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "is_active" not in update_fields:
        instance._was_active = None  # a sign-in's last_login: nothing to compare
        return
    instance._was_active = (
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=User)
def _account_switched_off(sender, instance: User, created: bool, **kwargs) -> None:
    if created or not getattr(instance, "_was_active", None) or instance.is_active:
        return
    professional = Professional.objects.filter(user=instance).first()
    if professional is not None:
        professional_changed(professional=professional, kind=GroupNotice.Kind.DEACTIVATED)
