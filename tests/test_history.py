"""The history reads as sentences naming the people (``workflows.history``): every action
has one, the whole demo history is told without a code, and the case page, the timeline,
the who-saw report, the dossier and the exports show them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from tests.conftest import FAKE_PDF_MAGIC
from tests.scenarios import drive
from tests.test_event_labels import written_actions
from tests.test_no_codes import choice_codes, codes_on, event_codes, visible_text
from workflows import corrections, history
from workflows.models import Professional, Stage
from workflows.sentences import SENTENCES
from workflows.services.actions import CERTIFICATES

# The group ``tests.scenarios.drive`` appoints, in the order of their records.
GROUP = "Ewa Zielińska, Tomasz Wróbel"


def test_every_written_action_has_a_sentence():
    codes, _built = written_actions()
    codes |= {f"referral.{certificate}" for certificate in CERTIFICATES}
    codes |= {
        f"{kind.event}{verb}"
        for kind in corrections.KINDS.values()
        for verb in ("corrected", "withdrawn")
    }
    assert sorted(code for code in codes if not history.has_sentence(code)) == []


def test_every_sentence_is_translated_and_keeps_its_placeholders():
    placeholder = re.compile(r"%\((\w+)\)s")
    for action, entry in SENTENCES.items():
        for variant in entry if isinstance(entry, tuple) else (entry,):
            with translation.override("en"):
                english = str(variant)
            with translation.override("pl"):
                polish = str(variant)
                assert polish != english or not re.search(r"[a-z]{4}", english), action
                assert sorted(placeholder.findall(polish)) == sorted(
                    placeholder.findall(english)
                ), (action, polish)


class TestTheDemoHistoryIsTold:
    """Every event of the seeded demo, told in Polish: a sentence from the table, no code, no
    stored payload, no placeholder left, and the actor named first."""

    def test_every_demo_event_has_a_sentence_without_a_code(self, demo_seeded_once, db):
        events = list(AuditEvent.objects.order_by("id"))
        assert len(events) > 300
        assert not [e.action for e in events if not history.has_sentence(e.action)]
        codes = {**choice_codes(), **event_codes()}
        with translation.override("pl"):
            history.tell(events)
        bad = [
            (event.action, event.sentence, found)
            for event in events
            if (found := codes_on(event.sentence, codes))
            or "%(" in event.sentence
            or "#" in event.sentence
        ]
        assert not bad, bad[:10]
        told = [e for e in events if e.actor_id]
        assert told and all(e.sentence.startswith(e.actor.get_full_name()) for e in told)

    def test_the_sentences_name_the_people(self, demo_seeded_once, db):
        appointed = AuditEvent.objects.filter(action="group.appointed").first()
        with translation.override("pl"):
            (event,) = history.tell([appointed])
        names = [
            p.user.get_full_name()
            for p in Professional.objects.filter(pk__in=appointed.payload["members"])
        ]
        assert len(names) == 3
        assert event.sentence.startswith(
            "Barbara Wiśniewska (przewodniczący): powołanie grupy diagnostyczno-pomocowej "
            "w składzie: "
        )
        assert all(name in event.sentence for name in names)

    def test_the_whole_demo_is_told_in_four_queries(self, demo_seeded_once, db):
        events = list(AuditEvent.objects.order_by("id"))
        with CaptureQueriesContext(connection) as told:
            history.tell(events)
        with CaptureQueriesContext(connection) as one:
            history.tell(events[:1])
        assert len(told) == len(one) == 4

    def test_english_mode_tells_in_english(self, demo_seeded_once, db):
        appointed = AuditEvent.objects.filter(action="group.appointed").first()
        with translation.override("en"):
            (event,) = history.tell([appointed])
        assert event.sentence.startswith(
            "Barbara Wiśniewska (chair): appointment of the diagnostic-support group: "
        )


def _event(action: str, at: datetime.datetime, actor=None, **fields) -> AuditEvent:
    """An unsaved event for the folding rules (the chain is not touched)."""
    event = AuditEvent(action=action, at=at, actor=actor, **fields)
    event.sentence = f"{action} by {actor}"
    return event


def test_consecutive_reads_of_one_person_fold_into_one_line():
    start = timezone.make_aware(datetime.datetime(2026, 11, 12, 10, 2))
    reads = [
        _event("procedure.viewed", start + datetime.timedelta(minutes=m), actor_id=5)
        for m in (0, 10, 20, 30, 38)
    ]
    for event in reads:
        event.sentence = "Ewa Zając (pracownik socjalny): wgląd w sprawę"
    change = _event("help_plan.item_added", start + datetime.timedelta(hours=1), actor_id=5)
    other = _event("procedure.viewed", start + datetime.timedelta(hours=2), actor_id=6)
    lines = history.collapse([*reads, change, other])
    assert [line.count for line in lines] == [5, 1, 1]
    with translation.override("pl"):
        assert lines[0].sentence == (
            "Ewa Zając (pracownik socjalny): wgląd w sprawę – 5 razy (12.11.2026 10:02–10:40)"
        )
    # Reads within one minute give the minute once.
    quick = [_event("procedure.viewed", start, actor_id=5) for _ in range(2)]
    with translation.override("pl"):
        assert history.collapse(quick)[0].sentence.endswith("– 2 razy (12.11.2026 10:02)")
    # A change is never folded, even between identical ones.
    twice = [change, _event("help_plan.item_added", start, actor_id=5)]
    twice[1].sentence = change.sentence
    assert len(history.collapse(twice)) == 2


@pytest.mark.django_db
def test_the_case_page_tells_its_history(client, world):
    procedure = drive(world, to=Stage.GROUP_APPOINTED)
    client.force_login(world.social_worker)
    response = client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=history",
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    html = response.content.decode()
    section = html[html.index('id="history"') :]
    assert (
        "Barbara Nowak (przewodniczący): powołanie grupy diagnostyczno-pomocowej w składzie: "
        + GROUP
    ) in section
    assert "Krzysztof Lis (nauczyciel): wszczęcie procedury: wypełnienie formularza NK-A" in (
        section
    )
    assert not codes_on(section, {**choice_codes(), **event_codes()})


@pytest.mark.django_db
def test_the_timeline_folds_reads_and_hides_the_payload_in_details(client, world):
    procedure = drive(world, to=Stage.GROUP_APPOINTED)
    client.force_login(world.social_worker)
    for _ in range(5):
        client.get(reverse("workflows:procedure_detail", args=[procedure.pk]))
    client.force_login(world.auditor)
    response = client.get(reverse("audit:timeline", args=[procedure.pk]), HTTP_ACCEPT_LANGUAGE="pl")
    lines = response.context["lines"]
    assert len(lines) < len(response.context["t"].events)
    (folded,) = [line for line in lines if line.count > 1]
    assert folded.count == 5
    assert folded.sentence.startswith(
        "Ewa Zielińska (pracownik socjalny): wgląd w sprawę – 5 razy ("
    )
    html = response.content.decode()
    assert folded.sentence in html
    # The stored details (an event's number, its payload in words) only inside a disclosure.
    table = html[html.index('class="timeline"') :]
    outside = re.sub(r"<details>.*?</details>", "", table, flags=re.S)
    assert "zdarzenie nr" in table and "zdarzenie nr" not in outside
    assert not codes_on(html, {**choice_codes(), **event_codes()})


@pytest.mark.django_db
def test_the_who_saw_report_tells_each_read(client, world):
    procedure = drive(world, to=Stage.GROUP_APPOINTED)
    victim = procedure.participants.get(role="victim").person
    client.force_login(world.police_officer)
    client.get(reverse("workflows:procedure_detail", args=[procedure.pk]))
    client.force_login(world.auditor)
    response = client.get(
        reverse("audit:person_accesses", args=[victim.pk]), HTTP_ACCEPT_LANGUAGE="pl"
    )
    text = visible_text(response.content.decode())
    assert "Tomasz Wróbel (policjant): wgląd w sprawę" in text


@pytest.mark.django_db
def test_the_dossier_is_a_case_file_with_the_history_told(client, world):
    procedure = drive(world, to=Stage.ACTIONS)
    client.force_login(world.auditor)
    response = client.get(reverse("audit:timeline", args=[procedure.pk]) + "?export=pdf")
    assert response.content.startswith(FAKE_PDF_MAGIC)  # the fake renderer carries the HTML
    text = " ".join(visible_text(response.content[len(FAKE_PDF_MAGIC) :].decode()).split())
    sections = [
        "1. Osoby",
        "Grupa diagnostyczno-pomocowa",
        "2. Formularze „Niebieska Karta”",
        "3. Spotkania",
        "4. Indywidualny plan pomocy",
        "5. Środki ochrony",
        "6. Terminy ustawowe",
        "7. Dokumenty",
        "8. Przebieg sprawy",
    ]
    assert [text.index(section) for section in sections] == sorted(
        text.index(section) for section in sections
    )
    victim = procedure.participants.get(role="victim").person
    assert victim.full_name in text
    assert "NK-A" in text and "NK-C" in text and "NK-D" in text and "Krzysztof Lis" in text
    for document in procedure.documents.all():
        assert document.sha256 in text
    assert f"powołanie grupy diagnostyczno-pomocowej w składzie: {GROUP}" in text
    assert not codes_on(text, {**choice_codes(), **event_codes()})


@pytest.mark.django_db
def test_the_csv_export_carries_the_sentences(client, world):
    procedure = drive(world, to=Stage.GROUP_APPOINTED)
    client.force_login(world.chair)
    response = client.get(reverse("audit:timeline", args=[procedure.pk]) + "?export=csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(";")[:4] == ["lp.", "kiedy", "zdarzenie", "opis"]
    assert f"powołanie grupy diagnostyczno-pomocowej w składzie: {GROUP}" in text


@pytest.mark.django_db
def test_the_xlsx_export_tells_the_history_on_polish_sheets(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    procedure = drive(world, to=Stage.GROUP_APPOINTED)
    client.force_login(world.auditor)
    response = client.get(reverse("audit:timeline", args=[procedure.pk]) + "?export=xlsx")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Przebieg sprawy", "Terminy", "Dokumenty"]
    rows = list(book["Przebieg sprawy"].iter_rows(values_only=True))
    assert rows[0][:3] == ("lp.", "kiedy", "opis")
    assert isinstance(rows[1][1], datetime.datetime)  # a typed cell, not a text
    told = [row[2] for row in rows[1:]]
    chair = "Barbara Nowak (przewodniczący)"
    assert f"{chair}: powołanie grupy diagnostyczno-pomocowej w składzie: {GROUP}" in told
    hashes = [row[3] for row in book["Dokumenty"].iter_rows(min_row=2, values_only=True)]
    assert sorted(hashes) == sorted(procedure.documents.values_list("sha256", flat=True))
    assert AuditEvent.objects.filter(action="timeline.exported", payload__format="xlsx").exists()
