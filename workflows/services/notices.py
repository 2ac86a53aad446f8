"""The notice of initiation to a suspect absent when the NK-A was filled (issue 13 item 4).

When the NK-A says the suspect was not present (``NKA.suspect_present``), the 2023 edition
opens the ``suspect_notice`` deadline: 3 working days from the day the card was filled
(Dz.U. 2023 poz. 1870; the paragraph was not found in the stored texts: docs/rules.md). The
chair or a group member records the notice sent; the deadline is met once every suspect the
card lists has been notified, and the notice is printed (``initiation_notice``).
"""

import datetime

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from forms.models import NKA
from workflows import calendar
from workflows.models import Participant, Role, SuspectNotice
from workflows.steps import User, not_future, refuse, step


def suspect_notice_record(
    *, actor: User, procedure_id: int, person_id: int, sent_on: datetime.date, how: str
) -> SuspectNotice:
    """Record that the suspect ``person_id`` was notified on ``sent_on`` (``how``: by post,
    in person…) of the initiation made in their absence. Refused for a person who is not a
    suspect of the case, when no current card was filled in a suspect's absence, and for a
    date before the card or in the future."""
    not_future(sent_on, "sent_on")
    if not how.strip():
        raise refuse(_("Say how the notice was sent."), "how")
    with step(
        actor=actor, procedure_id=procedure_id, action="suspect_notice", event="suspect_notice.sent"
    ) as s:
        procedure = s.procedure
        suspect = (
            Participant.objects.filter(procedure=procedure, person_id=person_id, role=Role.SUSPECT)
            .select_related("person")
            .first()
        )
        if suspect is None:
            raise refuse(_("Choose a suspected person of this procedure."), "person")
        cards = list(
            NKA.objects.current()
            .filter(procedure=procedure, suspect_present=False)
            .order_by("filled_at", "id")
        )
        if not cards:
            raise refuse(_("No NK-A of this procedure was filled in the suspect's absence."))
        listed = [c for c in cards if c.entries.filter(person_id=person_id, role=Role.SUSPECT)]
        nka = (listed or cards)[0]
        if sent_on < calendar.legal_date(nka.filled_at):
            raise refuse(_("The notice cannot precede the NK-A."), "sent_on")
        notice = SuspectNotice.objects.create(
            procedure=procedure,
            nka=nka,
            suspect=suspect.person,
            sent_on=sent_on,
            how=how.strip(),
            created_by=actor,
        )
        suspects = set(nka.entries.filter(role=Role.SUSPECT).values_list("person_id", flat=True))
        notified = set(nka.suspect_notices.values_list("suspect_id", flat=True))
        if suspects <= notified:
            s.meet_deadline(sent_on, nka=nka)
        s.document(DocumentKind.INITIATION_NOTICE, f"suspect_notice:{notice.pk}")
        s.person = suspect.person
        s.payload = {"notice": notice.pk, "nka": nka.pk, "sent_on": str(sent_on)}
    return notice


__all__ = ["suspect_notice_record"]
