"""People are shared records (issue 11, section 1): typing a PESEL never rewrites or reveals
anyone, and an initiator sees only their own cards (section 4).

Two municipalities: Gmina Testowo (the ``world``) holds an open case; a teacher of Gmina
Obca, whose team has its own chair, files cards through the NK-A page.
"""

import datetime
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from documents.models import Document, DocumentKind
from forms.models import NKA, NKAPerson
from people.models import Household, Person, PersonChange
from tests.conftest import use_language
from tests.factories import (
    PersonFactory,
    ProfessionalFactory,
    TeamMemberFactory,
    UserFactory,
    synthetic_pesel,
)
from tests.scenarios import drive, granted_referral
from tests.test_web_scenario import nka_post_data
from workflows import services
from workflows.models import CardRouting, Participant, Procedure, Profession, Sector, Stage
from workflows.reconcile import person_reconcile

pytestmark = pytest.mark.django_db

NOT_FOUND = 404


@pytest.fixture
def obca(world):
    """Gmina Obca's chair and a teacher of Gmina Obca (not on any team)."""
    team = world.outsider.professional.team_memberships.get().team
    chair = UserFactory(username="obca_chair", first_name="Celina", last_name="Obca")
    ProfessionalFactory(
        user=chair,
        municipality=team.municipality,
        sector=Sector.SOCIAL_ASSISTANCE,
        profession=Profession.SOCIAL_WORKER,
    )
    TeamMemberFactory(team=team, professional=chair.professional, role="chair")
    teacher = UserFactory(username="obca_teacher", first_name="Adam", last_name="Obcy")
    ProfessionalFactory(
        user=teacher,
        municipality=team.municipality,
        sector=Sector.EDUCATION,
        profession=Profession.TEACHER,
        institution="SP Obca",
    )
    return {"team": team, "chair": chair, "teacher": teacher}


def _card_of_a_stranger(victim_pesel: str) -> dict:
    """Only the victim's PESEL is right; the name, the phone and a second suspect are made up."""
    return nka_post_data(
        **{
            "people-0-first_name": "Anna",
            "people-0-last_name": "Podstawiona",
            "people-0-pesel": victim_pesel,
            "people-0-address": "ul. Zmyślona 1, Obca",
            "people-0-phone": "+48 512 000 111",
            "people-1-first_name": "Wymyślony",
            "people-1-last_name": "Sprawca",
            "people-1-pesel": synthetic_pesel(datetime.date(1970, 7, 7), "M"),
            "place": "Obca",
            "nkb_handed_to": "Anna Podstawiona",
        }
    )


def _shared(person: Person) -> tuple:
    person.refresh_from_db()
    return (
        person.first_name,
        person.last_name,
        person.phone,
        person.address,
        person.household_id,
        person.birth_date,
        person.sex,
    )


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode()


def test_a_card_from_another_municipality_with_a_known_pesel_changes_and_reveals_nothing(
    client, world, obca, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = drive(world, to=Stage.ACTIONS)
    victim = case.participants.get(role="victim").person
    victim.phone, victim.address = "+48600100200", "ul. Polna 3/4, 00-001 Testowo"
    victim.save()
    shared_before = _shared(victim)
    participants_before = set(Participant.objects.filter(procedure=case).values_list("pk"))
    secrets = [case.number, case.household.label, victim.last_name, "600100200", "ul. Polna"]

    client.force_login(obca["teacher"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workflows:nka_create"), _card_of_a_stranger(victim.pesel))
    assert response.status_code == 302
    card = NKA.objects.get(initiator=obca["teacher"])
    # The redirect and the message name the card, never the case.
    assert response["Location"] == reverse("workflows:card_detail", args=[card.pk])
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    for secret in secrets:
        assert secret not in response["Location"] and secret not in message

    # The shared record is untouched and the made-up suspect joined nothing.
    assert _shared(victim) == shared_before
    assert set(Participant.objects.filter(procedure=case).values_list("pk")) == (
        participants_before
    )
    entry = card.entries.get(role="victim")
    assert (entry.person_id, entry.first_name, entry.last_name) == (
        victim.pk,
        "Anna",
        "Podstawiona",
    )
    assert entry.phone == "+48512000111"

    # Routed to the Testowo team as a card to consider; Obca keeps only the fact.
    routing = CardRouting.objects.get(nka=card)
    assert (routing.from_team, routing.to_team, routing.procedure) == (
        obca["team"],
        world.team,
        case,
    )
    assert AuditEvent.objects.filter(action="nka.routed", procedure=case).count() == 1

    # The teacher opens nothing of the case, and no page they can open names it.
    for name, args in (
        ("workflows:procedure_detail", [case.pk]),
        ("workflows:nka_detail", [case.pk, card.pk]),
        ("audit:timeline", [case.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == NOT_FOUND
    for url in (
        reverse("workflows:card_detail", args=[card.pk]),
        reverse("workflows:inbox"),
        reverse("workflows:dashboard"),
        reverse("workflows:procedure_list"),
        reverse("workflows:nka_transfer", args=[card.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        for secret in secrets:
            assert secret not in _text(response), (url, secret)
    assert list(client.get(reverse("workflows:procedure_list")).context["page"]) == []

    # The teacher prints their own NK-A and NK-B: what they typed, and no case number.
    documents = Document.objects.filter(subject=f"nka:{card.pk}")
    assert {d.kind for d in documents} == {DocumentKind.NKA, DocumentKind.NKB}
    for document in documents:
        response = client.get(reverse("workflows:document_download", args=[document.public_id]))
        assert response.status_code == 200
        assert case.number.replace("/", "-") not in response["Content-Disposition"]
        text = _text(response)
        for secret in secrets:
            assert secret not in text, (document.kind, secret)
    nka_pdf = documents.get(kind=DocumentKind.NKA)
    victims = nka_pdf.snapshot["data"]["victims"]
    assert [(v["name"], v["phone"], v["address"]) for v in victims] == [
        ("Anna Podstawiona", "+48512000111", "ul. Zmyślona 1, Obca")
    ]
    assert nka_pdf.snapshot["header"]["team"] == obca["team"].name
    assert nka_pdf.snapshot["header"]["number"] == ""

    # The Testowo chair sees the card to consider; the Obca chair only that one went away.
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).context
    assert [r.nka_id for r in inbox["routed"]["received"]] == [card.pk]
    page = client.get(reverse("workflows:nka_detail", args=[case.pk, card.pk]))
    assert page.status_code == 200 and page.context["routed"]
    client.force_login(obca["chair"])
    response = client.get(reverse("workflows:inbox"))
    assert [r.nka_id for r in response.context["routed"]["forwarded"]] == [card.pk]
    assert response.context["routed"]["received"] == []
    for secret in secrets:
        assert secret not in _text(response)


def test_the_filer_gets_the_same_answer_whether_the_card_opened_joined_or_was_routed(
    client, world, obca
):
    case = drive(world, to=Stage.WITH_CHAIR)
    victim = case.participants.get(role="victim").person
    answers = []

    def file(user, data):
        client.force_login(user)
        use_language(client, "en")  # messages compared in the source language
        response = client.post(reverse("workflows:nka_create"), data, follow=True)
        card = NKA.objects.filter(initiator=user).latest("id")
        assert response.redirect_chain == [
            (reverse("workflows:card_detail", args=[card.pk]), 302)
        ], _text(response)[:2000]
        answers.append([str(m) for m in response.context["messages"]])
        return card

    opened = file(obca["teacher"], nka_post_data())  # new people: a new Obca procedure
    joined = file(world.teacher, _card_of_a_stranger(victim.pesel))  # Testowo's open case
    routed = file(obca["teacher"], _card_of_a_stranger(victim.pesel))  # Testowo's, from Obca
    assert opened.procedure.team == obca["team"] and opened.procedure != case
    assert joined.procedure == case and not hasattr(joined, "routing")
    assert routed.procedure == case and routed.routing.from_team == obca["team"]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == [
        "NK-A recorded. Send the original to the team chair within 5 working days."
    ]


def test_a_sex_or_birth_date_that_contradicts_the_pesel_is_refused_next_to_the_field(client, world):
    client.force_login(world.teacher)
    use_language(client, "en")  # messages compared in the source language
    counts = (NKA.objects.count(), Person.objects.count(), NKAPerson.objects.count())
    female_1988 = synthetic_pesel(datetime.date(1988, 5, 17), "F")
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(
            **{
                "people-0-pesel": female_1988,
                "people-0-sex": "male",
                "people-0-birth_date": "1990-01-01",
            }
        ),
    )
    assert response.status_code == 200
    with translation.override("en"):
        errors = {
            k: [str(m) for m in v] for k, v in response.context["people"].forms[0].errors.items()
        }
    assert errors["sex"] == ["The sex does not match the PESEL number."]
    assert errors["birth_date"] == [
        "The date of birth does not match the PESEL number (17.05.1988)."
    ]
    assert (NKA.objects.count(), Person.objects.count(), NKAPerson.objects.count()) == counts
    assert Procedure.objects.count() == 0


def test_the_under_18_check_counts_from_the_pesel_not_the_typed_birth_date(world):
    card = NKA(**nka_kwargs())
    people = [
        NKAPerson(
            first_name="Ewa", last_name="Nowak", role="victim", birth_date=datetime.date(1980, 1, 1)
        ),
        NKAPerson(
            first_name="Jan",
            last_name="Nowak",
            role="suspect",
            pesel=synthetic_pesel(datetime.date(2012, 3, 3), "M"),
            birth_date=datetime.date(1980, 3, 3),  # typed as an adult
        ),
    ]
    with translation.override("en"), pytest.raises(services.ServiceError) as refused:
        services.procedure_initiate(actor=world.teacher, card=card, people=people)
    messages = refused.value.message_dict
    assert any("under 18" in m for m in messages["people-1-pesel"])
    assert "people-1-birth_date" in messages  # and the contradiction itself
    assert NKA.objects.count() == 0 and Person.objects.count() == 0


def nka_kwargs() -> dict:
    return dict(
        place="Testowo",
        incident_date=datetime.date.today() - datetime.timedelta(days=1),
        incident_place="dom",
        incident_description="Awantura.",
        violence_forms=["physical"],
        nkb_handed=True,
        nkb_handed_to="Ewa Nowak",
    )


def test_a_household_member_who_is_not_yet_a_participant_joins_the_open_procedure(client, world):
    case = drive(world, to=Stage.WITH_CHAIR)
    grandmother = PersonFactory(
        first_name="Halina",
        last_name="Ćwik",
        pesel=synthetic_pesel(datetime.date(1950, 6, 6), "F"),
        household=case.household,
    )
    assert not case.participants.filter(person=grandmother).exists()
    client.force_login(world.teacher)
    data = nka_post_data(
        **{
            "people-0-first_name": "Halina",
            "people-0-last_name": "Ćwik",
            "people-0-pesel": grandmother.pesel,
            "people-1-pesel": case.participants.get(role="suspect").person.pesel,
        }
    )
    response = client.post(reverse("workflows:nka_create"), data)
    assert response.status_code == 302, _text(response)[:2000]
    card = NKA.objects.latest("id")
    assert card.procedure == case
    assert case.participants.filter(person=grandmother, role="victim").exists()
    assert Procedure.objects.count() == 1


def test_a_known_household_is_reused_only_in_the_competent_municipality(client, world, obca):
    closed = drive(world, to=Stage.CLOSED)
    victim = closed.participants.get(role="victim").person
    client.force_login(obca["teacher"])
    response = client.post(reverse("workflows:nka_create"), _card_of_a_stranger(victim.pesel))
    assert response.status_code == 302
    card = NKA.objects.get(initiator=obca["teacher"])
    assert card.procedure.team == obca["team"]
    assert card.procedure.household != closed.household
    assert card.procedure.household.municipality == obca["team"].municipality
    victim.refresh_from_db()
    assert victim.household == closed.household  # the shared record keeps its household


def test_without_a_pesel_people_are_never_matched_by_name(client, world):
    client.force_login(world.teacher)
    for _ in range(2):
        data = nka_post_data(
            **{
                "people-0-pesel": "",
                "people-0-birth_date": "1988-05-17",
                "people-1-pesel": "",
                "people-1-birth_date": "1984-02-02",
            }
        )
        assert client.post(reverse("workflows:nka_create"), data).status_code == 302
    assert Person.objects.filter(first_name="Żaneta", last_name="Łęcka-Ćwik").count() == 2


def test_names_are_nfc_and_invisible_marks_and_bad_phones_are_refused(client, world):
    client.force_login(world.teacher)
    decomposed = unicodedata.normalize("NFD", "Łęcka")
    assert decomposed != "Łęcka"
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(**{"people-0-last_name": decomposed, "people-0-phone": "600 100 200"}),
    )
    assert response.status_code == 302
    entry = NKAPerson.objects.get(role="victim")
    assert entry.last_name == "Łęcka" and entry.person.last_name == "Łęcka"
    assert entry.phone == "+48600100200"

    counts = (NKA.objects.count(), Person.objects.count())
    use_language(client, "en")  # messages compared in the source language
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(
            **{
                "people-0-last_name": "Kowal\u202eska",
                "people-1-first_name": "Ma\u200brek",
                "people-0-phone": "12345",
                "people-0-pesel": synthetic_pesel(datetime.date(1991, 1, 1), "F"),
                "people-1-pesel": synthetic_pesel(datetime.date(1981, 1, 1), "M"),
            }
        ),
    )
    assert response.status_code == 200
    forms = response.context["people"].forms
    with translation.override("en"):
        assert "text-direction" in str(forms[0].errors["last_name"][0])
        assert "zero-width" in str(forms[1].errors["first_name"][0])
        assert [str(m) for m in forms[0].errors["phone"]] == ["This is not a valid phone number."]
    assert (NKA.objects.count(), Person.objects.count()) == counts


def test_the_person_model_refuses_bidi_names_and_invalid_phones(world):
    household = Household.objects.create(label="X", municipality=world.team.municipality)
    person = Person(first_name="\u2066Ewa", last_name="Nowak", phone="1", household=household)
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert set(refused.value.message_dict) == {"first_name", "phone"}


def _card_with_new_values(client, world, case):
    """The teacher files a second card in the same case with a new phone and address."""
    victim = case.participants.get(role="victim").person
    client.force_login(world.teacher)
    data = nka_post_data(
        **{
            "people-0-pesel": victim.pesel,
            "people-0-phone": "511 222 333",
            "people-0-address": "ul. Nowa 5, Testowo",
            "people-1-pesel": case.participants.get(role="suspect").person.pesel,
        }
    )
    assert client.post(reverse("workflows:nka_create"), data).status_code == 302
    card = NKA.objects.latest("id")
    return card, card.entries.get(role="victim"), victim


def test_the_chair_reconciles_chosen_card_values_onto_the_shared_person(client, world):
    case = drive(world, to=Stage.WITH_CHAIR)
    card, entry, victim = _card_with_new_values(client, world, case)
    old_address = victim.address
    assert victim.phone != "+48511222333"

    client.force_login(world.chair)
    page = client.get(reverse("workflows:nka_detail", args=[case.pk, card.pk]))
    offered = {d.field for e, diffs in page.context["differences"] for d in diffs if e == entry}
    assert {"phone", "address"} <= offered
    assert page.context["may_reconcile"]
    response = client.post(
        reverse("workflows:person_reconcile", args=[case.pk, card.pk]),
        {"change": [f"{entry.pk}:phone"]},
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.phone == "+48511222333" and victim.address == old_address
    change = PersonChange.objects.get()
    assert (change.person, change.procedure, change.nka_person, change.changed_by) == (
        victim,
        case,
        entry,
        world.chair,
    )
    assert change.after == {"phone": "+48511222333"}
    event = AuditEvent.objects.get(action="person.reconciled")
    assert event.person_id == victim.pk and event.procedure_id == case.pk
    assert event.payload["fields"] == ["phone"]
    assert event.payload["before"]["phone"] == "***" and event.payload["after"]["phone"] == "***"
    assert "511" not in str(event.payload)


@pytest.mark.parametrize("who", ["teacher", "auditor", "oik_psychologist", "outsider"])
def test_reconciliation_is_refused_to_anyone_but_the_chair_and_the_group(client, world, who):
    case = drive(world, to=Stage.WITH_CHAIR)
    card, entry, victim = _card_with_new_values(client, world, case)
    before = _shared(victim)
    events = AuditEvent.objects.exclude(action__endswith=".viewed").count()
    client.force_login(getattr(world, who))
    response = client.post(
        reverse("workflows:person_reconcile", args=[case.pk, card.pk]),
        {"change": [f"{entry.pk}:phone", f"{entry.pk}:address"]},
    )
    # Teacher and outsider do not see the case (404); the team member outside the group
    # and the auditor see it but may not change it (403).
    assert response.status_code == (404 if who in ("teacher", "outsider") else 403)
    assert _shared(victim) == before
    assert PersonChange.objects.count() == 0
    assert AuditEvent.objects.exclude(action__endswith=".viewed").count() == events
    if who == "oik_psychologist":
        page = client.get(reverse("workflows:nka_detail", args=[case.pk, card.pk]))
        assert page.status_code == 200 and not page.context["may_reconcile"]
        with pytest.raises(PermissionDenied):
            person_reconcile(
                actor=world.oik_psychologist,
                procedure_id=case.pk,
                nka_person_id=entry.pk,
                fields=["phone"],
            )


def test_an_initiator_sees_their_cards_and_tasks_but_nothing_else_of_the_case(
    client, world, django_capture_on_commit_callbacks, settings
):
    settings.OIK_REMINDER_WORKING_DAYS = 10
    with django_capture_on_commit_callbacks(execute=True):
        case = drive(world, to=Stage.ACTIONS)
        suspect = case.participants.get(role="suspect").person
        granted_referral(
            world,
            Procedure.objects.get(pk=case.pk),
            person_id=suspect.pk,
            programme="correctional_educational",
            provider="PCPR",
            on=case.initiated_on,
            received_on=case.initiated_on,
        )
        data = nka_post_data(
            **{
                "people-0-pesel": case.participants.get(role="victim").person.pesel,
                "people-1-pesel": suspect.pesel,
            }
        )
        client.force_login(world.teacher)
        assert client.post(reverse("workflows:nka_create"), data).status_code == 302
    card = NKA.objects.latest("id")
    dashboard = client.get(reverse("workflows:dashboard"))
    rules = {d.rule for d in [*dashboard.context["overdue"], *dashboard.context["due_soon"]]}
    assert rules == set()  # the case's deadlines (the programme report…) are not theirs
    assert [c.nka for c in dashboard.context["cards_due_soon"]] == [card]
    inbox = client.get(reverse("workflows:inbox"))
    assert [c.nka for c in inbox.context["cards"]] == [card]
    assert case.number not in _text(inbox) and case.number not in _text(dashboard)
    listing = client.get(reverse("workflows:procedure_list"))
    assert list(listing.context["page"]) == [] and "Działania" not in _text(listing)
    page = client.get(reverse("workflows:card_detail", args=[card.pk]))
    kinds = {d.kind for d in page.context["documents"]}
    assert kinds == {DocumentKind.NKA, DocumentKind.NKB}
    for document in page.context["documents"]:
        response = client.get(reverse("workflows:document_download", args=[document.public_id]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    nkc = Document.objects.get(procedure=case, kind=DocumentKind.NKC)
    assert (
        client.get(reverse("workflows:document_download", args=[nkc.public_id])).status_code == 404
    )
    first_card = case.nka_forms.order_by("id").first()
    assert client.get(reverse("workflows:card_detail", args=[first_card.pk])).status_code == 200
    client.force_login(world.social_worker)
    assert client.get(reverse("workflows:card_detail", args=[card.pk])).status_code == 404
