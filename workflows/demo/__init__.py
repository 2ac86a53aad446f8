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

from workflows import calendar
from workflows.models import Municipality, Profession, Sector, TeamMember

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
    _Persona(
        "wychowawczyni",
        "Halina",
        "Klasowa",
        Sector.EDUCATION,
        Profession.TEACHER,
        "Szkoła Podstawowa nr 2 w Przykładowie",
        "wychowawczyni klasy, w grupie spoza zespołu (widzi tylko sprawę swojej grupy)",
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
        users = team.people_and_team()
    from workflows.demo.cases import CASES

    build.reset()
    for seed_case in CASES:
        seed_case(users)
    demo_seeded.send(
        sender=Login,
        municipality=Municipality.objects.get(teryt=DEMO_TERYT),
        password=DEMO_PASSWORD,
        pesel=build.pesel,
    )
    return True, logins()


# --------------------------------------------------------------------------- the team


from workflows.demo import build, team  # noqa: E402 - they use the names above
