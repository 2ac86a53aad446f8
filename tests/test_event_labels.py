"""Every action the code base writes to the audit has a Polish name (``audit.labels``).

The action codes are read from the source: string constants given as ``action=``/``event=``
(of ``log_event``, ``log_read``, ``step``), assigned to ``action``/``event``/``s.event``,
passed to the centre's ``seen()`` or ``read=(...)``, or listed in ``LOGGED``. Codes built
by an f-string come in known families, each checked with its own list; a new family fails
``test_the_families_of_built_codes_are_known`` until it is added here.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.utils import translation

from audit import admin_changes
from audit.labels import EVENT_LABELS, event_label, has_label
from workflows import corrections
from workflows.services.actions import CERTIFICATES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "accounts",
    "audit",
    "centre",
    "core",
    "documents",
    "forms",
    "oik_site",
    "oversight",
    "people",
    "workflows",
)


def _is_code(value: object) -> bool:
    if not isinstance(value, str) or "." not in value:
        return False
    return all(
        part.strip("_") == part and part.replace("_", "a").isalpha() and part.islower()
        for part in value.split(".")
    )


def _strings(node: ast.AST) -> tuple[set[str], set[str]]:
    """The action codes in ``node`` and the f-strings (their source) that build one."""
    codes, built = set(), set()
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and _is_code(child.value):
            codes.add(child.value)
        elif isinstance(child, ast.JoinedStr):
            built.add(ast.unparse(child))
    return codes, built


def written_actions() -> tuple[set[str], set[str]]:
    codes: set[str] = set()
    built: set[str] = set()

    def take(node):
        found, fstrings = _strings(node)
        codes.update(found)
        built.update(fstrings)

    for package in SOURCES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg in ("action", "event"):
                            take(keyword.value)
                        elif keyword.arg == "read" and isinstance(keyword.value, ast.Tuple):
                            take(keyword.value.elts[0])
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    if name == "seen" and len(node.args) > 1:
                        take(node.args[1])
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        name = getattr(target, "id", getattr(target, "attr", ""))
                        if name in ("action", "event", "LOGGED"):
                            take(node.value)
    return codes, built


def test_the_scan_finds_the_actions_it_should():
    codes, _built = written_actions()
    assert {
        "procedure.initiated",  # a variable's ternary
        "task.cancelled",  # LOGGED
        "deadline.met_late",  # a keyword's ternary
        "centre.hostel_viewed",  # seen()
        "centre.admission_form_viewed",  # read=(...)
        "group.appointed",  # step(event=...)
    } <= codes


def test_every_written_action_has_a_label():
    codes, _built = written_actions()
    assert sorted(code for code in codes if not has_label(code)) == []


def test_the_families_of_built_codes_are_known():
    _codes, built = written_actions()
    # ``admin.<model>.<verb>`` is built in audit.admin_changes._action: checked below.
    assert built == {
        "f'referral.{certificate}'",
        "f'{kind.event}{action}'",
    }


def test_every_built_code_has_a_label():
    built = [f"referral.{certificate}" for certificate in CERTIFICATES]
    built += [
        f"{kind.event}{verb}"
        for kind in corrections.KINDS.values()
        for verb in ("corrected", "withdrawn")
    ]
    built += [
        f"admin.{apps.get_model(label)._meta.model_name}.{verb}"
        for label in admin_changes.TRACKED
        for verb in ("created", "changed", "deleted")
    ]
    assert [code for code in built if not has_label(code)] == []


def test_labels_are_polish_and_never_the_code():
    with translation.override("pl"):
        for code in EVENT_LABELS:
            assert event_label(code) != code
        assert event_label("admin.teammember.changed").startswith("administracja:")
    assert event_label("no.such_code") == "no.such_code"


class TestTheDemoHistoryReads:
    """Every event of the seeded demo, as the timeline describes it in Polish: each payload
    key has its name, and no stored choice code is shown as it is stored."""

    def test_every_payload_key_has_a_name_and_no_code_shows(self, demo_seeded_once, db):
        from audit.models import AuditEvent
        from oversight.readable import KEY_LABELS, describe
        from tests.test_no_codes import choice_codes

        events = list(AuditEvent.objects.select_related("actor"))
        unnamed = {
            (event.action, key)
            for event in events
            if isinstance(event.payload, dict)
            for key in event.payload
            if key not in KEY_LABELS
        }
        assert not unnamed, sorted(unnamed)
        codes = choice_codes()
        with translation.override("pl"):
            describe(events)
        shown = [
            (event.action, name, value)
            for event in events
            for name, value in event.details
            if value in codes
        ]
        assert not shown, shown[:10]
