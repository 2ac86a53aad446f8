"""The record of pages per step the browser journeys are held to (tests/browser/usability.py)."""

import json

import pytest

from tests.browser.usability import BEGIN, END, Recorder, Step


def step(pages: int, *, name: str = "NK-A filled", clicks: int = 5) -> Step:
    return Step("closure-ground-1", name, "nauczyciel", pages, clicks, 0)


@pytest.fixture
def record(tmp_path):
    path = tmp_path / "usability-metrics.json"
    table = tmp_path / "usability.md"
    table.write_text(f"# Usability\n\nWritten by hand.\n\n{BEGIN}\nold\n{END}\n\nAfter.\n")
    Recorder(path, table).finish()  # nothing measured: nothing written
    assert not path.exists()
    first = Recorder(path, table)
    first.record(step(6))
    first.finish()
    return path, table


def test_a_step_taking_more_pages_than_recorded_fails(record, monkeypatch):
    monkeypatch.delenv("UPDATE_USABILITY", raising=False)
    recorder = Recorder(*record)

    with pytest.raises(AssertionError, match="now takes 7 pages, the record .* allows 6"):
        recorder.record(step(7))


def test_as_many_or_fewer_pages_pass_and_leave_the_record_as_it_was(record, monkeypatch):
    monkeypatch.delenv("UPDATE_USABILITY", raising=False)
    path, table = record
    before = path.read_text()
    recorder = Recorder(path, table)

    recorder.record(step(6, clicks=9))
    recorder.record(step(5))
    recorder.finish()

    assert path.read_text() == before


def test_a_new_step_is_added_to_the_record_and_the_table(record, monkeypatch):
    monkeypatch.delenv("UPDATE_USABILITY", raising=False)
    path, table = record
    recorder = Recorder(path, table)

    recorder.record(step(3, name="group appointed"))
    recorder.finish()

    steps = json.loads(path.read_text())["steps"]
    assert [(row["step"], row["pages"]) for row in steps] == [
        ("NK-A filled", 6),
        ("group appointed", 3),
    ]
    text = table.read_text()
    assert "| group appointed | nauczyciel | 3 | 5 |" in text
    assert "| **Total** | | **9** | **10** |" in text
    assert "| *Before (issue 14)* | | *38* | *45* | |" in text
    assert text.startswith("# Usability\n\nWritten by hand.") and text.endswith("After.\n")
    assert "old" not in text


def test_update_usability_rewrites_the_record_with_this_run(record, monkeypatch):
    monkeypatch.setenv("UPDATE_USABILITY", "1")
    path, table = record
    recorder = Recorder(path, table)

    recorder.record(step(9))
    recorder.finish()

    assert json.loads(path.read_text())["steps"][0]["pages"] == 9
    assert "| NK-A filled | nauczyciel | 9 | 5 |" in table.read_text()
