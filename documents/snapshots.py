"""Data snapshots of the statutory documents: what a document says, frozen at its step.

A snapshot is plain JSON (strings, numbers, booleans, lists, dicts), built in Polish, the
language of the official documents, inside the transaction of the step that produces it.
Templates only print it. Documents addressed to the suspected person (``SUSPECT_FACING``)
are built from ``_suspect_side``, which never reads a victim's address, phone or shelter:
privacy by construction, checked by ``tests/test_documents.py``.
"""

import datetime
from typing import Any

from django.utils import translation

from documents.models import SUSPECT_FACING, DocumentKind, HelpContact
from workflows import calendar
from workflows.models import (
    VICTIM_ROLES,
    CardRouting,
    GroupMember,
    Meeting,
    Notification,
    Participant,
    Procedure,
    Professional,
    Referral,
    Role,
)
from workflows.rules import edition_spec

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


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def _professional(professional: Professional) -> dict[str, str]:
    user = professional.user
    return {
        "name": user.get_full_name() or user.get_username(),
        "profession": str(professional.get_profession_display()),
        "institution": professional.institution,
    }


def _header(procedure: Procedure, kind: str, subject: str = "") -> dict[str, Any]:
    team = procedure.team
    number = procedure.number
    if kind in CARD_KINDS:
        # A card's own documents: its initiator prints them, so they name no case. A card
        # routed to another municipality's team carries the filer's own team.
        number = ""
        routing = CardRouting.objects.filter(nka_id=_subject_id(subject)).first()
        if routing is not None:
            team = routing.from_team
    form_code, title = TITLES[kind]
    edition = edition_spec(procedure.edition)
    return {
        "form_code": form_code,
        "title": title,
        "basis": edition.basis(kind),
        "edition": procedure.edition,
        "edition_title": edition.title,
        "number": number,
        "team": team.name,
        "team_address": team.address,
        "municipality": team.municipality.name,
        "issued_on": _date(calendar.legal_date()),
    }


def _person_full(participant: Participant) -> dict[str, str]:
    person = participant.person
    return {
        "name": _name(person),
        "role": str(participant.get_role_display()),
        "pesel": person.pesel or "",
        "birth_date": _date(person.birth_date),
        "parents_names": person.parents_names,
        "address": person.address,
        "phone": person.phone,
        "relation": participant.relation,
        "school": participant.school,
    }


def _suspect_side(procedure: Procedure, person_id: int | None = None) -> dict[str, str]:
    """The suspected person's own data only: name, birth date and their address."""
    suspects = Participant.objects.filter(procedure=procedure, role=Role.SUSPECT).select_related(
        "person"
    )
    if person_id:
        suspects = suspects.filter(person_id=person_id)
    participant = suspects.order_by("id").first()
    person = participant.person
    return {
        "name": _name(person),
        "birth_date": _date(person.birth_date),
        "address": person.address,
    }


def _subject_id(subject: str) -> int:
    return int(subject.split(":", 1)[1])


# --------------------------------------------------------------------------- builders


def _card_person(entry) -> dict[str, str]:
    """One person as the card itself records them (``NKAPerson``), never the shared record:
    a card prints what its initiator typed, not what other professionals stored."""
    return {
        "name": f"{entry.first_name} {entry.last_name}".strip(),
        "role": str(entry.get_role_display()),
        "pesel": entry.pesel,
        "birth_date": _date(entry.birth_date),
        "parents_names": entry.parents_names,
        "address": entry.address,
        "phone": entry.phone,
        "relation": entry.relation,
        "school": entry.school,
    }


def _nka(procedure: Procedure, subject: str) -> dict[str, Any]:
    from forms.models import NKA, ViolenceForm

    nka = NKA.objects.select_related("initiator").get(pk=_subject_id(subject), procedure=procedure)
    people = []
    for entry in nka.entries.order_by("id"):
        row = _card_person(entry)
        row["group"] = (
            "victim"
            if entry.role in VICTIM_ROLES
            else "suspect"
            if entry.role == Role.SUSPECT
            else "other"
        )
        people.append(row)
    labels = dict(ViolenceForm.choices)
    flags = [
        (nka._meta.get_field(name).verbose_name, getattr(nka, name))
        for name in (
            "visible_injuries",
            "medical_help_given",
            "medical_certificate",
            "suspect_under_influence",
            "victim_under_influence",
            "suspect_has_firearm",
            "victim_feels_in_danger",
            "police_called",
            "protective_order_issued",
            "suspect_detained",
            "shelter_arranged",
        )
    ]
    return {
        "filled_at": nka.filled_at.astimezone(calendar.WARSAW).strftime("%d.%m.%Y, %H:%M"),
        "place": nka.place,
        "initiator": nka.initiator.get_full_name(),
        "initiator_sector": str(nka.get_initiator_sector_display()),
        "initiator_institution": nka.initiator_institution,
        "incident_date": _date(nka.incident_date),
        "incident_place": nka.incident_place,
        "incident_description": nka.incident_description,
        "violence_forms": [str(labels.get(code, code)) for code in nka.violence_forms],
        "violence_other": nka.violence_other,
        "flags": [{"label": str(label), "value": bool(value)} for label, value in flags],
        "witnesses": nka.witnesses,
        "additional_info": nka.additional_info,
        "nkb_handed": nka.nkb_handed,
        "nkb_handed_to": nka.nkb_handed_to,
        "nkb_not_handed_reason": nka.nkb_not_handed_reason,
        "victims": [p for p in people if p["group"] == "victim"],
        "suspects": [p for p in people if p["group"] == "suspect"],
        "others": [p for p in people if p["group"] == "other"],
    }


def _nkb(procedure: Procedure, subject: str) -> dict[str, Any]:
    from django.db.models import Q

    municipality = procedure.team.municipality
    contacts = HelpContact.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).order_by("order", "name")
    return {
        "contacts": [
            {
                "name": c.name,
                "phone": c.phone,
                "address": c.address,
                "hours": c.hours,
                "note": c.note,
            }
            for c in contacts
        ],
    }


def _members(procedure: Procedure) -> list[dict[str, str]]:
    return [
        _professional(m.professional)
        for m in GroupMember.objects.filter(group__procedure=procedure)
        .select_related("professional__user")
        .order_by("professional__user__last_name")
    ]


def _group_decision(procedure: Procedure, subject: str) -> dict[str, Any]:
    group = procedure.group
    return {
        "appointed_on": _date(group.appointed_on),
        "appointed_by": group.appointed_by.get_full_name(),
        "authority": str(procedure.team.get_group_authority_display()),
        "members": _members(procedure),
    }


def _declaration(procedure: Procedure, subject: str) -> dict[str, Any]:
    professional = Professional.objects.select_related("user").get(pk=_subject_id(subject))
    return {
        "member": _professional(professional),
        "declared_on": _date(professional.confidentiality_declared_on),
    }


def _meeting(procedure: Procedure, subject: str) -> Meeting:
    return (
        Meeting.objects.filter(procedure=procedure, pk=_subject_id(subject))
        .prefetch_related("present__user", "heard")
        .get()
    )


def _victim_invitation(procedure: Procedure, subject: str) -> dict[str, Any]:
    meeting = _meeting(procedure, subject)
    victim = meeting.heard.first() or next(
        p.person
        for p in Participant.objects.filter(procedure=procedure, role__in=VICTIM_ROLES)
        .select_related("person")
        .order_by("id")
    )
    return {
        "addressee": _name(victim),
        "address": victim.address,
        "invited_on": _date(meeting.invited_on),
        "held_on": _date(meeting.held_on),
        "place": meeting.place,
    }


def _suspect_summons(procedure: Procedure, subject: str) -> dict[str, Any]:
    meeting = _meeting(procedure, subject)
    return {
        "addressee": _suspect_side(procedure),
        "invited_on": _date(meeting.invited_on),
        "held_on": _date(meeting.held_on),
        "place": meeting.place,
    }


def _initiation_notice(procedure: Procedure, subject: str) -> dict[str, Any]:
    from forms.models import NKD

    nkd = NKD.objects.get(procedure=procedure, meeting_id=_subject_id(subject))
    return {
        "addressee": _suspect_side(procedure, nkd.suspect_id),
        "sent_on": _date(nkd.initiation_notice_sent_on),
        "initiated_on": _date(procedure.initiated_on),
    }


def _minutes(procedure: Procedure, subject: str) -> dict[str, Any]:
    meeting = _meeting(procedure, subject)
    return {
        "kind": str(meeting.get_kind_display()),
        "held_on": _date(meeting.held_on),
        "place": meeting.place,
        "present": [_professional(p) for p in meeting.present.all()],
        "heard": [_name(p) for p in meeting.heard.all()],
        "person_appeared": meeting.person_appeared,
        "minutes": meeting.minutes,
        "next_meeting_on": _date(meeting.next_meeting_on),
    }


def _nkc(procedure: Procedure, subject: str) -> dict[str, Any]:
    from forms.models import NKC

    nkc = NKC.objects.select_related("victim", "meeting").get(
        procedure=procedure, meeting_id=_subject_id(subject)
    )
    fields = [
        "situation",
        "first_act",
        "repeated_acts",
        "most_dangerous_act",
        "last_act",
        "needs",
        "risk_assessment",
    ]
    safety = ["safety_how_to_act", "safety_contacts", "safety_place"]
    return {
        "victim": {"name": _name(nkc.victim), "address": nkc.victim.address},
        "held_on": _date(nkc.meeting.held_on),
        "history": [
            {"label": str(nkc._meta.get_field(f).verbose_name), "text": getattr(nkc, f)}
            for f in fields
        ],
        "safety": [
            {"label": str(nkc._meta.get_field(f).verbose_name), "text": getattr(nkc, f)}
            for f in safety
        ],
        "safety_documents_ready": nkc.safety_documents_ready,
        "plan": [
            {
                "form_of_help": str(item.get_form_of_help_display()),
                "action": item.action,
                "responsible": item.responsible,
                "due_on": _date(item.due_on),
                "status": str(item.get_status_display()),
            }
            for item in nkc.plan_items.order_by("due_on", "id")
        ],
    }


def _nkd(procedure: Procedure, subject: str) -> dict[str, Any]:
    from forms.models import NKD

    nkd = NKD.objects.select_related("meeting").get(
        procedure=procedure, meeting_id=_subject_id(subject)
    )
    return {
        "suspect": _suspect_side(procedure, nkd.suspect_id),
        "held_on": _date(nkd.meeting.held_on),
        "situation": nkd.situation,
        "substances": nkd.substances,
        "consequences_explained": nkd.consequences_explained,
        "statement": nkd.statement,
        "agreed_programme": nkd.agreed_programme,
        "agreed_alcohol_commission": nkd.agreed_alcohol_commission,
        "agreed_other": nkd.agreed_other,
    }


def _referral(procedure: Procedure, subject: str) -> dict[str, Any]:
    referral = Referral.objects.get(procedure=procedure, pk=_subject_id(subject))
    return {
        "addressee": _suspect_side(procedure, referral.person_id),
        "programme": str(referral.get_programme_display()),
        "provider": referral.provider,
        "referred_on": _date(referral.referred_on),
        "received_on": _date(referral.received_on),
        "report_within_days": 30,
    }


def _programme_certificate(procedure: Procedure, subject: str) -> dict[str, Any]:
    """Issued by the crisis centre running the programme, for the person to hand in."""
    referral = Referral.objects.select_related("enrolment__group__centre").get(
        procedure=procedure, pk=_subject_id(subject)
    )
    enrolment = referral.enrolment
    centre = enrolment.group.centre
    return {
        "person": _suspect_side(procedure, referral.person_id),
        "programme": str(referral.get_programme_display()),
        "group": enrolment.group.name,
        "provider": centre.name,
        "provider_address": centre.address,  # the centre's public address, never the hostel
        "referred_on": _date(referral.referred_on),
        "reported_on": _date(referral.reported_on),
        "completed_on": _date(referral.completed_on),
    }


def _notification(procedure: Procedure, subject: str) -> dict[str, Any]:
    notification = Notification.objects.select_related("concerning").get(
        procedure=procedure, pk=_subject_id(subject)
    )
    concerning = (
        _suspect_side(procedure, notification.concerning_id) if notification.concerning else None
    )
    return {
        "kind": str(notification.get_kind_display()),
        "addressee": notification.addressee,
        "sent_on": _date(notification.sent_on),
        "reason": notification.reason,
        "concerning": concerning,
    }


def _closure(procedure: Procedure, subject: str) -> dict[str, Any]:
    return {
        "closed_on": _date(procedure.closed_on),
        "ground": str(procedure.get_closure_ground_display()),
        "summary": procedure.closure_summary,
        "monitor_until": _date(procedure.monitor_until),
        "members": _members(procedure),
        "participants": [
            {"name": _name(p.person), "role": str(p.get_role_display())}
            for p in Participant.objects.filter(procedure=procedure).select_related("person")
        ],
    }


def _closure_notice(procedure: Procedure, subject: str) -> dict[str, Any]:
    institutions = sorted({m["institution"] for m in _members(procedure)})
    return {
        "closed_on": _date(procedure.closed_on),
        "ground": str(procedure.get_closure_ground_display()),
        "institutions": institutions,
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
    DocumentKind.CLOSURE_PROTOCOL: _closure,
    DocumentKind.CLOSURE_NOTICE: _closure_notice,
    DocumentKind.PROGRAMME_REPORTED: _programme_certificate,
    DocumentKind.PROGRAMME_COMPLETED: _programme_certificate,
}
assert set(BUILDERS) == set(DocumentKind)  # noqa: S101 - a missing builder is a bug


def build(procedure: Procedure, kind: str, subject: str) -> dict[str, Any]:
    """The snapshot of document ``kind`` about ``subject`` of ``procedure``, in Polish."""
    with translation.override("pl"):
        data = BUILDERS[DocumentKind(kind)](procedure, subject)
        return {
            "header": _header(procedure, kind, subject),
            "data": data,
            "suspect_facing": kind in SUSPECT_FACING,
        }
