"""No choice *code* reaches a Polish page: every page of a whole case is scanned for them.

A case is walked through the web views as its users would (tests/test_web_scenario.py), and
every page of it (the case, the NK-A, the card, each step form, the inbox, the dashboard,
the list, the timeline, the correction forms) is read in Polish. The visible text (tags,
attribute values and URLs stripped) must not contain the code of any choice of the models
of ``forms``, ``workflows`` and ``people``: a code is what the database stores
(``psychological``, ``correctional_educational``), never what a user reads.
"""

import re
from html.parser import HTMLParser
from pprint import pformat

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from audit.labels import EVENT_LABELS
from audit.models import AuditEvent
from forms.models import NKA, HelpPlanItem
from tests.test_web_scenario import _d, drive_to_actions, nka_post_data, step
from workflows.models import Meeting, Procedure, Referral

APPS = ("nkforms", "workflows", "people")
# Codes that are also words or names a Polish page may legitimately show.
ORDINARY = {"NK-A", "NK-B", "NK-C", "NK-D", "PESEL"}


class _Text(HTMLParser):
    """The text a reader sees: no tags, no attribute values, no script or style."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def choice_codes() -> dict[str, str]:
    """Every choice code of the models of ``APPS`` that differs from its Polish label."""
    codes: dict[str, str] = {}
    with translation.override("pl"):
        for label in APPS:
            for model in apps.get_app_config(label).get_models():
                for field in model._meta.get_fields():
                    for value, name in getattr(field, "flatchoices", None) or ():
                        code = str(value)
                        # A code of digits (an edition's year) reads as a number in text.
                        if len(code) < 3 or code in ORDINARY or code == str(name):
                            continue
                        if code.isdigit():
                            continue
                        codes[code] = f"{model.__name__}.{field.name}"
    return codes


def event_codes() -> dict[str, str]:
    """The audit's action codes (every labelled one and every one written so far) and the
    roles its events store besides choice codes: never shown on an auditor's page."""
    codes = dict.fromkeys(EVENT_LABELS, "audit action")
    codes.update(
        (code, "audit action")
        for code in AuditEvent.objects.values_list("action", flat=True).distinct()
    )
    codes["auditor"] = "AuditEvent.actor_role"
    return codes


# A payload printed as stored: ``{'nka': 3`` or ``"kind": "nka"``.
PAYLOAD = re.compile(r"""[{,]\s*['"]\w+['"]\s*:""")


def codes_on(html: str, codes: dict[str, str]) -> list[str]:
    text = visible_text(html)
    found = []
    for code, where in codes.items():
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            found.append(f"{code} ({where})")
    if match := PAYLOAD.search(text):
        found.append(f"{match.group()} (a stored payload)")
    return found


class Pages:
    """GETs pages as one user, in Polish, and collects the codes each shows."""

    def __init__(self, client):
        self.client = client
        self.codes = choice_codes()
        self.findings: dict[str, list[str]] = {}
        self.seen = 0

    def read(self, url: str) -> None:
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
        assert response.status_code == 200, (url, response.status_code)
        self.seen += 1
        found = codes_on(response.content.decode(), self.codes)
        if found:
            self.findings[url] = found

    def audit(self, procedure: Procedure, person) -> None:
        """The auditors' pages: the timeline, who saw ``person``, the compliance report."""
        self.codes.update(event_codes())
        self.read(reverse("audit:timeline", args=[procedure.pk]))
        self.read(reverse("audit:timeline", args=[procedure.pk]) + "?kind=task")
        self.read(reverse("audit:person_accesses", args=[person.pk]))
        self.read(reverse("audit:compliance") + "?from=2000-01-01&to=2100-01-01")
        for state in ("on_time", "late", "open", "overdue"):
            self.read(
                reverse("audit:compliance_cases")
                + f"?from=2000-01-01&to=2100-01-01&rule=first_meeting&state={state}"
            )
        self.read(reverse("audit:timeliness") + "?from=2000-01-01&to=2100-01-01")
        for figure in ("group", "meeting", "missed", "late", "lapsed", "repeat"):
            self.read(
                reverse("audit:timeliness_cases")
                + f"?from=2000-01-01&to=2100-01-01&figure={figure}"
            )

    def case(self, procedure: Procedure, *step_names: str, **kwargs) -> None:
        case_page = reverse("workflows:procedure_detail", args=[procedure.pk])
        for tab in ("", "?tab=all"):  # the summary and every section at once
            self.read(case_page + tab)
        for nka in NKA.objects.filter(procedure=procedure):
            self.read(reverse("workflows:nka_detail", args=[procedure.pk, nka.pk]))
        for name in step_names:
            self.read(reverse(f"workflows:{name}", kwargs={"pk": procedure.pk, **kwargs}))
        for name in ("inbox", "dashboard", "procedure_list"):
            self.read(reverse(f"workflows:{name}"))


def test_the_code_list_knows_the_codes_that_were_shown():
    codes = choice_codes()
    assert {"psychological", "correctional_educational", "victim", "no_grounds"} <= set(codes)


def test_visible_text_ignores_attributes_and_urls():
    html = '<a href="/x/psychological/" title="victim">Ofiara</a><script>"physical"</script>'
    assert visible_text(html).strip() == "Ofiara"


@pytest.mark.django_db
def test_no_choice_code_on_any_page_of_a_whole_case(client, world):
    """Walk a case from NK-A to closure and read every page at every step."""
    procedure = drive_to_actions(
        client, world, victim_meeting={"invited_on": _d(1), "safety_place": "u siostry"}
    )
    nka = NKA.objects.get(procedure=procedure)
    suspect = procedure.participants.get(role="suspect").person

    client.force_login(world.teacher)
    pages = Pages(client)
    pages.read(reverse("workflows:card_detail", args=[nka.pk]))
    pages.read(reverse("workflows:nka_create"))

    client.force_login(world.social_worker)
    pages.case(procedure, "referral_create", "notification_create")
    step(
        client,
        "referral_create",
        procedure,
        {
            "person": suspect.pk,
            "programme": Referral.Programme.THERAPEUTIC,
            "provider": "PCPR Testowo",
            "requested_on": _d(0),
            "justification": "Zadeklarował udział w programie.",
        },
    )
    referral = Referral.objects.get(procedure=procedure)
    client.force_login(world.chair)
    pages.case(procedure, "protective_order_create", "detention_notice_create")
    pages.read(
        reverse(
            "workflows:referral_decide",
            kwargs={"pk": procedure.pk, "referral_pk": referral.pk},
        )
    )
    step(
        client,
        "referral_decide",
        procedure,
        {
            "decision": "granted",
            "decided_on": _d(0),
            "decided_as": "team_resolution",
            "resolution_number": "12/2026",
            "received_on": _d(0),
        },
        referral_pk=referral.pk,
    )
    pages.read(
        reverse(
            "workflows:referral_certificate",
            kwargs={"pk": procedure.pk, "referral_pk": referral.pk},
        )
    )

    client.force_login(world.police_officer)
    for name, data in (
        (
            "protective_order_create",
            {
                "person": suspect.pk,
                "leave_home": "on",
                "home_area": "100 m",
                "no_approach": "on",
                "approach_distance_m": "50",
                "issuer": "police",
                "issued_on": _d(0),
            },
        ),
        (
            "detention_notice_create",
            {
                "person": suspect.pk,
                "kind": "pretrial_detention",
                "detained_on": _d(0),
                "notified_on": _d(0),
                "notified_by": "KPP Testowo",
            },
        ),
        (
            "notification_create",
            {
                "kind": "misdemeanour_66c",
                "addressee": "KPP Testowo",
                "requested_on": _d(0),
                "person": suspect.pk,
                "justification": "Naruszenie nakazu.",
            },
        ),
    ):
        step(client, name, procedure, data)
    notification = procedure.notifications.get()
    client.force_login(world.chair)
    for name, data in (
        (
            "notification_decide",
            {"decision": "granted", "decided_on": _d(0), "decided_as": "chair_for_team"},
        ),
        ("notification_sent", {"sent_on": _d(0)}),
    ):
        pages.read(
            reverse(
                f"workflows:{name}",
                kwargs={"pk": procedure.pk, "notification_pk": notification.pk},
            )
        )
        step(client, name, procedure, data, notification_pk=notification.pk)

    client.force_login(world.social_worker)
    step(client, "monitoring_note_create", procedure, {"visited_on": _d(0), "note": "Wizyta."})
    item = HelpPlanItem.objects.get(procedure=procedure)
    pages.case(procedure, "plan_item_add", "monitoring_note_create", "procedure_close")
    pages.read(
        reverse("workflows:plan_item_status", kwargs={"pk": procedure.pk, "item_pk": item.pk})
    )
    meeting = Meeting.objects.filter(procedure=procedure).first()
    for kind, pk in (("nka", nka.pk), ("meeting", meeting.pk)):
        for name in ("record_correct", "record_withdraw"):
            pages.read(
                reverse(
                    f"workflows:{name}",
                    kwargs={"pk": procedure.pk, "kind": kind, "record_pk": pk},
                )
            )
    step(
        client,
        "plan_item_status",
        procedure,
        {"status": "done", "status_note": "Zrealizowano."},
        item_pk=item.pk,
    )
    step(
        client,
        "procedure_close",
        procedure,
        {
            "ground": "violence_stopped",
            "closed_on": _d(0),
            "summary": "Plan zrealizowany.",
            "monitoring": "on",
        },
    )
    pages.case(procedure)

    client.force_login(world.auditor)
    pages.case(procedure)
    pages.audit(procedure, suspect)

    assert pages.seen >= 29
    assert not pages.findings, pformat(pages.findings)


def test_a_stored_payload_is_noticed():
    codes = {"procedure.initiated": "audit action"}
    assert codes_on("<td>{'nka': 3, 'people': 2}</td>", codes) == ["{'nka': (a stored payload)"]
    assert codes_on("<td>procedure.initiated</td>", codes) == ["procedure.initiated (audit action)"]
    assert codes_on("<td>NK-A nr: 3; osoby: 2</td>", codes) == []


@pytest.mark.django_db
def test_the_audit_pages_show_no_codes(client, world):
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data())
    procedure = Procedure.objects.get()
    victim = procedure.participants.get(role="victim").person
    for user in (world.auditor, world.chair):
        client.force_login(user)
        pages = Pages(client)
        pages.audit(procedure, victim)
        pages.audit(procedure, victim)  # the reads of the first visit are on the pages now
        assert not pages.findings, pformat(pages.findings)
