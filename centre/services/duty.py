"""The duty log: every contact, around the clock."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import CentrePerson, Contact
from centre.services._shared import own_person, staff_centre
from centre.services.persons import PersonData, person_record
from workflows.steps import refuse


def contact_record(
    *,
    actor: User,
    at: datetime.datetime,
    channel: str,
    reason: str,
    outcome: str,
    person_id: int | None = None,
    new_person: PersonData | None = None,
) -> Contact:
    """One entry of the duty log: a person already recorded, a new one, or nobody named."""
    centre = staff_centre(actor)
    if person_id and new_person:
        raise refuse(_("Choose a person or write a new one, not both."), "person")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise refuse(_("This moment is in the future."), "at")
    if channel not in Contact.Channel.values:
        raise refuse(_("Choose how the person reached the centre."), "channel")
    if outcome not in Contact.Outcome.values:
        raise refuse(_("Choose the outcome."), "outcome")
    if not reason.strip():
        raise refuse(_("Give the reason."), "reason")
    with transaction.atomic():
        person: CentrePerson | None
        if new_person is not None:
            person = person_record(actor=actor, data=new_person)
        else:
            person = own_person(centre, person_id) if person_id else None
        contact = Contact.objects.create(
            centre=centre,
            at=at,
            channel=channel,
            staff=actor,
            person=person,
            reason=reason.strip(),
            outcome=outcome,
        )
        log_event(
            action="centre.contact_recorded",
            actor=actor,
            person=person.person if person else None,
            payload={"contact": contact.pk, "channel": channel, "outcome": outcome},
        )
    return contact
