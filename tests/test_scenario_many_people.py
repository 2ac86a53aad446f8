"""Issue 13 item 1, through the pages: a mother and two children (minor victims) with two
suspects. Each victim has their own NK-C at their own meeting (the children with the
non-suspect parent, or an adult closest person, named), each suspect their own NK-D; the
case reaches "actions" only after the last one; a later NK-A adds a victim who then needs
her own NK-C before the case can close."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import NKC, NKD, HelpPlanItem
from tests.conftest import use_language
from tests.factories import synthetic_pesel
from tests.test_web_scenario import _d, nka_post_data, open_nodes, step, transfer
from workflows.idempotency import issue_token
from workflows.models import Meeting, Procedure, Stage

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
MOTHER = synthetic_pesel(datetime.date(1988, 5, 17), "F")
OLDER = synthetic_pesel(datetime.date(TODAY.year - 10, 3, 3), "F")
YOUNGER = synthetic_pesel(datetime.date(TODAY.year - 6, 7, 7), "M")
FATHER = synthetic_pesel(datetime.date(1984, 2, 2), "M")
UNCLE = synthetic_pesel(datetime.date(1979, 9, 9), "M")
GRANDMOTHER = synthetic_pesel(datetime.date(1960, 1, 20), "F")


def _person(n: int, role: str, first: str, last: str, pesel: str, relation: str) -> dict:
    return {
        f"people-{n}-role": role,
        f"people-{n}-first_name": first,
        f"people-{n}-last_name": last,
        f"people-{n}-pesel": pesel,
        f"people-{n}-relation": relation,
    }


def _family_card() -> dict:
    return nka_post_data(
        **{
            "people-TOTAL_FORMS": "5",
            **_person(0, "victim", "Żaneta", "Łęcka-Ćwik", MOTHER, "matka"),
            **_person(1, "suspect", "Marek", "Ćwik", FATHER, "ojciec"),
            **_person(2, "minor_witness", "Zosia", "Ćwik", OLDER, "córka"),
            **_person(3, "victim", "Staś", "Ćwik", YOUNGER, "syn"),
            **_person(4, "suspect", "Jan", "Ćwik", UNCLE, "wujek"),
        }
    )


def _members(world) -> list[int]:
    return [world.social_worker.professional.pk, world.police_officer.professional.pk]


def _victim_meeting(person, members, **extra) -> dict:
    return {
        "person": person.pk,
        "held_on": _d(0),
        "place": "OPS Testowo",
        "present": members,
        "person_appeared": "on",
        "situation": "s",
        "first_act": "f",
        "last_act": "l",
        "needs": "n",
        "risk_assessment": "r",
        "safety_how_to_act": "112",
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "1",
        "plan-MAX_NUM_FORMS": "30",
        "plan-0-form_of_help": "psychological",
        "plan-0-action": f"konsultacje: {person.first_name}",
        "plan-0-responsible": "OIK Testowo",
        "plan-0-due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        **extra,
    }


def _suspect_meeting(person, members) -> dict:
    return {
        "person": person.pk,
        "held_on": _d(0),
        "place": "KPP Testowo",
        "present": members,
        "person_appeared": "on",
        "consequences_explained": "on",
        "statement": "Zaprzecza.",
    }


def _refused(client, name, procedure, data) -> str:
    """POST a form the service refuses: the page again with the message, nothing written."""
    events = AuditEvent.objects.exclude(action__endswith=".viewed").count()
    counts = (Meeting.objects.count(), NKC.objects.count(), NKD.objects.count())
    url = reverse(f"workflows:{name}", args=[procedure.pk])
    response = client.post(url, {**data, "form_token": issue_token()})
    assert response.status_code == 200
    assert AuditEvent.objects.exclude(action__endswith=".viewed").count() == events
    assert (Meeting.objects.count(), NKC.objects.count(), NKD.objects.count()) == counts
    return response.content.decode()


def _to_the_group(client, world) -> Procedure:
    client.force_login(world.teacher)
    response = client.post(reverse("workflows:nka_create"), _family_card())
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get()
    transfer(client, procedure, procedure.nka_forms.get())
    client.force_login(world.chair)
    step(
        client,
        "group_appoint",
        procedure,
        {"appointed_on": _d(0), "members": [*_members(world), world.chair.professional.pk]},
    )
    step(client, "pass_to_group", procedure, {"passed_on": _d(0)})
    assert open_nodes(procedure) == {"victim_meeting", "suspect_meeting"}
    return procedure


def _page(client, procedure) -> str:
    return client.get(
        reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=all"
    ).content.decode()


def test_each_person_has_their_own_form_and_the_case_moves_on_after_the_last(client, world):
    procedure = _to_the_group(client, world)
    people = {p.person.pesel: p.person for p in procedure.participants.select_related("person")}
    mother, older, younger = people[MOTHER], people[OLDER], people[YOUNGER]
    father, uncle = people[FATHER], people[UNCLE]
    members = _members(world)

    client.force_login(world.social_worker)
    use_language(client, "pl")
    page = _page(client, procedure)
    assert page.count("NK-C: brak") == 3 and page.count("NK-D: brak") == 2

    step(client, "victim_meeting", procedure, _victim_meeting(mother, members))
    assert procedure.stage == Stage.MEETINGS
    assert open_nodes(procedure) == {"victim_meeting", "suspect_meeting"}

    # One current NK-C per victim: the mother's second is refused, naming the correction.
    body = _refused(client, "victim_meeting", procedure, _victim_meeting(mother, members))
    assert "Żaneta Łęcka-Ćwik ma już NK-C" in body

    # A child is met with someone named: nobody, or a suspect, is refused.
    body = _refused(client, "victim_meeting", procedure, _victim_meeting(older, members))
    assert "obecnego z dzieckiem" in body
    body = _refused(
        client, "victim_meeting", procedure, _victim_meeting(older, members, companion=father.pk)
    )
    assert "Marek Ćwik jest osobą podejrzaną" in body
    body = _refused(
        client,
        "victim_meeting",
        procedure,
        _victim_meeting(older, members, companion_name="Jan  Ćwik", companion_relation="wujek"),
    )
    assert "Jan Ćwik jest osobą podejrzaną" in body

    # With the mother (not a suspect), chosen among the participants.
    step(
        client,
        "victim_meeting",
        procedure,
        _victim_meeting(older, members, companion=mother.pk, companion_relation="matka"),
    )
    meeting = NKC.objects.get(victim=older).meeting
    assert (meeting.companion, meeting.companion_name) == (mother, "Żaneta Łęcka-Ćwik")
    assert open_nodes(procedure) == {"victim_meeting", "suspect_meeting"}

    # The younger child with an adult closest person, typed.
    step(
        client,
        "victim_meeting",
        procedure,
        _victim_meeting(younger, members, companion_name="Anna Nowak", companion_relation="babcia"),
    )
    assert NKC.objects.get(victim=younger).meeting.companion_name == "Anna Nowak"
    # Every victim has an NK-C: that node is done; the suspects' is not.
    assert open_nodes(procedure) == {"suspect_meeting"}
    assert procedure.stage == Stage.MEETINGS

    client.force_login(world.police_officer)
    step(client, "suspect_meeting", procedure, _suspect_meeting(father, members[1:]))
    assert procedure.stage == Stage.MEETINGS
    body = _refused(client, "suspect_meeting", procedure, _suspect_meeting(father, members[1:]))
    assert "Marek Ćwik ma już NK-D" in body
    step(client, "suspect_meeting", procedure, _suspect_meeting(uncle, members[1:]))
    assert procedure.stage == Stage.ACTIONS
    assert open_nodes(procedure) == {"actions"}
    assert NKC.objects.filter(procedure=procedure).count() == 3
    assert NKD.objects.filter(procedure=procedure).count() == 2

    # Each plan belongs to its victim; an action added later chooses whose.
    older_nkc = NKC.objects.get(victim=older)
    step(
        client,
        "plan_item_add",
        procedure,
        {
            "nkc": older_nkc.pk,
            "plan-TOTAL_FORMS": "1",
            "plan-INITIAL_FORMS": "0",
            "plan-0-form_of_help": "psychological",
            "plan-0-action": "terapia dziecka",
            "plan-0-responsible": "Poradnia",
            "plan-0-due_on": (TODAY + datetime.timedelta(days=20)).isoformat(),
        },
    )
    assert HelpPlanItem.objects.get(action="terapia dziecka").nkc == older_nkc
    page = _page(client, procedure)
    assert "Plan: Zosia Ćwik" in page and "Plan: Staś Ćwik" in page
    assert "NK-C: brak" not in page and "NK-D: brak" not in page

    # A later NK-A (the Police) adds the grandmother as a victim: she needs her own NK-C.
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(
            **{
                "people-TOTAL_FORMS": "2",
                **_person(0, "victim", "Halina", "Ćwik", GRANDMOTHER, "matka sprawcy"),
                **_person(1, "suspect", "Marek", "Ćwik", FATHER, "syn"),
                "people-0-address": "",
                "nkb_handed_to": "Halina Ćwik",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Procedure.objects.count() == 1
    grandmother = procedure.participants.get(person__pesel=GRANDMOTHER).person
    page = _page(client, procedure)
    assert page.count("NK-C: brak") == 1
    assert reverse("workflows:victim_meeting", args=[procedure.pk]) in page

    client.force_login(world.social_worker)
    close = {
        "ground": "no_grounds",
        "closed_on": _d(0),
        "summary": "Brak podstaw.",
        "monitoring": "on",
    }
    body = _refused(client, "procedure_close", procedure, close)
    assert "Halina Ćwik" in body
    step(client, "victim_meeting", procedure, _victim_meeting(grandmother, members))
    assert procedure.stage == Stage.ACTIONS  # recorded in the actions stage, no node
    step(client, "procedure_close", procedure, close)
    assert procedure.stage == Stage.CLOSED


def test_a_childs_companion_is_corrected_under_the_same_rules(client, world):
    procedure = _to_the_group(client, world)
    people = {p.person.pesel: p.person for p in procedure.participants.select_related("person")}
    mother, older, father = people[MOTHER], people[OLDER], people[FATHER]
    client.force_login(world.social_worker)
    use_language(client, "pl")
    step(
        client,
        "victim_meeting",
        procedure,
        _victim_meeting(older, _members(world), companion=mother.pk, companion_relation="matka"),
    )
    meeting = NKC.objects.get(victim=older).meeting
    url = reverse("workflows:record_correct", args=[procedure.pk, "meeting", meeting.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False, "")}
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
    data.update(reason="Pomyłka w danych osoby towarzyszącej.", person_appeared="on")

    # The suspect cannot be written in as the child's companion; nothing changes.
    response = client.post(
        url, {**data, "companion_name": father.full_name, "form_token": issue_token()}
    )
    assert response.status_code == 200
    assert "jest osobą podejrzaną" in response.content.decode()
    assert Meeting.objects.filter(procedure=procedure, kind="victim").count() == 1

    # The grandmother, typed: a new version, no longer linked to the mother's record.
    response = client.post(
        url,
        {
            **data,
            "companion_name": "Anna  Nowak",
            "companion_relation": "babcia",
            "form_token": issue_token(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    current = NKC.objects.get(victim=older).meeting
    assert current.pk != meeting.pk
    assert (current.companion, current.companion_name, current.companion_relation) == (
        None,
        "Anna Nowak",
        "babcia",
    )
