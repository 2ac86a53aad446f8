"""Issue 13 item 4, through the pages: an NK-A filled without the suspect. The 2023 edition
gives the group 3 working days from the card to notify the suspect of the initiation: the
deadline is in the inbox with its due date (a Friday start over 11 November, a start before
24 December), the notice is recorded, its document exists and the deadline is met. A 2011
case has no such deadline and is never reported late for it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentJob, DocumentKind
from forms.models import NKA
from tests.conftest import use_language
from tests.test_web_scenario import _d, nka_post_data, step
from workflows import selectors
from workflows.idempotency import issue_token
from workflows.models import Deadline, Procedure, SuspectNotice
from workflows.rules import Edition, RuleCode

pytestmark = pytest.mark.django_db


def _file_on(client, world, monkeypatch, moment: datetime.datetime, **fields) -> Procedure:
    """The teacher files an NK-A through the page as if it were ``moment``."""
    day = timezone.localtime(moment).date()
    client.force_login(world.teacher)
    with monkeypatch.context() as frozen:
        frozen.setattr(timezone, "now", lambda: moment)
        response = client.post(
            reverse("workflows:nka_create"),
            nka_post_data(incident_date=(day - datetime.timedelta(days=1)).isoformat(), **fields),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Procedure.objects.latest("id")


def _notice_deadline(procedure) -> Deadline:
    return Deadline.objects.get(procedure=procedure, rule=RuleCode.SUSPECT_NOTICE)


FRIDAY = datetime.datetime(2026, 11, 6, 11, 0, tzinfo=datetime.UTC)  # 11 Nov: a holiday
# A Tuesday; 24 December is a public holiday from 2025. (A moment in the past: the test
# client's session would have expired in the future.)
BEFORE_CHRISTMAS = datetime.datetime(2025, 12, 23, 11, 0, tzinfo=datetime.UTC)


def test_the_notice_deadline_is_in_the_inbox_and_met_by_the_notice(client, world, monkeypatch):
    procedure = _file_on(client, world, monkeypatch, FRIDAY, suspect_present="False")
    assert NKA.objects.get(procedure=procedure).suspect_present is False
    deadline = _notice_deadline(procedure)
    # Friday 6 Nov + 3 working days: Mon 9, Tue 10, (Wed 11 Nov a holiday) Thu 12.
    assert (deadline.starts_on, deadline.due_on) == (
        datetime.date(2026, 11, 6),
        datetime.date(2026, 11, 12),
    )

    client.force_login(world.chair)
    use_language(client, "pl")
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert 'id="suspect-notices"' in inbox and "12.11.2026" in inbox
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert 'id="suspect-notice"' in page

    suspect = procedure.participants.get(role="suspect").person
    url = reverse("workflows:suspect_notice", args=[procedure.pk])
    # A notice dated before the card is refused, nothing written.
    refused = client.post(
        url,
        {"person": suspect.pk, "sent_on": "2026-11-05", "how": "list", "form_token": issue_token()},
    )
    assert refused.status_code == 200
    assert "Zawiadomienie nie może poprzedzać NK-A." in refused.content.decode()
    assert not SuspectNotice.objects.exists()

    step(
        client,
        "suspect_notice",
        procedure,
        {"person": suspect.pk, "sent_on": _d(0), "how": "list polecony"},
    )
    notice = SuspectNotice.objects.get(procedure=procedure)
    assert notice.suspect == suspect
    deadline.refresh_from_db()
    assert deadline.met_on == datetime.date.today()
    job = DocumentJob.objects.get(
        procedure=procedure,
        kind=DocumentKind.INITIATION_NOTICE,
        subject=f"suspect_notice:{notice.pk}",
    )
    assert job.snapshot["data"]["absent_at_initiation"] is True
    # The printed NK-A says the suspect was not there.
    nka_job = DocumentJob.objects.get(procedure=procedure, kind=DocumentKind.NKA)
    assert nka_job.snapshot["data"]["suspect_present"] == "nie"

    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert 'id="suspect-notices"' not in inbox
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert 'id="suspect-notice"' not in page


def test_the_notice_deadline_skips_24_december(client, world, monkeypatch):
    procedure = _file_on(client, world, monkeypatch, BEFORE_CHRISTMAS, suspect_present="False")
    # Tue 23 Dec 2025 + 3 working days: (24, 25, 26 holidays, 27–28 weekend) Mon 29, Tue 30,
    # Wed 31. Without the 24th as a holiday it would have been Tue 30.
    assert _notice_deadline(procedure).due_on == datetime.date(2025, 12, 31)


def test_a_suspect_present_at_filling_opens_no_notice(client, world, monkeypatch):
    procedure = _file_on(client, world, monkeypatch, FRIDAY)
    assert NKA.objects.get(procedure=procedure).suspect_present is True
    assert not Deadline.objects.filter(procedure=procedure, rule=RuleCode.SUSPECT_NOTICE).exists()


def test_a_2011_case_has_no_notice_deadline_and_is_never_late_for_it(client, world, monkeypatch):
    moment = datetime.datetime(2023, 5, 5, 11, 0, tzinfo=datetime.UTC)
    procedure = _file_on(client, world, monkeypatch, moment, suspect_present="False")
    assert procedure.edition == Edition.E2011
    assert NKA.objects.get(procedure=procedure).suspect_present is False
    assert not Deadline.objects.filter(procedure=procedure, rule=RuleCode.SUSPECT_NOTICE).exists()

    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert 'id="suspect-notices"' not in inbox
    overdue = selectors.deadlines_due(user=world.chair)["overdue"]
    assert all(d.rule != RuleCode.SUSPECT_NOTICE for d in overdue)
    page = client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).content.decode()
    assert 'id="suspect-notice"' not in page
