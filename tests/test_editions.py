"""Editions of the regulation: each declared once (workflows.rules.EditionSpec), its documents
resolved per edition, and a new edition added the way CONTRIBUTING.md says."""

import dataclasses
import datetime

import pytest

from documents import render
from documents.models import Document, DocumentKind
from tests.conftest import nka_input
from tests.scenarios import drive, granted_referral
from workflows import calendar, rules, services
from workflows.models import Deadline, Procedure, Stage
from workflows.rules import (
    DEFAULT_BASIS,
    EDITIONS,
    FORM_KINDS,
    Edition,
    EditionSpec,
    RuleCode,
    Unit,
    edition_on,
    edition_spec,
    rule,
    rule_set,
)
from workflows.snapshots import period_text

D = datetime.date


def test_every_edition_declares_everything_its_documents_need():
    assert set(DEFAULT_BASIS) == set(DocumentKind.values)
    for code, spec in EDITIONS.items():
        assert spec.code == code and len(code) <= 8
        assert set(spec.rules) | set(spec.absent) == set(RuleCode)  # absent: issue 13 item 9
        assert set(spec.annexes) == set(FORM_KINDS)
        for kind in DocumentKind.values:
            line = spec.basis(kind)
            assert line and "{" not in line, (code, kind)
        assert spec.basis("nka") == f"Załącznik nr 1 do {spec.regulation}"
        assert spec.title in spec.regulation


def test_the_declared_editions_keep_their_titles_dates_and_citations():
    assert edition_spec("2023").title == "Dz.U. 2023 poz. 1870"
    assert edition_spec(Edition.E2011).title == "Dz.U. 2011 nr 209 poz. 1245"
    assert edition_spec("2023").in_force_from == D(2023, 9, 28)
    assert "z dnia 6 września 2023 r." in edition_spec("2023").regulation
    assert edition_spec("2011").basis("closure_notice").startswith("§ 18 rozporządzenia")


def test_an_incomplete_edition_is_refused(monkeypatch):
    monkeypatch.setattr(rules, "EDITIONS", dict(EDITIONS))
    rows = _rows(Edition.E2023)[:-1]  # one rule short
    spec = _spec(rows=rows)
    with pytest.raises(ValueError, match="rules missing"):
        rules.declare(spec)
    with pytest.raises(ValueError, match="annexes"):
        rules.declare(dataclasses.replace(_spec(), annexes={"nka": 1}))
    with pytest.raises(ValueError, match="already declared"):
        rules.declare(dataclasses.replace(_spec(), code="2023"))
    assert set(rules.EDITIONS) == {"2011", "2023"}


# --------------------------------------------------------------------------- a new edition

NEW = "2026"
NEW_START = datetime.date.today() - datetime.timedelta(days=20)
NEW_CITATION = (
    "rozporządzenia Rady Ministrów z dnia 1 czerwca 2026 r. w sprawie procedury "
    "„Niebieskie Karty” oraz wzorów formularzy „Niebieska Karta” (Dz.U. 2026 poz. 999)"
)


def _rows(edition: str) -> list[tuple]:
    """The rows of an edition's rule set, as ``rule_set`` takes them."""
    return [
        (r.code, r.value, r.unit, r.counted_from, r.basis, r.confidence, r.note)
        for r in EDITIONS[edition].rules.values()
    ]


def _spec(rows: list[tuple] | None = None) -> EditionSpec:
    if rows is None:
        changed = {
            RuleCode.NKA_TO_CHAIR: (10, Unit.WORKING_DAYS),
            RuleCode.PROGRAMME_REPORT: (21, Unit.CALENDAR_DAYS),
        }
        rows = [(row[0], *changed.get(row[0], row[1:3]), *row[3:]) for row in _rows(Edition.E2023)]
    return EditionSpec(
        code=NEW,
        in_force_from=NEW_START,
        title="Dz.U. 2026 poz. 999",
        regulation=NEW_CITATION,
        rules=rule_set(NEW, *rows),
        annexes={"nka": 1, "nkb": 2, "nkc": 3, "nkd": 5},
        basis_lines={"minutes": "§ 12 ust. 3 {regulation}"},
    )


@pytest.fixture
def new_edition(monkeypatch):
    """CONTRIBUTING.md, "adding a new edition", steps 2–5: one ``EditionSpec`` declared with
    ``rules.declare``, a complete ``rule_set``, one basis line of its own, no template of its
    own (the shared ones apply). Step 1, a member of the ``Edition`` enum, is the one a test
    cannot take: nothing reads the enum to find an edition, everything reads ``EDITIONS``."""
    monkeypatch.setattr(rules, "EDITIONS", dict(EDITIONS))
    return rules.declare(_spec())


def _old_procedure(world):
    """A procedure whose NK-A was filled the day before the new edition came into force."""
    filled = datetime.datetime.combine(
        NEW_START - datetime.timedelta(days=1), datetime.time(10), tzinfo=calendar.WARSAW
    )
    data = nka_input(incident_date=NEW_START - datetime.timedelta(days=2), filled_at=filled)
    procedure, _nka, _ = services.procedure_initiate(actor=world.teacher, **data)
    return procedure


@pytest.mark.django_db
def test_a_new_edition_applies_from_its_day_and_a_procedure_keeps_its_own(
    world, new_edition, django_capture_on_commit_callbacks
):
    assert edition_on(NEW_START) == NEW
    assert edition_on(NEW_START - datetime.timedelta(days=1)) == Edition.E2023
    # The period to report is the team's setting (no statutory basis), not the edition's.
    world.team.programme_report_days = 21
    world.team.save()
    with django_capture_on_commit_callbacks(execute=True):
        old = _old_procedure(world)
        new = drive(world, to=Stage.ACTIONS)
        suspect = new.participants.get(role="suspect").person
        today = datetime.date.today()
        referral = granted_referral(
            world,
            Procedure.objects.get(pk=new.pk),
            person_id=suspect.pk,
            programme="correctional_educational",
            provider="PCPR",
            on=today,
            received_on=today,
        )
        services.procedure_close(
            actor=world.social_worker,
            procedure_id=new.pk,
            ground="no_grounds",
            closed_on=today,
            summary="Brak podstaw.",
        )
    assert old.edition == Edition.E2023 and new.edition == NEW

    # Deadlines follow each procedure's own edition.
    old_due = old.deadlines.get(rule=RuleCode.NKA_TO_CHAIR)
    assert old_due.edition == "2023"
    assert old_due.due_on == calendar.due_date(rule("nka_to_chair", "2023"), old_due.starts_on)
    new_due = new.deadlines.get(rule=RuleCode.NKA_TO_CHAIR)
    assert new_due.edition == NEW
    assert new_due.due_on == calendar.due_date(new_edition.rules["nka_to_chair"], new_due.starts_on)
    assert new_edition.rules["nka_to_chair"].value == 10
    report = Deadline.objects.get(referral=referral, rule=RuleCode.PROGRAMME_REPORT)
    assert report.edition == NEW and report.due_on >= today + datetime.timedelta(days=21)
    assert report.due_on < today + datetime.timedelta(days=25)

    # Every document of the new procedure is of the new edition and cites it.
    documents = list(Document.objects.filter(procedure=new))
    assert {d.kind for d in documents} >= {
        DocumentKind.NKA,
        DocumentKind.NKB,
        DocumentKind.NKC,
        DocumentKind.NKD,
        DocumentKind.MINUTES,
        DocumentKind.REFERRAL,
        DocumentKind.CLOSURE_PROTOCOL,
    }
    for document in documents:
        header = document.snapshot["header"]
        assert document.edition == NEW and header["edition_title"] == "Dz.U. 2026 poz. 999"
        assert header["basis"] == new_edition.basis(document.kind)
        html = render.render_html(document.kind, document.snapshot, public_id="x", version=1)
        assert "Dz.U. 2026 poz. 999" in html, document.kind
        assert "Dz.U. 2023 poz. 1870" not in html, document.kind
    by_kind = {d.kind: d for d in documents}
    assert by_kind[DocumentKind.NKD].snapshot["header"]["basis"].startswith("Załącznik nr 5 do")
    minutes = by_kind[DocumentKind.MINUTES]
    assert minutes.snapshot["header"]["basis"] == f"§ 12 ust. 3 {NEW_CITATION}"
    referral_html = render.render_html(
        DocumentKind.REFERRAL, by_kind[DocumentKind.REFERRAL].snapshot, public_id="x", version=1
    )
    assert "w terminie 21 dni od dnia otrzymania skierowania" in referral_html

    # The procedure started the day before keeps the old edition on paper as well.
    old_nka = Document.objects.get(procedure=old, kind=DocumentKind.NKA)
    assert old_nka.edition == "2023"
    assert "Dz.U. 2023 poz. 1870" in old_nka.snapshot["header"]["basis"]


@pytest.mark.django_db
def test_an_edition_s_own_template_wins_over_the_shared_one(
    world, new_edition, settings, tmp_path, django_capture_on_commit_callbacks
):
    own = tmp_path / "documents" / NEW
    own.mkdir(parents=True)
    (own / "nkb.html").write_text(
        '{% extends "documents/shared/nkb.html" %}'
        "{% block body %}<p>wzór z 2026 r.</p>{{ block.super }}{% endblock %}",
        encoding="utf-8",
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine.get("DIRS", [])]}]
    with django_capture_on_commit_callbacks(execute=True):
        old = _old_procedure(world)
        new = drive(world, to=Stage.INITIATED)
    assert render.template_names("nkb", NEW) == [
        "documents/2026/nkb.html",
        "documents/shared/nkb.html",
    ]
    for procedure, expected in ((new, True), (old, False)):
        nkb = Document.objects.get(procedure=procedure, kind=DocumentKind.NKB)
        html = render.render_html(nkb.kind, nkb.snapshot, public_id="x", version=1)
        assert ("wzór z 2026 r." in html) is expected
        assert "„Niebieska Karta – B”" in html


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1, Unit.CALENDAR_DAYS, "1 dzień"),
        (3, Unit.WORKING_DAYS, "3 dni robocze"),
        (5, Unit.WORKING_DAYS, "5 dni roboczych"),
        (14, Unit.CALENDAR_DAYS, "14 dni"),
        (22, Unit.MONTHS, "22 miesiące"),
        (12, Unit.MONTHS, "12 miesięcy"),
        (30, Unit.CALENDAR_DAYS, "30 dni"),
    ],
)
def test_a_rule_s_period_is_printed_in_polish(value, unit, expected):
    statutory = dataclasses.replace(rule("programme_report", "2023"), value=value, unit=unit)
    assert period_text(statutory) == expected
