"""Correcting the NK-A's presence fields (§ 2 ust. 5–6 of Dz.U. 2023 poz. 1870), through the
correction page: whether the adult victim was present, why not, and the day contact was made
are corrected by a new version of the card, held to the same rules as at filing."""

import datetime

import pytest
from django.urls import reverse

from documents.models import Document, DocumentKind
from forms.models import NKA, VictimAbsenceReason, VictimPresence
from tests.scenarios import drive
from workflows import calendar
from workflows.idempotency import issue_token
from workflows.models import Stage

pytestmark = pytest.mark.django_db

TODAY = calendar.legal_date()


def _correct_url(procedure, nka) -> str:
    return reverse("workflows:record_correct", args=[procedure.pk, "nka", nka.pk])


def _form_data(client, procedure, nka, **changes) -> dict:
    """The correction form as the page fills it, with ``changes`` typed over it."""
    form = client.get(_correct_url(procedure, nka)).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    for name in ("incident_date", "victim_contact_on"):
        if isinstance(data.get(name), datetime.date):
            data[name] = data[name].isoformat()
    data.update(reason="Osoba nie była obecna przy wypełnianiu karty.", form_token=issue_token())
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_chair_corrects_the_presence_fields_and_the_new_version_shows_them(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.INITIATED)
    old = procedure.nka_forms.get()
    assert old.victim_presence == VictimPresence.PRESENT
    client.force_login(world.chair)
    page = client.get(_correct_url(procedure, old)).content.decode()
    for name in ("victim_presence", "victim_absence_reason", "victim_contact_on"):
        assert f'name="{name}"' in page

    contact = old.incident_date + datetime.timedelta(days=1)
    data = _form_data(
        client,
        procedure,
        old,
        victim_presence=VictimPresence.ABSENT,
        victim_absence_reason=VictimAbsenceReason.HEALTH,
        victim_contact_on=contact.isoformat(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_correct_url(procedure, old), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    new = NKA.objects.get(corrects=old)
    assert (new.victim_presence, new.victim_absence_reason, new.victim_contact_on) == (
        VictimPresence.ABSENT,
        VictimAbsenceReason.HEALTH,
        contact,
    )
    shown = client.get(
        reverse("workflows:nka_detail", args=[procedure.pk, new.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert str(VictimPresence.ABSENT.label) in shown
    assert str(VictimAbsenceReason.HEALTH.label) in shown
    assert f"{contact:%d.%m.%Y}" in shown  # dd.mm.rrrr in English mode too
    # The new version of the NK-A document carries them.
    version = Document.objects.get(procedure=procedure, kind=DocumentKind.NKA, version=2)
    assert version.subject == f"nka:{new.pk}"
    data = version.snapshot["data"]
    assert data["victim_absent"] is True
    assert data["victim_contact_on"] and data["victim_absence_reason"]
    assert (
        data["victim_contact_on"]
        != Document.objects.get(procedure=procedure, kind=DocumentKind.NKA, version=1).snapshot[
            "data"
        ]["victim_contact_on"]
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # Absent without a reason.
        ({"victim_presence": "absent", "victim_absence_reason": ""}, "victim_absence_reason"),
        # A contact day while present.
        ({"victim_contact_on": "__incident__"}, "victim_contact_on"),
        # A reason while present.
        ({"victim_absence_reason": "danger"}, "victim_absence_reason"),
        # Contact before the incident.
        (
            {"victim_presence": "absent", "victim_absence_reason": "absence"},
            "victim_contact_on",
        ),
        # Contact in the future.
        (
            {"victim_presence": "absent", "victim_absence_reason": "absence"},
            "victim_contact_on+",
        ),
        # "No adult victim" on a card that lists one.
        ({"victim_presence": "no_adult_victim"}, "victim_presence"),
    ],
)
def test_a_correction_breaking_the_presence_rules_writes_nothing(client, world, changes, field):
    procedure = drive(world, to=Stage.INITIATED)
    old = procedure.nka_forms.get()
    client.force_login(world.chair)
    changes = dict(changes)
    if changes.get("victim_contact_on") == "__incident__":
        changes["victim_contact_on"] = old.incident_date.isoformat()
    if field == "victim_contact_on" and "victim_contact_on" not in changes:
        changes["victim_contact_on"] = (old.incident_date - datetime.timedelta(1)).isoformat()
    if field == "victim_contact_on+":
        field = "victim_contact_on"
        changes["victim_contact_on"] = (TODAY + datetime.timedelta(1)).isoformat()
    data = _form_data(client, procedure, old, **changes)

    response = client.post(_correct_url(procedure, old), data)

    assert response.status_code == 200
    # The message sits with the field: between its label and the next field's.
    block = response.content.decode().split(f'for="id_{field}"')[1].split("<label")[0]
    assert 'class="errorlist' in block, block
    assert list(NKA.objects.all()) == [old]
