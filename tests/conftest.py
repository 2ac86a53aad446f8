"""Persona fixtures: the people of one municipality and an outsider from another.

- ``chair``: chairs the team of Gmina Testowo;
- ``social_worker``, ``police_officer``, ``oik_psychologist``: team members who sit in groups;
- ``teacher``: initiates NK-A, not a team member;
- ``auditor``: the voivode's inspector for that municipality;
- ``outsider``: a social worker of another municipality's team.
"""

import datetime
import os
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import settings as hypothesis_settings

from forms.models import NKA, NKC, HelpPlanItem, NKAPerson
from tests.factories import (
    AuditorScopeFactory,
    MunicipalityFactory,
    ProfessionalFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
    synthetic_pesel,
)
from workflows import demo
from workflows.models import Profession, Sector, TeamMember


@dataclass
class World:
    team: object
    chair: object
    social_worker: object
    police_officer: object
    oik_psychologist: object
    teacher: object
    auditor: object
    outsider: object

    def professional(self, user):
        return user.professional


def _professional(municipality, username, first, last, sector, profession, institution):
    user = UserFactory(username=username, first_name=first, last_name=last)
    ProfessionalFactory(
        user=user,
        municipality=municipality,
        sector=sector,
        profession=profession,
        institution=institution,
    )
    return user


# Hostile-input examples per form (tests/test_fuzz.py). ``make test`` posts a few to every
# form; the full run posts many more with the same strategies:
#   HYPOTHESIS_PROFILE=full make test
#   .venv/bin/python -m pytest --hypothesis-profile=full tests/test_fuzz.py
# CI replays the same examples every run (a red build must be reproducible); locally
# hypothesis explores new ones each time and remembers failures in .hypothesis/.
FUZZ_EXAMPLES = 8
hypothesis_settings.register_profile("dev", max_examples=FUZZ_EXAMPLES)
hypothesis_settings.register_profile(
    "ci", max_examples=FUZZ_EXAMPLES, derandomize=True, print_blob=True
)
hypothesis_settings.register_profile("full", max_examples=200)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Django's default PBKDF2 takes about half a second per password on this machine, and
    every persona has one: tests hash with MD5 (never acceptable outside tests)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters (sign-in, verification) live in the cache: none carry over."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A test that flushes the database (``transaction=True``) empties django_content_type
    and the next one recreates it with new ids; viewflow stores a task's permission object
    by content type, so the cached ids of the flushed table must not carry over (on
    PostgreSQL the foreign key refuses them)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Stored PDFs go to a temporary folder, never the developer's .local/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    """Each test's audit checkpoints go to its own folder, never the developer's .local/."""
    settings.OIK_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


FAKE_PDF_MAGIC = b"%PDF-1.7\n% fake renderer (tests/conftest.py)\n"


def _fake_html_to_pdf(html: str, *, document_stylesheet: bool = False) -> tuple[bytes, int]:
    """A stand-in for WeasyPrint: the template is still rendered (so a template error still
    fails the test) but no layout is done. The bytes carry the HTML, so a test can still
    look for a text; only tests marked ``real_pdf`` read a real PDF."""
    return FAKE_PDF_MAGIC + html.encode(), 1


@pytest.fixture(autouse=True)
def _renderer(request, monkeypatch):
    """Tests not about documents use the fake renderer: WeasyPrint costs 50–100 ms per
    document and most steps make several. ``tests/test_documents.py`` and tests marked
    ``real_pdf`` render for real."""
    if request.node.get_closest_marker("real_pdf") or request.module.__name__.endswith(
        "test_documents"
    ):
        return
    monkeypatch.setattr("documents.render.html_to_pdf", _fake_html_to_pdf)
    # Whatever reaches WeasyPrint around the fake (a module that bound ``html_to_pdf`` by
    # name at import, a new renderer) fails loudly instead of slowing the suite down.
    monkeypatch.setattr("weasyprint.HTML.render", _weasyprint_outside_document_tests)


def _weasyprint_outside_document_tests(*args, **kwargs):
    raise AssertionError(
        "WeasyPrint rendered in a test not marked real_pdf: call documents.render.html_to_pdf "
        "through its module (the tests replace it) or mark the test real_pdf"
    )


@pytest.fixture(scope="class")
def demo_seeded_once(django_db_setup, django_db_blocker):
    """The demo data, seeded once for a class of tests that only read it (seeding takes
    seconds). It is written inside a transaction that stays open for the class; each test
    runs in a savepoint within it, and the whole seed is rolled back when the class ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        created, logins = demo.seed()
        yield created, logins
        transaction.set_rollback(True)


@pytest.fixture
def world(db) -> World:
    municipality = MunicipalityFactory(name="Gmina Testowo", teryt="0612345")
    team = TeamFactory(municipality=municipality)
    chair = _professional(
        municipality,
        "chair",
        "Barbara",
        "Nowak",
        Sector.SOCIAL_ASSISTANCE,
        Profession.SOCIAL_WORKER,
        "OPS Testowo",
    )
    social_worker = _professional(
        municipality,
        "social_worker",
        "Ewa",
        "Zielińska",
        Sector.SOCIAL_ASSISTANCE,
        Profession.SOCIAL_WORKER,
        "OPS Testowo",
    )
    police_officer = _professional(
        municipality,
        "police_officer",
        "Tomasz",
        "Wróbel",
        Sector.POLICE,
        Profession.POLICE_OFFICER,
        "KPP Testowo",
    )
    oik_psychologist = _professional(
        municipality,
        "oik_psychologist",
        "Joanna",
        "Mazur",
        Sector.CRISIS_CENTRE,
        Profession.PSYCHOLOGIST,
        "OIK Testowo",
    )
    teacher = _professional(
        municipality,
        "teacher",
        "Krzysztof",
        "Lis",
        Sector.EDUCATION,
        Profession.TEACHER,
        "Szkoła Podstawowa nr 1",
    )
    TeamMemberFactory(team=team, professional=chair.professional, role=TeamMember.Role.CHAIR)
    for user in (social_worker, police_officer, oik_psychologist):
        TeamMemberFactory(team=team, professional=user.professional)
    other = TeamFactory(municipality=MunicipalityFactory(name="Gmina Obca", teryt="0699999"))
    outsider = _professional(
        other.municipality,
        "outsider",
        "Olga",
        "Obca",
        Sector.SOCIAL_ASSISTANCE,
        Profession.SOCIAL_WORKER,
        "OPS Obca",
    )
    TeamMemberFactory(team=other, professional=outsider.professional)
    auditor = UserFactory(username="auditor", first_name="Irena", last_name="Kontrolna")
    AuditorScopeFactory(user=auditor, municipality=municipality)
    return World(
        team, chair, social_worker, police_officer, oik_psychologist, teacher, auditor, outsider
    )


def nka_input(*, incident_date=None, victim_pesel=None, suspect_pesel=None, **overrides):
    """A complete, valid NK-A with one victim, one suspect and a child of the household
    (not a victim), as the keyword
    arguments of ``procedure_initiate``: the unsaved ``card`` and its ``people``."""
    incident_date = incident_date or datetime.date.today() - datetime.timedelta(days=1)
    people = [
        NKAPerson(
            first_name="Żaneta",
            last_name="Łęcka-Ćwik",
            role="victim",
            pesel=victim_pesel or synthetic_pesel(datetime.date(1988, 5, 17), "F"),
            address="ul. Polna 3/4, 00-001 Testowo",
            phone="600100200",
            relation="żona",
        ),
        NKAPerson(
            first_name="Marek",
            last_name="Ćwik",
            role="suspect",
            pesel=suspect_pesel or synthetic_pesel(datetime.date(1984, 2, 2), "M"),
            relation="mąż",
        ),
        NKAPerson(
            first_name="Zosia",
            last_name="Ćwik",
            # A child of the household, not a victim: the default case has one victim and
            # one suspect (a minor victim needs their own NK-C: tests/test_scenario_many_people).
            role="child",
            pesel=synthetic_pesel(datetime.date(2015, 9, 1), "F"),
            relation="córka",
            school="SP 1, klasa 5b",
        ),
    ]
    values = dict(
        place="Testowo",
        incident_date=incident_date,
        incident_place="mieszkanie przy ul. Polnej",
        incident_description="Awantura domowa, szarpanie.",
        violence_forms=["physical", "psychological"],
        nkb_handed=True,
        nkb_handed_to="Żaneta Łęcka-Ćwik",
        police_called=True,
    )
    values.update(overrides)
    return {"card": NKA(**values), "people": people}


def nkc_input(**overrides) -> NKC:
    """A complete, valid NK-C (unsaved), with short answers."""
    values = dict(
        situation="s",
        first_act="f",
        last_act="l",
        needs="n",
        risk_assessment="r",
        safety_how_to_act="112",
    )
    values.update(overrides)
    return NKC(**values)


def plan_item(
    due_on: datetime.date, form_of_help="psychological", action="konsultacje", responsible="OIK"
) -> HelpPlanItem:
    """One action of the individual help plan (unsaved)."""
    return HelpPlanItem(
        form_of_help=form_of_help, action=action, responsible=responsible, due_on=due_on
    )


@pytest.fixture
def make_nka():
    return nka_input


def use_language(client, language: str) -> None:
    """Switch ``client`` to ``language`` the way a user does (the language switch's cookie);
    the browser's Accept-Language is ignored: the interface is Polish by default."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
