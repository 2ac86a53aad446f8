"""Prevention and training events."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import PreventionEvent
from centre.services._shared import not_future, staff_centre
from workflows.steps import refuse


def prevention_event_record(
    *,
    actor: User,
    held_on: datetime.date,
    topic: str,
    audience: str,
    participants: int,
    place: str = "",
) -> PreventionEvent:
    centre = staff_centre(actor)
    not_future(held_on, "held_on")
    if audience not in PreventionEvent.Audience.values:
        raise refuse(_("Choose the audience."), "audience")
    if not topic.strip():
        raise refuse(_("Give the topic."), "topic")
    if not 1 <= participants <= 100000:
        raise refuse(_("Give the number of participants."), "participants")
    with transaction.atomic():
        event = PreventionEvent.objects.create(
            centre=centre,
            held_on=held_on,
            topic=topic.strip(),
            audience=audience,
            participants=participants,
            place=place.strip(),
        )
        log_event(action="centre.prevention_recorded", actor=actor, payload={"event": event.pk})
    return event
