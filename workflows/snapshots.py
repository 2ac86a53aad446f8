"""Data snapshots of the statutory documents: what a document says, frozen at its step.

A snapshot is plain JSON (strings, numbers, booleans, lists, dicts), built in Polish, the
language of the official documents, inside the transaction of the step that produces it.
Templates only print it. Documents addressed to the suspected person (``SUSPECT_FACING``)
are built from ``_suspect_side``, which never reads a victim's address, phone or shelter:
privacy by construction, checked by ``tests/test_documents.py``.
"""

import dataclasses
from typing import Any

from django.db.models import Q
from django.utils import translation

from documents.models import SUSPECT_FACING, DocumentKind, HelpContact
from documents.provenance import describe
from forms.models import NKA, NKC, NKD, VictimPresence, ViolenceForm
from workflows import calendar
from workflows.closure_snapshots import closure_notice, closure_protocol
from workflows.models import (
    VICTIM_ROLES,
    CardRouting,
    DiagnosticGroup,
    GroupMember,
    Meeting,
    Notification,
    Participant,
    PlannedMeeting,
    Procedure,
    Professional,
    Referral,
    Role,
    SuspectNotice,
    Team,
)
from workflows.rules import FORM_KINDS, Rule, RuleCode, Unit, edition_spec, find_rule
from workflows.selectors.planning import letter_address
from workflows.snapshot_reads import once, remember
from workflows.snapshot_values import choice_labels as _choice_labels
from workflows.snapshot_values import date_text as _date
from workflows.snapshot_values import display as _display
from workflows.snapshot_values import label as _label
from workflows.snapshot_values import person_name as _name
from workflows.snapshot_values import suspect_side_of
from workflows.snapshot_values import values as _values

# The documents of one card, which its initiator sees and prints (documents.selectors).
CARD_KINDS = frozenset({DocumentKind.NKA, DocumentKind.NKB})

# kind → (form code, official title)
TITLES: dict[str, tuple[str, str]] = {
    DocumentKind.NKA: ("NK-A", "„Niebieska Karta – A”"),
    DocumentKind.NKB: ("NK-B", "„Niebieska Karta – B”"),
    DocumentKind.NKC: ("NK-C", "„Niebieska Karta – C”"),
    DocumentKind.NKD: ("NK-D", "„Niebieska Karta – D”"),
    DocumentKind.GROUP_DECISION: (
        "ZI-GDP",
        "Rozstrzygnięcie o utworzeniu grupy diagnostyczno-pomocowej",
    ),
    DocumentKind.DECLARATION: ("ZI-OSW", "Oświadczenie o zachowaniu poufności"),
    DocumentKind.VICTIM_INVITATION: ("GDP-ZAP", "Zaproszenie na posiedzenie grupy"),
    DocumentKind.SUSPECT_SUMMONS: ("GDP-WEZ", "Wezwanie na posiedzenie grupy"),
    DocumentKind.INITIATION_NOTICE: (
        "GDP-ZAW",
        "Zawiadomienie o wszczęciu procedury „Niebieskie Karty”",
    ),
    DocumentKind.MINUTES: ("GDP-PROT", "Protokół z posiedzenia grupy diagnostyczno-pomocowej"),
    DocumentKind.REFERRAL: ("ZI-SKIER", "Skierowanie do udziału w programie"),
    DocumentKind.MISDEMEANOUR: ("ZI-66C", "Zawiadomienie o popełnieniu wykroczenia"),
    DocumentKind.NOTICE: ("ZI-ZAWIAD", "Zawiadomienie"),
    DocumentKind.CLOSURE_PROTOCOL: (
        "GDP-ZAK",
        "Protokół zakończenia procedury „Niebieskie Karty”",
    ),
    DocumentKind.CLOSURE_NOTICE: (
        "ZI-INF-ZAK",
        "Informacja o zakończeniu procedury „Niebieskie Karty”",
    ),
    DocumentKind.PROGRAMME_REPORTED: (
        "OIK-ZGL",
        "Zaświadczenie o zgłoszeniu się do udziału w programie",
    ),
    DocumentKind.PROGRAMME_COMPLETED: ("OIK-UKO", "Zaświadczenie o ukończeniu programu"),
}


def period_text(statutory: Rule) -> str:
    """A rule's period as printed in an instruction ("30 dni", "5 dni roboczych")."""
    n = statutory.value
    few = n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14)
    words = {
        Unit.CALENDAR_DAYS: ("dzień", "dni", "dni"),
        Unit.WORKING_DAYS: ("dzień roboczy", "dni robocze", "dni roboczych"),
        Unit.MONTHS: ("miesiąc", "miesiące", "miesięcy"),
    }[statutory.unit]
    return f"{n} {words[0] if n == 1 else words[1] if few else words[2]}"


def _professional(professional: Professional) -> dict[str, str]:
    user = professional.user
    return {
        "name": user.get_full_name() or user.get_username(),
        **_values(professional, "profession", "institution"),
    }


def _header(procedure: Procedure, kind: str, subject: str = "") -> dict[str, Any]:
    team = procedure.team
    number = procedure.number
    if kind in CARD_KINDS:
        # A card's own documents: its initiator prints them, so they name no case. A card
        # routed to another municipality's team carries the filer's own team.
        number = ""
        routing = once(  # the card and its NK-B, made together
            ("card_routing", _subject_id(subject)),
            lambda: CardRouting.objects.filter(nka_id=_subject_id(subject)).first(),
        )
        if routing is not None:
            team = routing.from_team
    form_code, title = TITLES[kind]
    edition = edition_spec(procedure.edition)
    basis = edition.basis(kind)
    return {
        "form_code": form_code,
        "title": title,
        "basis": basis,
        # What the document is: the official template or not (documents.provenance).
        "provenance": describe(
            kind,
            procedure.edition,
            annex=edition.annexes[kind] if kind in FORM_KINDS else None,
            regulation=edition.regulation,
            title=edition.title,
            basis=basis,
        ),
        "edition": procedure.edition,
        "edition_title": edition.title,
        "number": number,
        "team": team.name,
        "team_address": team.address,
        "municipality": team.municipality.name,
        "issued_on": _date(calendar.legal_date()),
    }


def _suspect_side(procedure: Procedure, person_id: int | None = None) -> dict[str, str]:
    """The suspected person's own data only: name, birth date and their address."""
    return once(
        ("suspect_side", procedure.pk, person_id), lambda: _read_suspect_side(procedure, person_id)
    )


def _read_suspect_side(procedure: Procedure, person_id: int | None) -> dict[str, str]:
    suspects = Participant.objects.filter(procedure=procedure, role=Role.SUSPECT).select_related(
        "person"
    )
    if person_id:
        suspects = suspects.filter(person_id=person_id)
    return suspect_side_of(suspects.order_by("id").first().person)


def _subject_id(subject: str) -> int:
    return int(subject.split(":", 1)[1])


# --------------------------------------------------------------------------- builders


def _card_person(entry) -> dict[str, str]:
    """One person as the card itself records them (``NKAPerson``), never the shared record:
    a card prints what its initiator typed, not what other professionals stored."""
    return {
        "name": f"{entry.first_name} {entry.last_name}".strip(),
        **_values(
            entry,
            "role",
            "pesel",
            "birth_date",
            "parents_names",
            "address",
            "phone",
            "relation",
            "school",
        ),
    }


def _nka(procedure: Procedure, subject: str) -> dict[str, Any]:
    pk = _subject_id(subject)  # the card and its people: held by the step that filed it
    nka = once(
        ("nka", pk), lambda: NKA.objects.select_related("initiator").get(pk=pk, procedure=procedure)
    )
    # NK-A's lists of persons: the list is the person's role, never printed as a code.
    sections: dict[str, list[dict[str, Any]]] = {"victims": [], "suspects": [], "others": []}
    for entry in once(("nka_entries", pk), lambda: list(nka.entries.order_by("id"))):
        section = (
            "victims"
            if entry.role in VICTIM_ROLES
            else "suspects"
            if entry.role == Role.SUSPECT
            else "others"
        )
        sections[section].append(_card_person(entry))
    # NK-A's yes/no questions, by the part of the card they belong to (templates/nka.html).
    groups = {
        "injuries": ("visible_injuries", "medical_help_given", "medical_certificate"),
        "substances": ("suspect_under_influence", "victim_under_influence"),
        "firearm": ("suspect_has_firearm",),
        "safety": ("victim_feels_in_danger",),
        "intervention": (
            "police_called",
            "protective_order_issued",
            "suspect_detained",
            "shelter_arranged",
        ),
    }
    flags = {
        group: [{"label": _label(nka, name), "value": bool(getattr(nka, name))} for name in names]
        for group, names in groups.items()
    }
    return {
        **_values(
            nka,
            "filled_at",
            "place",
            "initiator_sector",
            "initiator_institution",
            "incident_date",
            "incident_place",
            "incident_description",
            "violence_other",
            "witnesses",
            "additional_info",
            "nkb_handed_to",
            "nkb_not_handed_reason",
            "victim_presence",
            "victim_absence_reason",
            "victim_contact_on",
        ),
        # § 2 ust. 5–6: printed only as what it is, "absent" with its reason and contact.
        "victim_absent": nka.victim_presence == VictimPresence.ABSENT,
        # Issue 13 item 4: whether the suspect was present (empty on older cards).
        "suspect_present": "" if nka.suspect_present is None else _display(nka, "suspect_present"),
        "initiator": nka.initiator.get_full_name(),
        "violence_forms": _choice_labels(ViolenceForm, nka.violence_forms),
        # Section IV prints every form, ticked or not, as the card does.
        "violence_options": [
            {"label": str(label), "checked": code in nka.violence_forms}
            for code, label in ViolenceForm.choices
        ],
        "flags": flags,
        "nkb_handed": nka.nkb_handed,  # a checkbox: the template prints ☑ or ☐
        **sections,
    }


def _nkb(procedure: Procedure, subject: str) -> dict[str, Any]:
    municipality = procedure.team.municipality
    contacts = HelpContact.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).order_by("order", "name")
    return {
        "contacts": [_values(c, "name", "phone", "address", "hours", "note") for c in contacts],
    }


def _members(procedure: Procedure) -> list[dict[str, str]]:
    members = list(
        GroupMember.objects.filter(group__procedure=procedure)
        .select_related("professional__user")
        .order_by("professional__user__last_name")
    )
    for member in members:  # the members' declarations of the same step need not ask again
        remember(("professional", member.professional_id), member.professional)
    return [_professional(m.professional) for m in members]


# Who created the group (``DiagnosticGroup.authority``, from ``Team.group_authority``):
# the decision's own wording, not a translation catalogue's.
GROUP_AUTHORITY_TEXT = {
    Team.GroupAuthority.TEAM: "zespół interdyscyplinarny uchwałą",
    Team.GroupAuthority.CHAIR: "przewodniczący zespołu interdyscyplinarnego z upoważnienia zespołu",
}


def _group_decision(procedure: Procedure, subject: str) -> dict[str, Any]:
    """The group and its members now: each change of the members is a new version."""
    group = DiagnosticGroup.objects.select_related("appointed_by").get(procedure=procedure)
    # A group appointed before the authority was recorded: the team's setting.
    authority = group.authority or procedure.team.group_authority
    return {
        **_values(group, "appointed_on"),
        "appointed_by": group.appointed_by.get_full_name(),
        "authority": GROUP_AUTHORITY_TEXT[Team.GroupAuthority(authority)],
        "members": _members(procedure),
    }


def _declaration(procedure: Procedure, subject: str) -> dict[str, Any]:
    professional = once(
        ("professional", _subject_id(subject)),
        lambda: Professional.objects.select_related("user").get(pk=_subject_id(subject)),
    )
    return {
        "member": _professional(professional),
        **_values(professional, declared_on="confidentiality_declared_on"),
    }


def _meeting(procedure: Procedure, subject: str) -> Meeting:
    """The meeting (read once for a step's documents: its NK-C or NK-D, its minutes and its
    invitation; the step that recorded it holds it, ``held_meeting``)."""
    meeting_id = _subject_id(subject)
    return once(
        ("meeting", procedure.pk, meeting_id),
        lambda: Meeting.objects.get(procedure=procedure, pk=meeting_id),
    )


def _attendance(meeting: Meeting) -> tuple[list[Professional], list[Any]]:
    """Who was present (with their users) and who was heard, each in the order of their id:
    an order of its own, so that what a step holds (``held_meeting``) equals a rebuild."""
    return once(
        ("attendance", meeting.pk),
        lambda: (
            list(meeting.present.select_related("user").order_by("id")),
            list(meeting.heard.order_by("id")),
        ),
    )


def _planned(procedure: Procedure, subject: str) -> tuple[PlannedMeeting, dict[str, Any]]:
    """A planned meeting (``planned:<pk>``) and what its letter says of it: the date, the
    time, the place and the day the letter was made."""
    planned = PlannedMeeting.objects.get(procedure=procedure, pk=_subject_id(subject))
    when = _values(planned, "place", "time", held_on="date")
    return planned, {**when, "invited_on": _date(calendar.legal_date(planned.created_at))}


def _victim_invitation(procedure: Procedure, subject: str) -> dict[str, Any]:
    if subject.startswith("planned:"):
        # Never by default to an address shared with a suspect (selectors.letter_address).
        planned, when = _planned(procedure, subject)
        invited = Participant.objects.filter(
            procedure=procedure, person_id=planned.invitee_id, role__in=VICTIM_ROLES
        ).select_related("person")[0]
        to = letter_address(invited)
        return {"addressee": _name(invited.person), "address": to.address, **when} | {
            "in_person": to.in_person
        }
    meeting = _meeting(procedure, subject)
    heard = _attendance(meeting)[1]
    victim = (
        heard[0]
        if heard
        else next(
            p.person
            for p in Participant.objects.filter(procedure=procedure, role__in=VICTIM_ROLES)
            .select_related("person")
            .order_by("id")
        )
    )
    return {
        "addressee": _name(victim),
        **_values(victim, "address"),
        **_values(meeting, "invited_on", "held_on", "place"),
    }


def _suspect_summons(procedure: Procedure, subject: str) -> dict[str, Any]:
    if subject.startswith("planned:"):
        planned, when = _planned(procedure, subject)
        return {"addressee": _suspect_side(procedure, planned.invitee_id), **when}
    meeting = _meeting(procedure, subject)
    return {
        "addressee": _suspect_side(procedure),
        **_values(meeting, "invited_on", "held_on", "place"),
    }


def _initiation_notice(procedure: Procedure, subject: str) -> dict[str, Any]:
    """The notice of initiation: to a suspect who did not come to their meeting (subject
    ``meeting:<pk>``, its NK-D), or who was absent when the NK-A was filled (subject
    ``suspect_notice:<pk>``, issue 13 item 4)."""
    if subject.startswith("suspect_notice:"):
        notice = SuspectNotice.objects.get(procedure=procedure, pk=_subject_id(subject))
        return {
            "addressee": _suspect_side(procedure, notice.suspect_id),
            "absent_at_initiation": True,
            **_values(notice, "sent_on"),
            **_values(procedure, "initiated_on"),
        }
    nkd = _nkd_of(procedure, subject)
    return {
        "addressee": _suspect_side(procedure, nkd.suspect_id),
        "absent_at_initiation": False,
        **_values(nkd, sent_on="initiation_notice_sent_on"),
        **_values(procedure, "initiated_on"),
    }


def _minutes(procedure: Procedure, subject: str) -> dict[str, Any]:
    meeting = _meeting(procedure, subject)
    present, heard = _attendance(meeting)
    return {
        **_values(
            meeting, "kind", "held_on", "place", "person_appeared", "minutes", "next_meeting_on"
        ),
        "present": [_professional(p) for p in present],
        "heard": [_name(p) for p in heard],
        "with_party": meeting.kind != Meeting.Kind.GROUP,  # a working meeting invites nobody
    }


def _nkc(procedure: Procedure, subject: str) -> dict[str, Any]:
    meeting_id = _subject_id(subject)
    nkc = once(
        ("nkc", procedure.pk, meeting_id),
        lambda: NKC.objects.select_related("victim", "meeting").get(
            procedure=procedure, meeting_id=meeting_id
        ),
    )
    plan = once(("plan", nkc.pk), lambda: list(nkc.plan_items.order_by("due_on", "id")))
    # The violence history's four acts are the part of NK-C the provenance confirms.
    acts = ["first_act", "repeated_acts", "most_dangerous_act", "last_act"]
    assessment = ["needs", "risk_assessment"]
    safety = ["safety_how_to_act", "safety_contacts", "safety_place"]
    return {
        "victim": {"name": _name(nkc.victim), **_values(nkc.victim, "address")},
        **_values(nkc.meeting, "held_on"),
        "situation": [{"label": _label(nkc, "situation"), "text": _display(nkc, "situation")}],
        "history": [{"label": _label(nkc, f), "text": _display(nkc, f)} for f in acts],
        "assessment": [{"label": _label(nkc, f), "text": _display(nkc, f)} for f in assessment],
        "safety": [{"label": _label(nkc, f), "text": _display(nkc, f)} for f in safety],
        "safety_documents_ready": nkc.safety_documents_ready,  # a checkbox: ☑ or ☐
        "plan": [
            _values(item, "form_of_help", "action", "responsible", "due_on", "status")
            for item in plan
        ],
    }


def _nkd_of(procedure: Procedure, subject: str) -> NKD:
    meeting_id = _subject_id(subject)
    return once(
        ("nkd", procedure.pk, meeting_id),
        lambda: NKD.objects.select_related("meeting").get(
            procedure=procedure, meeting_id=meeting_id
        ),
    )


def _nkd(procedure: Procedure, subject: str) -> dict[str, Any]:
    nkd = _nkd_of(procedure, subject)
    return {
        "suspect": _suspect_side(procedure, nkd.suspect_id),
        **_values(nkd.meeting, "held_on"),
        **_values(
            nkd,
            "situation",
            "substances",
            "statement",
            "agreed_programme",
            "agreed_alcohol_commission",
            "agreed_other",
        ),
        "consequences_explained": nkd.consequences_explained,  # a checkbox: ☑ or ☐
    }


def _referral(procedure: Procedure, subject: str) -> dict[str, Any]:
    """The team's referral, granted on the group's request. The two instructions of
    Dz.U. 2023 poz. 1164 (§ 1 pkt 3–4) are the template's wording; the period to report is
    the team's setting copied at the decision (no statutory basis), absent when it is 0."""
    referral = Referral.objects.get(procedure=procedure, pk=_subject_id(subject))
    days = referral.report_within_days
    report_rule = find_rule(RuleCode.PROGRAMME_REPORT, procedure.edition)
    return {
        "addressee": _suspect_side(procedure, referral.person_id),
        **_values(
            referral,
            "programme",
            "provider",
            "referred_on",
            "received_on",
            "requested_on",
            "decided_on",
            "decided_as",
            "resolution_number",
        ),
        "report_within": (
            period_text(dataclasses.replace(report_rule, value=days))
            if days and report_rule
            else ""
        ),
    }


def _programme_certificate(procedure: Procedure, subject: str) -> dict[str, Any]:
    """Issued by the crisis centre running the programme, for the person to hand in; the
    centre gives its part (``ISSUER_KEYS``: its group, its name and public address)."""
    referral = Referral.objects.get(procedure=procedure, pk=_subject_id(subject))
    return {
        "person": _suspect_side(procedure, referral.person_id),
        **_values(referral, "programme", "referred_on", "reported_on", "completed_on"),
    }


# What the issuing body, not the procedure, says on a document: given by the caller of
# ``build`` and carried unchanged into a new version.
ISSUER_KEYS: dict[str, tuple[str, ...]] = {
    DocumentKind.PROGRAMME_REPORTED: ("group", "provider", "provider_address"),
    DocumentKind.PROGRAMME_COMPLETED: ("group", "provider", "provider_address"),
}


def _notification(procedure: Procedure, subject: str) -> dict[str, Any]:
    notification = Notification.objects.select_related("concerning").get(
        procedure=procedure, pk=_subject_id(subject)
    )
    concerning = (
        _suspect_side(procedure, notification.concerning_id) if notification.concerning else None
    )
    return {
        **_values(
            notification,
            "kind",
            "addressee",
            "requested_on",
            "decided_on",
            "decided_as",
            "resolution_number",
            reason="justification",
        ),
        "concerning": concerning,
    }


BUILDERS = {
    DocumentKind.NKA: _nka,
    DocumentKind.NKB: _nkb,
    DocumentKind.NKC: _nkc,
    DocumentKind.NKD: _nkd,
    DocumentKind.GROUP_DECISION: _group_decision,
    DocumentKind.DECLARATION: _declaration,
    DocumentKind.VICTIM_INVITATION: _victim_invitation,
    DocumentKind.SUSPECT_SUMMONS: _suspect_summons,
    DocumentKind.INITIATION_NOTICE: _initiation_notice,
    DocumentKind.MINUTES: _minutes,
    DocumentKind.REFERRAL: _referral,
    DocumentKind.MISDEMEANOUR: _notification,
    DocumentKind.NOTICE: _notification,
    DocumentKind.CLOSURE_PROTOCOL: closure_protocol,
    DocumentKind.CLOSURE_NOTICE: closure_notice,
    DocumentKind.PROGRAMME_REPORTED: _programme_certificate,
    DocumentKind.PROGRAMME_COMPLETED: _programme_certificate,
}
assert set(BUILDERS) == set(DocumentKind)  # noqa: S101 - a missing builder is a bug


def build(
    procedure: Procedure, kind: str, subject: str, *, issuer: dict[str, str] | None = None
) -> dict[str, Any]:
    """The snapshot of document ``kind`` about ``subject`` of ``procedure``, in Polish.

    ``issuer`` is what the issuing body says of itself (``ISSUER_KEYS`` of the kind, e.g.
    the crisis centre on a programme certificate); raises ``KeyError`` when one is missing.
    """
    with translation.override("pl"):
        data = BUILDERS[DocumentKind(kind)](procedure, subject)
        for key in ISSUER_KEYS.get(kind, ()):
            data[key] = (issuer or {})[key]
        return {
            "header": _header(procedure, kind, subject),
            "data": data,
            "suspect_facing": kind in SUSPECT_FACING,
        }
