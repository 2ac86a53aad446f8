"""The group's meetings: with each victim (NK-C, the help plan, the safety plan, or a
recorded non-appearance) and, separately, with each suspect (NK-D or the notification of
initiation); § 8–9 of Dz.U. 2023 poz. 1870.

One meeting is with one person. The node of the meetings with the victims completes with the
record that covers the last victim, and that of the suspects likewise
(``workflows.selectors.diagnosis``, ``StepRun.keep_node_open``); a person a later card adds
is met in the actions stage, completing no node."""

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from documents.models import DocumentKind
from forms.models import NKC, NKD, HelpPlanItem
from people.models import Person
from workflows.figures import NKC_FILLED, NKD_FILLED, figure_add
from workflows.models import Meeting, Participant, Role
from workflows.selectors.diagnosis import ADULT_AGE, PersonCoverage, diagnosis_status
from workflows.services.planning import link_planned
from workflows.snapshot_reads import held_meeting
from workflows.steps import StepRun, User, check_record, not_future, refuse, step


def _check_dates(meeting: Meeting) -> None:
    not_future(meeting.held_on, "held_on")
    not_future(meeting.invited_on, "invited_on")
    if meeting.invited_on and meeting.held_on and meeting.invited_on > meeting.held_on:
        raise refuse(_("The invitation must precede the meeting."), "invited_on")


def _meeting_person(
    s: StepRun,
    kind: str,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    status: list[PersonCoverage],
) -> PersonCoverage:
    """Check the meeting of the step ``s`` against the case and complete it (procedure,
    kind, recorder); the coverage of the person met, from ``status`` (the case's
    ``diagnosis_status``, read once by the step: its rows are the case's victims, those of
    ``VICTIM_ROLES``, and its suspects). Nothing is written yet."""
    procedure = s.procedure
    meeting.procedure = procedure
    meeting.kind = kind
    meeting.recorded_by = s.actor
    _check_dates(meeting)
    check_record(meeting)
    if procedure.group_received_on and meeting.held_on < procedure.group_received_on:
        raise refuse(_("The meeting cannot precede the group's receipt of the NK-A."), "held_on")
    side = "victim" if kind == Meeting.Kind.VICTIM else "suspect"
    coverage = next(
        (row for row in status if row.side == side and row.person.pk == person_id), None
    )
    if coverage is None:
        # Meetings with the victim and with the suspect are always separate.
        raise refuse(_("Choose a person of the right role in this procedure."), "person")
    group = procedure.group
    checked = getattr(group, "_members_memo", None)  # read by the step's group check
    group_ids = (
        {p.pk for p in checked}
        if checked is not None
        else set(group.memberships.values_list("professional_id", flat=True))
    )
    present = set(present_ids)
    if not present or not present <= group_ids:
        raise refuse(_("Mark the group members present (members of this group only)."), "present")
    return coverage


def _save_meeting(s: StepRun, meeting: Meeting, person: Person, present_ids: Iterable[int]):
    """Save the checked meeting; it meets the first-meeting deadline (§ 8–9)."""
    meeting.invited_person = person
    meeting.save()
    meeting.present.add(*set(present_ids))  # a new meeting: nobody to remove, none to read
    if meeting.person_appeared:
        meeting.heard.add(person)
    s.meet_deadline(meeting.held_on)
    s.person = person


def _hold_meeting(
    s: StepRun, meeting: Meeting, person: Person, present_ids: Iterable[int], **forms
) -> None:
    """The step's documents are built from what it wrote (``snapshot_reads.held_meeting``):
    the meeting, who was present (among the members the group check read, their users
    loaded), the person heard when they came, and ``forms``. Without the group check's
    members, who was present is read as before."""
    members = getattr(s.procedure.group, "_members_memo", None)
    if members is None:
        return
    present = set(present_ids)
    attended = [p for p in members if p.pk in present]
    heard = [person] if meeting.person_appeared else []
    s.hold(held_meeting(meeting, attended, heard, **forms))


def _complete_when_all_covered(s: StepRun, side: str, status: list[PersonCoverage]) -> None:
    """Complete the step's node only when every person of ``side`` is now covered:
    ``status`` is the case's coverage read at the start of the step (the procedure is
    locked) with the record this step made added to its person's row."""
    if s.task is not None and any(not row.covered and row.side == side for row in status):
        s.keep_node_open()


def _refuse_second_form(coverage: PersonCoverage | None) -> None:
    """One current NK-C per victim and NK-D per suspect: a mistake is corrected, not doubled."""
    if coverage is not None and coverage.form is not None:
        raise refuse(
            _(
                "%(name)s already has %(form)s in this procedure (meeting of %(date)s). "
                "To change it, correct or withdraw that meeting's record."
            )
            % {
                "name": coverage.person.full_name,
                "form": coverage.form_code,
                "date": coverage.form_date,
            },
            "person",
        )


def _check_companion(
    s: StepRun, meeting: Meeting, child: PersonCoverage, companion_id: int | None
) -> None:
    """A child's meeting is held with a parent or guardian who is not a suspect in this
    procedure, or with an adult closest person (art. 115 § 11 k.k.), named on the record
    (the regulation Dz.U. 2023 poz. 1870 on acts with a minor; docs/rules.md). A companion
    chosen among the participants must not be a suspect nor a child; a typed name must not
    be a suspect's."""
    suspects = list(
        Participant.objects.filter(procedure=s.procedure, role=Role.SUSPECT).select_related(
            "person"
        )
    )
    refusal = _(
        "%(name)s is a suspect in this procedure: the child is met with a parent or guardian "
        "who is not a suspect, or with an adult closest person."
    )
    if companion_id is not None:
        chosen = (
            Participant.objects.filter(procedure=s.procedure, person_id=companion_id)
            .select_related("person")
            .first()
        )
        if chosen is None or chosen.person_id == child.person.pk:
            raise refuse(_("Choose a person of this procedure."), "companion")
        if any(p.person_id == companion_id for p in suspects):
            raise refuse(refusal % {"name": chosen.person.full_name}, "companion")
        age = chosen.person.age_on(meeting.held_on)
        if age is not None and age < ADULT_AGE:
            raise refuse(_("The person present with the child must be an adult."), "companion")
        meeting.companion = chosen.person
        meeting.companion_name = meeting.companion_name.strip() or chosen.person.full_name
        meeting.companion_relation = meeting.companion_relation.strip() or chosen.relation
    name = " ".join(meeting.companion_name.split())
    if not name:
        raise refuse(
            _(
                "Name the parent or guardian who is not a suspect, or the adult closest "
                "person, present with the child."
            ),
            "companion_name",
        )
    if not meeting.companion_relation.strip():
        raise refuse(_("Give their relation to the child."), "companion_relation")
    for suspect in suspects:
        if suspect.person.full_name.casefold() == name.casefold():
            raise refuse(refusal % {"name": name}, "companion_name")
    meeting.companion_name = name


def victim_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    nkc: NKC,
    plan: Sequence[HelpPlanItem],
    planned_id: int | None = None,
    companion_id: int | None = None,
) -> NKC:
    """The group meets the victim ``person_id``: their NK-C, their individual help plan and
    safety plan.

    ``meeting``, ``nkc`` and the ``plan``'s items are unsaved records (the forms'
    ``save(commit=False)``); the step links them to the case, validates them with their
    models' rules (plan keys ``plan-<n>-<field>``) and saves them. A victim has one current
    NK-C (a second is refused). For a child the meeting names who was present with them
    (``meeting.companion_name`` / ``companion_relation``, or ``companion_id`` among the
    participants): never a suspect. The node completes when every victim is covered.
    """
    if not meeting.person_appeared:
        raise refuse(_("NK-C is filled with the victim present."), "person_appeared")
    if not plan:
        raise refuse(_("The individual help plan needs at least one action."))
    present_ids = list(present_ids)
    with step(
        actor=actor, procedure_id=procedure_id, action="victim_meeting", event="meeting.victim_held"
    ) as s:
        procedure = s.procedure
        s.take_node_if_open()
        status = diagnosis_status(procedure)
        coverage = _meeting_person(s, Meeting.Kind.VICTIM, meeting, person_id, present_ids, status)
        victim = coverage.person
        _refuse_second_form(coverage)
        if coverage.minor_on(meeting.held_on):
            _check_companion(s, meeting, coverage, companion_id)
        else:
            meeting.companion, meeting.companion_name, meeting.companion_relation = None, "", ""
        nkc.procedure = procedure
        nkc.victim = victim
        nkc.edition = procedure.edition
        nkc.created_by = actor
        check_record(nkc, exclude=["meeting"])
        for index, item in enumerate(plan):
            item.procedure = procedure
            check_record(item, exclude=["nkc"], prefix=f"plan-{index}-")
        _save_meeting(s, meeting, victim, present_ids)
        nkc.meeting = meeting
        nkc.save()
        figure_add(procedure, NKC_FILLED, meeting.held_on)  # the county's statistics
        for item in plan:
            item.nkc = nkc
        HelpPlanItem.objects.bulk_create(plan)
        coverage.form = nkc
        _hold_meeting(s, meeting, victim, present_ids, nkc=nkc, plan=plan)
        if meeting.invited_on and planned_id is None:
            s.document(DocumentKind.VICTIM_INVITATION, f"meeting:{meeting.pk}")
        s.document(DocumentKind.NKC, f"meeting:{meeting.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{meeting.pk}")
        s.payload = {"meeting": meeting.pk, "nkc": nkc.pk, "plan_items": len(plan)}
        link_planned(s, planned_id, meeting)
        _complete_when_all_covered(s, "victim", status)
    return nkc


def victim_absence_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    planned_id: int | None = None,
) -> Meeting:
    """The victim ``person_id`` was invited (``meeting.invited_on``, required) and did not
    come on ``meeting.held_on``. Each attempt is its own record; one counts for the
    diagnosis (nothing may make a procedure impossible to close), and an NK-C may still be
    filled with the victim later. Taken as the victim-meeting step: it meets the first-meeting
    deadline and completes the node when every victim is covered."""
    meeting.person_appeared = False
    if meeting.invited_on is None:
        raise refuse(_("Record when the invitation was sent."), "invited_on")
    present_ids = list(present_ids)
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="victim_meeting",
        event="meeting.victim_absent",
    ) as s:
        s.take_node_if_open()
        status = diagnosis_status(s.procedure)
        coverage = _meeting_person(s, Meeting.Kind.VICTIM, meeting, person_id, present_ids, status)
        _refuse_second_form(coverage)
        _save_meeting(s, meeting, coverage.person, present_ids)
        coverage.absences.append(meeting)
        _hold_meeting(s, meeting, coverage.person, present_ids)
        if planned_id is None:  # a planned meeting's invitation was made when planned
            s.document(DocumentKind.VICTIM_INVITATION, f"meeting:{meeting.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{meeting.pk}")
        s.payload = {"meeting": meeting.pk, "invited_on": str(meeting.invited_on)}
        link_planned(s, planned_id, meeting)
        _complete_when_all_covered(s, "victim", status)
    return meeting


def suspect_meeting_record(
    *,
    actor: User,
    procedure_id: int,
    meeting: Meeting,
    person_id: int,
    present_ids: Iterable[int],
    nkd: NKD,
    planned_id: int | None = None,
) -> NKD:
    """The group meets the suspect ``person_id`` separately: their NK-D, or the notification
    of initiation when they do not appear. One current NK-D per suspect; the node completes
    when every suspect is covered.

    ``meeting`` and ``nkd`` are unsaved records (the form's ``save(commit=False)``); the
    step links them to the case, validates them with their models' rules (the programme
    agreed is one of ``forms.choices.Programme``) and saves them.
    """
    if meeting.person_appeared and not nkd.consequences_explained:
        raise refuse(
            _("Record that the legal consequences were explained."), "consequences_explained"
        )
    if not meeting.person_appeared and nkd.initiation_notice_sent_on is None:
        raise refuse(
            _("When the suspect does not appear, record the notification of initiation."),
            "initiation_notice_sent_on",
        )
    not_future(nkd.initiation_notice_sent_on, "initiation_notice_sent_on")
    present_ids = list(present_ids)
    with step(
        actor=actor,
        procedure_id=procedure_id,
        action="suspect_meeting",
        event="meeting.suspect_held" if meeting.person_appeared else "meeting.suspect_absent",
    ) as s:
        procedure = s.procedure
        s.take_node_if_open()
        status = diagnosis_status(procedure)
        coverage = _meeting_person(s, Meeting.Kind.SUSPECT, meeting, person_id, present_ids, status)
        suspect = coverage.person
        _refuse_second_form(coverage)
        nkd.procedure = procedure
        nkd.suspect = suspect
        nkd.edition = procedure.edition
        nkd.appeared = meeting.person_appeared
        nkd.created_by = actor
        check_record(nkd, exclude=["meeting"])
        _save_meeting(s, meeting, suspect, present_ids)
        nkd.meeting = meeting
        nkd.save()
        if nkd.appeared:  # only an NK-D filled with the suspect counts (centre.statistics)
            figure_add(procedure, NKD_FILLED, meeting.held_on)
        coverage.form = nkd
        suspects = [row for row in status if row.side == "suspect"]
        first = min(suspects, key=lambda row: row.participant_id).person
        _hold_meeting(s, meeting, suspect, present_ids, nkd=nkd, first_suspect=first)
        if meeting.invited_on and planned_id is None:
            s.document(DocumentKind.SUSPECT_SUMMONS, f"meeting:{meeting.pk}")
        notice = DocumentKind.NKD if meeting.person_appeared else DocumentKind.INITIATION_NOTICE
        s.document(notice, f"meeting:{meeting.pk}")
        s.document(DocumentKind.MINUTES, f"meeting:{meeting.pk}")
        s.payload = {"meeting": meeting.pk, "nkd": nkd.pk}
        link_planned(s, planned_id, meeting)
        _complete_when_all_covered(s, "suspect", status)
    return nkd


__all__ = [
    "suspect_meeting_record",
    "victim_absence_record",
    "victim_meeting_record",
]
