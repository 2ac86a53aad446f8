"""Consultations, and the NK-A filled after one."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import Consultation, ConsultationPerson, Contact
from centre.services._shared import not_future, own_person, staff_centre
from forms.models import NKA, NKAPerson
from workflows.services import Filed, procedure_initiate
from workflows.steps import refuse


@dataclass
class ConsultationInput:
    kind: str
    mode: str
    held_on: datetime.date
    duration_minutes: int
    person_ids: list[int]
    place: str = ""
    field_reason: str = ""
    notes: str = ""
    contact_id: int | None = None


def consultation_record(*, actor: User, data: ConsultationInput) -> Consultation:
    centre = staff_centre(actor)
    not_future(data.held_on, "held_on")
    if data.kind not in Consultation.Kind.values:
        raise refuse(_("Choose the type of consultation."), "kind")
    if data.mode not in Consultation.Mode.values:
        raise refuse(_("Choose the mode."), "mode")
    if data.mode == Consultation.Mode.FIELD:
        if not data.place.strip():
            raise refuse(_("A field intervention needs its place."), "place")
        if data.field_reason not in Consultation.FieldReason.values:
            raise refuse(_("A field intervention needs its reason."), "field_reason")
    elif data.place.strip() or data.field_reason:
        raise refuse(_("Place and reason are for field interventions only."), "place")
    if not 1 <= data.duration_minutes <= 600:
        raise refuse(_("Give the duration in minutes (1–600)."), "duration_minutes")
    with transaction.atomic():
        people = [own_person(centre, pk) for pk in dict.fromkeys(data.person_ids)]
        contact = None
        if data.contact_id:
            contact = Contact.objects.filter(pk=data.contact_id, centre=centre).first()
            if contact is None:
                raise refuse(_("Choose a contact of this centre's duty log."), "contact_id")
        consultation = Consultation.objects.create(
            centre=centre,
            kind=data.kind,
            mode=data.mode,
            staff=actor,
            held_on=data.held_on,
            duration_minutes=data.duration_minutes,
            place=data.place.strip(),
            field_reason=data.field_reason,
            notes=data.notes.strip(),
            contact=contact,
        )
        ConsultationPerson.objects.bulk_create(
            ConsultationPerson(consultation=consultation, person=p) for p in people
        )
        log_event(
            action="centre.consultation_recorded",
            actor=actor,
            person=people[0].person if len(people) == 1 else None,
            payload={"consultation": consultation.pk, "people": [p.person_id for p in people]},
        )
    return consultation


def consultation_file_nka(
    *, actor: User, consultation_id: int, card: NKA, people: Sequence[NKAPerson]
) -> Filed:
    """Fill NK-A after a consultation of the centre: the centre's call into the procedure.

    In one transaction the unsaved ``card`` listing ``people`` is filed exactly as
    ``workflows.services.procedure_initiate`` files any card (it opens a procedure, joins an
    open one or is routed; the actor must be a professional with a declaration) and the
    consultation records the procedure, so that
    either both are written or neither is. Returns what ``procedure_initiate`` returns.
    ``PermissionDenied`` when the consultation is not this centre's; refused when an NK-A has
    already been filled after it (two staff filing at once: the second files nothing).
    """
    centre = staff_centre(actor)
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update()
            .filter(pk=consultation_id, centre=centre)
            .first()
        )
        if consultation is None:
            raise PermissionDenied
        if consultation.procedure_id is not None:
            raise refuse(_("An NK-A has already been filled after this consultation."))
        filed = procedure_initiate(actor=actor, card=card, people=people)
        consultation.procedure = filed.procedure
        consultation.save(update_fields=["procedure"])
        log_event(
            action="centre.consultation_started_nka",
            actor=actor,
            procedure=filed.procedure,
            payload={"consultation": consultation.pk},
        )
    return filed
