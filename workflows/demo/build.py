"""Building blocks of the demo cases: synthetic families, cards and the steps the pages take."""

import datetime

from forms.models import NKA, NKC, NKD, HelpPlanItem, NKAPerson
from people import pesel as pesel_utils
from workflows import services
from workflows.demo import _moment
from workflows.models import (
    DecidedAs,
    Meeting,
    Notification,
    Procedure,
    Referral,
    TeamDecision,
)

_serial = 0


def reset() -> None:
    """Start the PESEL serials again (one seed, one sequence)."""
    global _serial
    _serial = 0


def pesel(birth: datetime.date, sex: str) -> str:
    global _serial
    _serial += 1
    return pesel_utils.generate(birth, sex, 700 + _serial)


def family(surname_f: str, surname_m: str, street: str, *, child: str | None = None) -> list:
    """A victim, a suspect and optionally a child, all with fresh synthetic PESELs."""
    people = [
        NKAPerson(
            first_name=surname_f.split()[0],
            last_name=surname_f.split()[1],
            role="victim",
            pesel=pesel(datetime.date(1986, 4, 12), "F"),
            address=f"{street}, 00-950 Przykładowo",
            phone="500 000 001",
            relation="żona",
        ),
        NKAPerson(
            first_name=surname_m.split()[0],
            last_name=surname_m.split()[1],
            role="suspect",
            pesel=pesel(datetime.date(1982, 11, 3), "M"),
            address=f"{street}, 00-950 Przykładowo",
            relation="mąż",
        ),
    ]
    if child:
        people.append(
            NKAPerson(
                first_name=child,
                last_name=surname_m.split()[1],
                role="minor_witness",
                pesel=pesel(datetime.date(2014, 6, 21), "F"),
                relation="córka",
                school="Szkoła Podstawowa nr 2, klasa 6a",
            )
        )
    return people


def initiate(user, people: list, filled: datetime.date, **extra) -> tuple[Procedure, object]:
    card = NKA(
        place="Przykładowo",
        incident_date=filled - datetime.timedelta(days=1),
        incident_place="mieszkanie rodziny",
        incident_description="Awantura domowa; krzyki, wyzwiska i szarpanie (dane fikcyjne).",
        violence_forms=["psychological", "physical"],
        nkb_handed=True,
        nkb_handed_to=f"{people[0].first_name} {people[0].last_name}",
        filled_at=_moment(filled),
        **extra,
    )
    procedure, nka, _joined = services.procedure_initiate(actor=user, card=card, people=people)
    return procedure, nka


def order(actor, procedure: Procedure, **fields) -> None:
    """A Police order against the case's suspect (ustawa o Policji art. 15aa–15aab)."""
    suspect = procedure.participants.get(role="suspect").person_id
    services.protective_order_record(
        actor=actor, procedure_id=procedure.pk, person_id=suspect, issuer="police", **fields
    )


def members(users) -> list[int]:
    return [
        users["pracownik_socjalny"].professional.pk,
        users["dzielnicowy"].professional.pk,
        users["psycholog_oik"].professional.pk,
    ]


def to_chair(user, procedure, nka, day: datetime.date) -> None:
    services.nka_transfer(
        actor=user, procedure_id=procedure.pk, nka_id=nka.pk, sent_on=day, received_on=day
    )


def to_group(users, procedure, appointed: datetime.date, passed: datetime.date | None) -> None:
    chair = users["przewodniczaca"]
    services.group_appoint(
        actor=chair, procedure_id=procedure.pk, appointed_on=appointed, member_ids=members(users)
    )
    if passed:
        services.nka_pass_to_group(actor=chair, procedure_id=procedure.pk, passed_on=passed)


def meetings(users, procedure, day: datetime.date, *, plan, suspect_appeared=True) -> None:
    """The mother's meeting (NK-C and ``plan``), a child's own meeting with the mother
    present, and the suspect's meeting: each person their own record (issue 13 item 1)."""
    member_ids = members(users)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    for child in procedure.participants.filter(role="minor_witness").select_related("person"):
        child_meeting(users, procedure, day, child.person, mother=victim)
    services.victim_meeting_record(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=day,
            invited_on=day - datetime.timedelta(days=1),
            place="Ośrodek Pomocy Społecznej, pokój 12",
            minutes="Omówiono sytuację rodziny i opracowano plan pomocy.",
        ),
        present_ids=member_ids,
        person_id=victim.pk,
        nkc=NKC(
            situation="Zamieszkuje z mężem i dzieckiem; zależność ekonomiczna od męża.",
            first_act="Około dwóch lat temu, wyzwiska po spożyciu alkoholu.",
            last_act="Szarpanie w kuchni w dniu interwencji.",
            needs="Wsparcie psychologiczne, porada prawna, bezpieczne miejsce w razie potrzeby.",
            risk_assessment="Ryzyko umiarkowane; brak dostępu sprawcy do broni.",
            safety_how_to_act="W sytuacji zagrożenia dzwonić pod 112; hasło umówione z sąsiadką.",
            safety_contacts="112; telefon zaufania „Niebieska Linia” 800 120 002",
            safety_place="Hostel Powiatowego Ośrodka Interwencji Kryzysowej",
        ),
        plan=plan,
    )
    services.suspect_meeting_record(
        actor=users["dzielnicowy"],
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=day,
            invited_on=day - datetime.timedelta(days=1),
            place="Komisariat Policji w Przykładowie",
            person_appeared=suspect_appeared,
            minutes="Rozmowa z osobą, wobec której istnieje podejrzenie stosowania przemocy."
            if suspect_appeared
            else "Osoba nie stawiła się na wezwanie.",
        ),
        present_ids=member_ids[:2],
        person_id=suspect.pk,
        nkd=NKD(
            consequences_explained=suspect_appeared,
            situation="Przyznaje się do kłótni, zaprzecza szarpaniu." if suspect_appeared else "",
            substances="alkohol" if suspect_appeared else "",
            agreed_programme=Referral.Programme.CORRECTIONAL if suspect_appeared else "",
            initiation_notice_sent_on=None if suspect_appeared else day,
        ),
    )


def plan(due: datetime.date) -> list[HelpPlanItem]:
    return [
        HelpPlanItem(
            form_of_help=HelpPlanItem.FormOfHelp.PSYCHOLOGICAL,
            action="Konsultacje psychologiczne raz w tygodniu",
            responsible="Powiatowy Ośrodek Interwencji Kryzysowej",
            due_on=due,
        ),
        HelpPlanItem(
            form_of_help=HelpPlanItem.FormOfHelp.LEGAL,
            action="Porada prawna w sprawie alimentów",
            responsible="Punkt nieodpłatnej pomocy prawnej",
            due_on=due,
        ),
    ]


def child_meeting(users, procedure, day: datetime.date, child, *, mother=None, **companion) -> None:
    """A child's own meeting and NK-C, with the mother (a participant who is not a suspect)
    or with the adult named in ``companion`` (``companion_name``, ``companion_relation``)."""
    services.victim_meeting_record(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=day,
            invited_on=day - datetime.timedelta(days=1),
            place="Ośrodek Pomocy Społecznej, pokój dziecięcy",
            minutes="Rozmowa z dzieckiem w obecności osoby dorosłej niebędącej osobą podejrzaną.",
            companion_relation=companion.get("companion_relation", "matka"),
            companion_name=companion.get("companion_name", ""),
        ),
        present_ids=members(users)[:2],
        person_id=child.pk,
        companion_id=mother.pk if mother is not None else None,
        nkc=NKC(
            situation="Uczęszcza do szkoły; boi się awantur w domu.",
            first_act="Świadek kłótni rodziców od około roku.",
            last_act="Świadek szarpania matki w dniu interwencji.",
            needs="Wsparcie psychologiczne dla dziecka, spokojne miejsce do nauki.",
            risk_assessment="Ryzyko umiarkowane; dziecko pod opieką matki.",
            safety_how_to_act="W razie awantury pójść do sąsiadki z parteru i zadzwonić pod 112.",
        ),
        plan=[
            HelpPlanItem(
                form_of_help=HelpPlanItem.FormOfHelp.PSYCHOLOGICAL,
                action="Konsultacje u psychologa dziecięcego",
                responsible="Poradnia Psychologiczno-Pedagogiczna",
                due_on=day + datetime.timedelta(days=60),
            )
        ],
    )


def referral(
    users,
    procedure: Procedure,
    *,
    programme: str,
    provider: str,
    requested: datetime.date,
    decided: datetime.date,
    received: datetime.date,
    justification: str = "Osoba podejrzewana zadeklarowała udział w programie (NK-D).",
) -> Referral:
    """The group (its social worker) asks, the chair records the team's granted referral."""
    suspect = procedure.participants.get(role="suspect").person
    requested_referral = services.referral_request(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        referral=Referral(
            person=suspect,
            programme=programme,
            provider=provider,
            requested_on=requested,
            justification=justification,
        ),
    )
    return services.referral_decide(
        actor=users["przewodniczaca"],
        referral_id=requested_referral.pk,
        decision=TeamDecision.GRANTED,
        decided_on=decided,
        decided_as=DecidedAs.CHAIR_FOR_TEAM,
        received_on=received,
    )


def notification(
    users,
    procedure: Procedure,
    *,
    kind: str,
    addressee: str,
    justification: str,
    requested: datetime.date,
    decided: datetime.date,
    sent: datetime.date | None = None,
    decision: str = TeamDecision.GRANTED,
    reason: str = "",
) -> Notification:
    """The group (its police officer) asks, the chair records the team's decision; a granted
    notification is then recorded as sent on ``sent``."""
    requested_notification = services.notification_request(
        actor=users["dzielnicowy"],
        procedure_id=procedure.pk,
        notification=Notification(
            kind=kind, addressee=addressee, requested_on=requested, justification=justification
        ),
        person_id=procedure.participants.get(role="suspect").person_id,
    )
    decided_notification = services.notification_decide(
        actor=users["przewodniczaca"],
        notification_id=requested_notification.pk,
        decision=decision,
        decided_on=decided,
        decided_as=DecidedAs.TEAM_RESOLUTION,
        resolution_number=f"ZI/{decided.year}/{requested_notification.pk}",
        reason=reason,
    )
    if sent and decided_notification.is_granted:
        return services.notification_sent(
            actor=users["przewodniczaca"], notification_id=decided_notification.pk, sent_on=sent
        )
    return decided_notification
