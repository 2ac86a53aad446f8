"""Synthetic demo data: one municipality, its team, and ten procedures at every stage.

Everything here is invented. PESEL numbers are generated with valid checksums by
``people.pesel.generate``; names are made up. Every procedure is driven through the same
services the pages use, with dates counted back in working days from today, so the demo
shows real deadlines: one chair task overdue, others due within two working days, both
closure grounds and monitoring after closure.

``seed()`` is idempotent: when the demo municipality exists it only resets the demo
passwords and returns the logins. The apps above the procedure (the crisis centre) add
their part through the signals ``demo_seeded`` and ``demo_logins``, which they connect
themselves: the procedure never imports them.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal

from forms.models import NKA, NKC, NKD, HelpPlanItem, NKAPerson
from people import pesel as pesel_utils
from workflows import calendar, services
from workflows.models import (
    AuditorScope,
    ClosureGround,
    Meeting,
    Municipality,
    Notification,
    Procedure,
    Profession,
    Professional,
    Referral,
    Sector,
    Team,
    TeamMember,
)

DEMO_TERYT = "0000001"
DEMO_PASSWORD = "demo-2026"  # noqa: S105 - a published demo password for synthetic data


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str


@dataclass(frozen=True)
class _Persona:
    username: str
    first: str
    last: str
    sector: str
    profession: str
    institution: str
    role: str
    team_role: str | None  # None: not a team member


PERSONAS = [
    _Persona(
        "przewodniczaca",
        "Barbara",
        "Wiśniewska",
        Sector.SOCIAL_ASSISTANCE,
        Profession.SOCIAL_WORKER,
        "Ośrodek Pomocy Społecznej w Przykładowie",
        "przewodnicząca zespołu interdyscyplinarnego",
        TeamMember.Role.CHAIR,
    ),
    _Persona(
        "pracownik_socjalny",
        "Ewa",
        "Zając",
        Sector.SOCIAL_ASSISTANCE,
        Profession.SOCIAL_WORKER,
        "Ośrodek Pomocy Społecznej w Przykładowie",
        "pracowniczka socjalna, członkini grup",
        TeamMember.Role.MEMBER,
    ),
    _Persona(
        "dzielnicowy",
        "Tomasz",
        "Kręcki",
        Sector.POLICE,
        Profession.POLICE_OFFICER,
        "Komisariat Policji w Przykładowie",
        "dzielnicowy, członek grup",
        TeamMember.Role.MEMBER,
    ),
    _Persona(
        "psycholog_oik",
        "Joanna",
        "Śliwińska",
        Sector.CRISIS_CENTRE,
        Profession.PSYCHOLOGIST,
        "Powiatowy Ośrodek Interwencji Kryzysowej",
        "psycholożka OIK (rejestr ośrodka), członkini grup",
        TeamMember.Role.MEMBER,
    ),
    _Persona(
        "nauczyciel",
        "Krzysztof",
        "Łukaszewicz",
        Sector.EDUCATION,
        Profession.TEACHER,
        "Szkoła Podstawowa nr 2 w Przykładowie",
        "nauczyciel, wszczyna procedurę (NK-A)",
        None,
    ),
    _Persona(
        "pielegniarka",
        "Małgorzata",
        "Żurek",
        Sector.HEALTH_CARE,
        Profession.NURSE,
        "Przychodnia Rodzinna w Przykładowie",
        "pielęgniarka, wszczyna procedurę (NK-A)",
        None,
    ),
]
AUDITOR = ("kontroler", "Irena", "Kontrolna", "Mazowiecki Urząd Wojewódzki – inspektorka")


def working_days_ago(count: int, today: datetime.date | None = None) -> datetime.date:
    """The working day ``count`` working days before ``today`` (``today`` if 0 and working)."""
    day = today or calendar.legal_date()
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    while count:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=calendar.WARSAW)


# Sent once the procedure's demo exists (``municipality``, ``password``, ``pesel(born,
# sex)``): an app above the procedure seeds its own part of the demo.
demo_seeded = Signal()
# Asked for the demo logins: each receiver returns a list of ``Login`` of its own.
demo_logins = Signal()


def logins() -> list[Login]:
    rows = [Login(p.username, f"{p.first} {p.last}", p.role) for p in PERSONAS]
    rows.append(Login(AUDITOR[0], f"{AUDITOR[1]} {AUDITOR[2]}", AUDITOR[3]))
    for _receiver, theirs in demo_logins.send(sender=Login):
        rows.extend(theirs)
    rows.append(Login("admin", "Administrator", "administrator (panel /admin/)"))
    return rows


def seed() -> tuple[bool, list[Login]]:
    """Create the demo data once. Returns ``(created, logins)``."""
    User = get_user_model()
    if Municipality.objects.filter(teryt=DEMO_TERYT).exists():
        for user in User.objects.filter(username__in=[row.username for row in logins()]):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return False, logins()
    with transaction.atomic():
        users = _people_and_team()
    _procedures(users)
    demo_seeded.send(
        sender=Login,
        municipality=Municipality.objects.get(teryt=DEMO_TERYT),
        password=DEMO_PASSWORD,
        pesel=_pesel,
    )
    return True, logins()


# --------------------------------------------------------------------------- the team


def _people_and_team() -> dict[str, object]:
    User = get_user_model()
    municipality = Municipality.objects.create(
        name="Gmina Przykładowo", county="powiat przykładowy", teryt=DEMO_TERYT
    )
    team = Team.objects.create(
        municipality=municipality,
        name="Zespół Interdyscyplinarny w Przykładowie",
        address="ul. Rynek 1, 00-950 Przykładowo",
        post_closure_monitoring_months=3,
    )
    declared = working_days_ago(200)
    users: dict[str, object] = {}
    for persona in PERSONAS:
        user = User.objects.create_user(
            persona.username,
            f"{persona.username}@przykladowo.example",
            DEMO_PASSWORD,
            first_name=persona.first,
            last_name=persona.last,
        )
        professional = Professional.objects.create(
            user=user,
            municipality=municipality,
            sector=persona.sector,
            profession=persona.profession,
            institution=persona.institution,
            confidentiality_declared_on=declared,
        )
        if persona.team_role:
            TeamMember.objects.create(
                team=team, professional=professional, role=persona.team_role, since=declared
            )
        users[persona.username] = user
    auditor = User.objects.create_user(
        AUDITOR[0],
        f"{AUDITOR[0]}@uw.example",
        DEMO_PASSWORD,
        first_name=AUDITOR[1],
        last_name=AUDITOR[2],
    )
    AuditorScope.objects.create(
        user=auditor, institution="Mazowiecki Urząd Wojewódzki", municipality=municipality
    )
    User.objects.create_superuser("admin", "admin@przykladowo.example", DEMO_PASSWORD)
    return users


# --------------------------------------------------------------------------- procedures

_serial = 0


def _pesel(birth: datetime.date, sex: str) -> str:
    global _serial
    _serial += 1
    return pesel_utils.generate(birth, sex, 700 + _serial)


def _family(surname_f: str, surname_m: str, street: str, *, child: str | None = None) -> list:
    """A victim, a suspect and optionally a child, all with fresh synthetic PESELs."""
    people = [
        NKAPerson(
            first_name=surname_f.split()[0],
            last_name=surname_f.split()[1],
            role="victim",
            pesel=_pesel(datetime.date(1986, 4, 12), "F"),
            address=f"{street}, 00-950 Przykładowo",
            phone="500 000 001",
            relation="żona",
        ),
        NKAPerson(
            first_name=surname_m.split()[0],
            last_name=surname_m.split()[1],
            role="suspect",
            pesel=_pesel(datetime.date(1982, 11, 3), "M"),
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
                pesel=_pesel(datetime.date(2014, 6, 21), "F"),
                relation="córka",
                school="Szkoła Podstawowa nr 2, klasa 6a",
            )
        )
    return people


def _initiate(user, people: list, filled: datetime.date, **extra) -> tuple[Procedure, object]:
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


def _order(actor, procedure: Procedure, **fields) -> None:
    """A Police order against the case's suspect (ustawa o Policji art. 15aa–15aab)."""
    suspect = procedure.participants.get(role="suspect").person_id
    services.protective_order_record(
        actor=actor, procedure_id=procedure.pk, person_id=suspect, issuer="police", **fields
    )


def _members(users) -> list[int]:
    return [
        users["pracownik_socjalny"].professional.pk,
        users["dzielnicowy"].professional.pk,
        users["psycholog_oik"].professional.pk,
    ]


def _to_chair(user, procedure, nka, day: datetime.date) -> None:
    services.nka_transfer(
        actor=user, procedure_id=procedure.pk, nka_id=nka.pk, sent_on=day, received_on=day
    )


def _to_group(users, procedure, appointed: datetime.date, passed: datetime.date | None) -> None:
    chair = users["przewodniczaca"]
    services.group_appoint(
        actor=chair, procedure_id=procedure.pk, appointed_on=appointed, member_ids=_members(users)
    )
    if passed:
        services.nka_pass_to_group(actor=chair, procedure_id=procedure.pk, passed_on=passed)


def _meetings(users, procedure, day: datetime.date, *, plan, suspect_appeared=True) -> None:
    members = _members(users)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    services.victim_meeting_record(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=day,
            invited_on=day - datetime.timedelta(days=1),
            place="Ośrodek Pomocy Społecznej, pokój 12",
            minutes="Omówiono sytuację rodziny i opracowano plan pomocy.",
        ),
        present_ids=members,
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
        present_ids=members[:2],
        person_id=suspect.pk,
        nkd=NKD(
            consequences_explained=suspect_appeared,
            situation="Przyznaje się do kłótni, zaprzecza szarpaniu." if suspect_appeared else "",
            substances="alkohol" if suspect_appeared else "",
            agreed_programme=Referral.Programme.CORRECTIONAL if suspect_appeared else "",
            initiation_notice_sent_on=None if suspect_appeared else day,
        ),
    )


def _plan(due: datetime.date) -> list[HelpPlanItem]:
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


def _procedures(users) -> None:
    """Ten procedures, one transaction each (as the pages would write them)."""
    global _serial
    _serial = 0
    teacher, nurse = users["nauczyciel"], users["pielegniarka"]
    chair = users["przewodniczaca"]
    social_worker, police = users["pracownik_socjalny"], users["dzielnicowy"]
    today = calendar.legal_date()

    # 1. NK-A filled today by the nurse; the original is still with her (5 working days).
    _initiate(nurse, _family("Anna Kowalczyk", "Piotr Kowalczyk", "ul. Lipowa 4"), today)

    # 2. NK-A filled 4 working days ago: sending it to the chair is due within 1 working day.
    # The Police's order of the incident night, recorded at once, lapses within days.
    family = _family("Beata Żmuda", "Jerzy Żmuda", "ul. Szkolna 7", child="Hania")
    procedure, nka = _initiate(teacher, family, working_days_ago(4), protective_order_issued=True)
    _order(chair, procedure, issued_on=nka.incident_date, leave_home=True, home_area="50 m")

    # 3. Overdue: the chair received the card 10 working days ago and appointed no group.
    filled = working_days_ago(11)
    procedure, nka = _initiate(
        teacher, _family("Celina Ćwiek", "Dariusz Ćwiek", "ul. Polna 12", child="Ola"), filled
    )
    _to_chair(teacher, procedure, nka, working_days_ago(10))

    # 4. The chair received the card today: the group is due within 3 days.
    filled = working_days_ago(2)
    procedure, nka = _initiate(
        nurse, _family("Dorota Łęcka", "Grzegorz Łęcki", "ul. Ogrodowa 2"), filled
    )
    _to_chair(nurse, procedure, nka, today)

    # 5. Group appointed yesterday; the card is not yet passed to the members.
    filled = working_days_ago(4)
    procedure, nka = _initiate(
        teacher, _family("Elżbieta Nowicka", "Henryk Nowicki", "ul. Leśna 9", child="Zuzia"), filled
    )
    _to_chair(teacher, procedure, nka, working_days_ago(3))
    _to_group(users, procedure, working_days_ago(1), None)

    # 6. The group received the card 3 working days ago: the meetings are due in 2.
    filled = working_days_ago(6)
    procedure, nka = _initiate(
        nurse, _family("Felicja Wąs", "Ireneusz Wąs", "ul. Krótka 1"), filled
    )
    _to_chair(nurse, procedure, nka, working_days_ago(5))
    _to_group(users, procedure, working_days_ago(4), working_days_ago(3))

    # 7. Actions: referral to a programme, a protective order, a misdemeanour notification;
    #    a second NK-A from the police joined the same procedure.
    filled = working_days_ago(30)
    family = _family("Grażyna Mróz", "Jan Mróz", "ul. Słoneczna 15", child="Kasia")
    procedure, nka = _initiate(teacher, family, filled, suspect_under_influence=True)
    _to_chair(teacher, procedure, nka, working_days_ago(29))
    _to_group(users, procedure, working_days_ago(28), working_days_ago(27))
    _meetings(users, procedure, working_days_ago(24), plan=_plan(today + datetime.timedelta(60)))
    suspect = procedure.participants.get(role="suspect").person
    _order(police, procedure, issued_on=working_days_ago(8), leave_home=True, home_area="100 m")
    services.referral_record(
        actor=chair,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        programme=Referral.Programme.CORRECTIONAL,
        provider="Powiatowe Centrum Pomocy Rodzinie – program korekcyjno-edukacyjny",
        referred_on=working_days_ago(20),
        received_on=working_days_ago(18),
    )
    services.notification_record(
        actor=police,
        procedure_id=procedure.pk,
        kind=Notification.Kind.MISDEMEANOUR,
        addressee="Komisariat Policji w Przykładowie",
        sent_on=working_days_ago(7),
        reason="Naruszenie nakazu opuszczenia wspólnie zajmowanego mieszkania.",
        person_id=suspect.pk,
    )
    police_card = NKA(
        place="Przykładowo",
        incident_date=working_days_ago(3),
        incident_place="klatka schodowa",
        incident_description="Ponowna interwencja: groźby wobec żony (dane fikcyjne).",
        violence_forms=["psychological"],
        police_called=True,
        nkb_handed=True,
        nkb_handed_to=f"{family[0].first_name} {family[0].last_name}",
        filled_at=_moment(working_days_ago(2)),
    )
    services.procedure_initiate(
        actor=police,
        card=police_card,
        people=[
            NKAPerson(
                first_name=family[0].first_name,
                last_name=family[0].last_name,
                role="victim",
                pesel=family[0].pesel,
            ),
            NKAPerson(
                first_name=family[1].first_name,
                last_name=family[1].last_name,
                role="suspect",
                pesel=family[1].pesel,
            ),
        ],
    )
    services.monitoring_note_add(
        actor=social_worker,
        procedure_id=procedure.pk,
        visited_on=working_days_ago(5),
        note="Wizyta w miejscu zamieszkania; sytuacja spokojna.",
    )

    # 8. Actions after the suspect did not appear: notification of initiation sent.
    filled = working_days_ago(20)
    procedure, nka = _initiate(
        nurse, _family("Halina Pietrzak", "Kamil Pietrzak", "ul. Wiejska 3"), filled
    )
    _to_chair(nurse, procedure, nka, working_days_ago(19))
    _to_group(users, procedure, working_days_ago(18), working_days_ago(17))
    _meetings(
        users,
        procedure,
        working_days_ago(14),
        plan=_plan(today + datetime.timedelta(30)),
        suspect_appeared=False,
    )
    services.notification_record(
        actor=police,
        procedure_id=procedure.pk,
        kind=Notification.Kind.POLICE,
        addressee="Komenda Powiatowa Policji w Przykładowie",
        sent_on=working_days_ago(12),
        reason="Osoba podejrzewana nie stawiła się na wezwanie; prośba o wizytę dzielnicowego.",
        person_id=procedure.participants.get(role="suspect").person_id,
    )

    # 9. Closed on ground 1: the help plan carried out, the programme completed;
    #    monitoring after closure has ended.
    filled = working_days_ago(140)
    procedure, nka = _initiate(
        teacher, _family("Irena Dąbrowska", "Leszek Dąbrowski", "ul. Długa 20"), filled
    )
    _to_chair(teacher, procedure, nka, working_days_ago(138))
    _to_group(users, procedure, working_days_ago(137), working_days_ago(136))
    _meetings(users, procedure, working_days_ago(133), plan=_plan(working_days_ago(80)))
    suspect = procedure.participants.get(role="suspect").person
    referral = services.referral_record(
        actor=chair,
        procedure_id=procedure.pk,
        person_id=suspect.pk,
        programme=Referral.Programme.THERAPEUTIC,
        provider="Poradnia Leczenia Uzależnień w Przykładowie",
        referred_on=working_days_ago(130),
        received_on=working_days_ago(129),
    )
    services.referral_certificate_record(
        actor=chair,
        referral_id=referral.pk,
        certificate="reported",
        received_on=working_days_ago(120),
    )
    services.referral_certificate_record(
        actor=chair,
        referral_id=referral.pk,
        certificate="completed",
        received_on=working_days_ago(75),
    )
    for item in procedure.help_plan_items.all():
        services.help_plan_item_set_status(
            actor=social_worker, item_id=item.pk, status=HelpPlanItem.Status.DONE
        )
    services.procedure_close(
        actor=social_worker,
        procedure_id=procedure.pk,
        ground=ClosureGround.VIOLENCE_STOPPED,
        closed_on=working_days_ago(70),
        summary="Plan pomocy zrealizowany; sprawca ukończył program; przemoc ustała.",
    )
    services.monitoring_note_add(
        actor=social_worker,
        procedure_id=procedure.pk,
        visited_on=working_days_ago(40),
        note="Wizyta monitorująca po zakończeniu procedury; bez niepokojących sygnałów.",
    )
    services.post_closure_monitoring_end(actor=social_worker, procedure_id=procedure.pk)

    # 10. Closed on ground 2 (no grounds for action); monitoring after closure runs.
    filled = working_days_ago(45)
    procedure, nka = _initiate(
        nurse, _family("Janina Kubiak", "Marian Kubiak", "ul. Kwiatowa 8"), filled
    )
    _to_chair(nurse, procedure, nka, working_days_ago(44))
    _to_group(users, procedure, working_days_ago(43), working_days_ago(42))
    _meetings(users, procedure, working_days_ago(40), plan=_plan(working_days_ago(20)))
    services.procedure_close(
        actor=social_worker,
        procedure_id=procedure.pk,
        ground=ClosureGround.NO_GROUNDS,
        closed_on=working_days_ago(10),
        summary="Po rozmowach z rodziną nie stwierdzono zasadności podejmowania działań.",
    )
    services.monitoring_note_add(
        actor=social_worker,
        procedure_id=procedure.pk,
        visited_on=working_days_ago(2),
        note="Rozmowa telefoniczna z rodziną; sytuacja stabilna.",
    )
