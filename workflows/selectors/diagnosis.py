"""Who of a case is covered by the diagnosis: every victim and every suspect, one by one.

§ 2 ust. 4 of Dz.U. 2023 poz. 1870: the NK-A lists every victim and every suspect; the group
fills NK-C with each victim and NK-D with each suspect, at separate meetings. The diagnosis is
complete when every victim has a current NK-C or a recorded non-appearance and every suspect
a current NK-D (filled, or the notification of initiation recorded when they did not appear).
The meeting steps complete their node with the record that covers the last person, closure
refuses until everyone is covered, and the case page shows what is missing, person by person.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from forms.models import NKC, NKD
from people.models import Person
from workflows.models import VICTIM_ROLES, Meeting, Participant, Procedure, Role

ADULT_AGE = 18


@dataclass
class PersonCoverage:
    """One victim or suspect of the case and what the diagnosis holds for them."""

    person: Person
    side: str  # "victim" | "suspect"
    minor_witness: bool = False
    form: NKC | NKD | None = None  # the current NK-C / NK-D
    participant_id: int = 0  # their first participant row on this side (the lowest id)
    absences: list[Meeting] = field(default_factory=list)  # victim meetings not attended

    @property
    def covered(self) -> bool:
        return self.form is not None or bool(self.absences)

    @property
    def form_code(self) -> str:
        return "NK-C" if self.side == "victim" else "NK-D"

    @property
    def form_date(self) -> datetime.date | None:
        return self.form.meeting.held_on if self.form is not None else None

    def minor_on(self, day: datetime.date) -> bool:
        """A child on ``day``: a minor witness, or younger than 18 by the birth date."""
        age = self.person.age_on(day)
        return (age is not None and age < ADULT_AGE) or (age is None and self.minor_witness)

    def missing(self) -> str:
        """What to record for this person, in the user's language ("" when covered)."""
        if self.covered:
            return ""
        if self.side == "victim":
            return _("%(name)s: record NK-C at a meeting with them, or their non-appearance.") % {
                "name": self.person.full_name
            }
        return _(
            "%(name)s: record NK-D at a meeting with them, or, when they do not appear, the "
            "notification of initiation."
        ) % {"name": self.person.full_name}


def diagnosis_status(
    procedure: Procedure, meetings: list[Meeting] | None = None
) -> list[PersonCoverage]:
    """Every victim (first) and suspect of ``procedure`` with their current NK-C / NK-D and
    the victims' recorded non-appearances, in two queries (the people, the meetings);
    ``meetings``, when given, receives every current meeting read (held, then recorded).
    Access is the caller's (the case page, the services inside their step)."""
    rows: dict[tuple[str, int], PersonCoverage] = {}
    participants = (
        Participant.objects.filter(procedure=procedure, role__in=[*VICTIM_ROLES, Role.SUSPECT])
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
    )
    for participant in participants:
        side = "suspect" if participant.role == Role.SUSPECT else "victim"
        row = rows.setdefault(
            (side, participant.person_id), PersonCoverage(person=participant.person, side=side)
        )
        row.minor_witness |= participant.role == Role.MINOR_WITNESS
        if not row.participant_id or participant.pk < row.participant_id:
            row.participant_id = participant.pk
    # The current meetings, each with its NK-C or NK-D (one-to-one, so one query): the forms
    # and the victims' non-appearances, the latter in their order (held, then recorded).
    for meeting in (
        Meeting.objects.current()
        .filter(procedure=procedure)
        .select_related("nkc", "nkd")
        .order_by("held_on", "id")
    ):
        if meetings is not None:
            meetings.append(meeting)
        nkc, nkd = getattr(meeting, "nkc", None), getattr(meeting, "nkd", None)
        if nkc is not None and ("victim", nkc.victim_id) in rows:
            rows["victim", nkc.victim_id].form = nkc
        if nkd is not None and ("suspect", nkd.suspect_id) in rows:
            rows["suspect", nkd.suspect_id].form = nkd
        absent = meeting.kind == Meeting.Kind.VICTIM and not meeting.person_appeared
        if absent and ("victim", meeting.invited_person_id) in rows:
            rows["victim", meeting.invited_person_id].absences.append(meeting)
    return sorted(rows.values(), key=lambda row: row.side != "victim")


def coverage_of(procedure: Procedure, person_id: int, side: str) -> PersonCoverage | None:
    """The coverage of one person of ``procedure`` (``None`` when they are not on that side)."""
    return next(
        (
            row
            for row in diagnosis_status(procedure)
            if row.side == side and row.person.pk == person_id
        ),
        None,
    )


def uncovered(
    procedure: Procedure, side: str | None = None, meetings: list[Meeting] | None = None
) -> list[PersonCoverage]:
    """The victims and suspects (or only ``side``) the diagnosis does not cover yet
    (``meetings`` as ``diagnosis_status``'s)."""
    return [
        row
        for row in diagnosis_status(procedure, meetings)
        if not row.covered and (side is None or row.side == side)
    ]


__all__ = ["ADULT_AGE", "PersonCoverage", "coverage_of", "diagnosis_status", "uncovered"]
