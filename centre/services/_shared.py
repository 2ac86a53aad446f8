"""What every change to the centre's register starts with: who acts, and refusals."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.utils.translation import gettext as _

from centre.models import Centre, CentrePerson
from workflows import calendar
from workflows import services as workflow_services
from workflows.models import Procedure
from workflows.services import ServiceError


def staff_centre(actor) -> Centre:
    """The centre ``actor`` works at; ``PermissionDenied`` for anyone else."""
    staff = getattr(actor, "centre_staff", None) if actor.is_authenticated else None
    if staff is None:
        raise PermissionDenied
    return staff.centre


def refuse(message: str, field_name: str = NON_FIELD_ERRORS) -> ServiceError:
    """A ``ServiceError`` with ``message`` next to ``field_name`` (to ``raise``)."""
    return ServiceError({field_name: [message]})


def lock_procedure(procedure_id: int) -> Procedure:
    """Lock a procedure's row for the rest of the transaction; ``PermissionDenied`` when
    there is none."""
    # TODO(i12): public API. The one private helper of workflows.services the centre still
    # needs (its lock); swap for the public one of workflows.steps when it is merged.
    return workflow_services._lock(procedure_id)


def not_future(day: datetime.date, field: str) -> None:
    """Refuse ``day`` (next to ``field``) when it is after today in Poland."""
    if day > calendar.legal_date():
        raise refuse(_("This date is in the future."), field)


def own_person(centre: Centre, person_id: int) -> CentrePerson:
    """The centre's record ``person_id``; refused (next to "person") for anyone else's."""
    record = CentrePerson.objects.filter(centre=centre, pk=person_id).first()
    if record is None:
        raise refuse(_("Choose a person recorded by this centre."), "person")
    return record
