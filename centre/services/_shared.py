"""What every change to the centre's register starts with: who acts, and refusals."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from centre.models import Centre, CentrePerson
from workflows import calendar
from workflows.steps import refuse


def staff_centre(actor: User) -> Centre:
    """The centre ``actor`` works at; ``PermissionDenied`` for anyone else."""
    staff = getattr(actor, "centre_staff", None) if actor.is_authenticated else None
    if staff is None:
        raise PermissionDenied
    return staff.centre


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
