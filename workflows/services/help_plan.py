"""Several actions added to a victim's help plan at once (issue 14, "Forms").

The individual help plan is agreed with the victim and recorded with their NK-C (Dz.U. 2023
poz. 1870 § 12 ust. 3 pkt 2 and the NK-C form); the group adds actions while the case runs.
``help_plan_item_add`` (``workflows.services.actions``) adds one; this adds the rows of one
page in one step: all of them or, when any row is refused, none.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from forms.models import HelpPlanItem
from workflows.steps import ServiceError, User, record_errors, refuse, step


def help_plan_items_add(
    *, actor: User, procedure_id: int, nkc_id: int | None, items: Sequence[HelpPlanItem]
) -> list[HelpPlanItem]:
    """Add the unsaved ``items`` to the help plan of the victim of NK-C ``nkc_id`` (a
    current NK-C of this procedure; with a single one in the case it may be ``None``).

    Returns the saved items. Raises ``ServiceError`` with each row's errors keyed
    ``plan-<row>-<field>`` (the page's formset) and ``nkc`` for the plan; nothing is written
    then. One audit event names every item added.
    """
    if not items:
        raise refuse(_("Give at least one action."))
    with step(
        actor=actor, procedure_id=procedure_id, action="plan_item_add", event="help_plan.item_added"
    ) as s:
        nkcs = {
            nkc.pk: nkc
            for nkc in s.procedure.nkc_forms.filter(
                meeting__withdrawn_at__isnull=True, meeting__corrected_by__isnull=True
            ).select_related("victim")
        }
        if not nkcs:
            raise refuse(_("The help plan starts with NK-C at the meeting with the victim."))
        if nkc_id is None and len(nkcs) == 1:
            nkc_id = next(iter(nkcs))
        if nkc_id not in nkcs:
            raise refuse(_("Choose the victim whose help plan this action belongs to."), "nkc")
        nkc = nkcs[nkc_id]
        errors: dict[str, list[str]] = {}
        for index, item in enumerate(items):
            item.procedure = s.procedure
            item.nkc = nkc
            errors.update(record_errors(item, prefix=f"plan-{index}-"))
        if errors:
            raise ServiceError(errors)
        saved = list(items)
        for item in saved:
            item.save()
        s.person = nkc.victim
        s.payload = {
            "items": [item.pk for item in saved],
            "forms_of_help": [item.form_of_help for item in saved],
            "nkc": nkc.pk,
        }
    return saved
