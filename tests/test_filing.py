"""Who may file an NK-A, and the adult victim's presence when it is filled (issue 13, item 6).

§ 2 ust. 2 of Dz.U. 2023 poz. 1870: the card is filled by representatives of the bodies of
art. 9a ust. 11–11d of the Act; § 2 ust. 5–6: in the adult victim's presence, or, when that
is impossible (absence, health, danger), after direct contact is made.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from documents.models import DocumentJob, DocumentKind
from forms.models import NKA, Sector, VictimPresence
from tests.conftest import _professional, nka_input
from tests.factories import synthetic_pesel
from tests.test_refusals import snapshot
from tests.test_web_scenario import _d, nka_post_data
from workflows import permissions, services
from workflows.models import Procedure, Profession

TODAY = datetime.date.today()


def _probation_officer(world):
    return _professional(
        world.team.municipality,
        "probation",
        "Paweł",
        "Kurator",
        Sector.JUSTICE,
        Profession.PROBATION_OFFICER,
        "Zespół Kuratorskiej Służby Sądowej",
    )


# --------------------------------------------------------------------------- who files


@pytest.mark.parametrize(
    ("sector", "may"),
    [
        (Sector.SOCIAL_ASSISTANCE, True),
        (Sector.CRISIS_CENTRE, True),  # a social-assistance unit (u.p.s. art. 6 pkt 5)
        (Sector.ALCOHOL_COMMISSION, True),
        (Sector.POLICE, True),
        (Sector.MILITARY_GENDARMERIE, True),
        (Sector.EDUCATION, True),
        (Sector.HEALTH_CARE, True),
        (Sector.PSYCHOLOGY, False),
        (Sector.JUSTICE, False),
        (Sector.OTHER, False),
    ],
)
def test_only_the_bodies_of_art_9a_ust_11_to_11d_may_file(sector, may):
    professional = type("P", (), {"sector": sector})()
    assert permissions.may_file_nka(professional) is may


def test_the_military_gendarmerie_files_only_under_the_2023_edition():
    professional = type("P", (), {"sector": Sector.MILITARY_GENDARMERIE})()
    assert permissions.may_file_nka(professional, on=datetime.date(2023, 9, 28))
    assert not permissions.may_file_nka(professional, on=datetime.date(2023, 9, 27))


@pytest.mark.django_db
def test_an_excluded_sector_sees_the_explanation_instead_of_the_form(client, world):
    client.force_login(_probation_officer(world))

    response = client.get(reverse("workflows:nka_create"))

    assert response.status_code == 403
    body = response.content.decode()
    assert "Formularz NK-A może wypełnić wyłącznie przedstawiciel" in body
    assert "kuratorska służba sądowa" in body or "Twój sektor" in body
    assert 'name="incident_date"' not in body and '<form method="post"' not in body
    # … and the navigation does not offer the page.
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert 'href="/procedures/new/"' not in inbox


@pytest.mark.django_db
def test_an_allowed_sector_keeps_the_link_and_the_form(client, world):
    client.force_login(world.teacher)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert 'href="/procedures/new/"' in inbox
    form_page = client.get(reverse("workflows:nka_create")).content.decode()
    assert 'name="incident_date"' in form_page
    # § 2 ust. 5–6 in a fieldset of its own, "present" chosen until the filer says otherwise.
    assert "Obecność pełnoletniej osoby doznającej przemocy (§ 2 ust. 5–6" in form_page
    assert 'name="victim_presence" value="present"' in form_page
    assert 'name="victim_absence_reason"' in form_page


@pytest.mark.django_db
def test_an_excluded_sector_posting_the_form_writes_nothing(client, world):
    client.force_login(_probation_officer(world))
    before = snapshot()

    response = client.post(reverse("workflows:nka_create"), nka_post_data())

    assert response.status_code == 403
    assert "Formularz NK-A może wypełnić wyłącznie przedstawiciel" in response.content.decode()
    assert snapshot() == before
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_an_excluded_sector_and_writes_nothing(world):
    officer = _probation_officer(world)
    before = snapshot()

    with pytest.raises(PermissionDenied) as refused:
        services.procedure_initiate(actor=officer, **nka_input())

    assert "9a" in str(refused.value)
    assert snapshot() == before


# --------------------------------------------------------------------------- presence


def _absent(**overrides) -> dict:
    values = {"victim_presence": "absent", "victim_absence_reason": "health"}
    values["victim_contact_on"] = _d(0)
    return nka_post_data(**(values | overrides))


@pytest.mark.django_db
def test_an_absent_victim_needs_a_reason_next_to_the_field(client, world):
    client.force_login(world.teacher)

    response = client.post(reverse("workflows:nka_create"), _absent(victim_absence_reason=""))

    assert response.status_code == 200
    assert "victim_absence_reason" in response.context["form"].errors
    assert not NKA.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("contact", [_d(2), _d(-1)], ids=["before_incident", "future"])
def test_the_contact_date_lies_between_the_incident_and_today(client, world, contact):
    client.force_login(world.teacher)

    response = client.post(reverse("workflows:nka_create"), _absent(victim_contact_on=contact))

    assert response.status_code == 200
    assert "victim_contact_on" in response.context["form"].errors
    assert not NKA.objects.exists()


@pytest.mark.django_db
def test_a_reason_is_refused_when_the_victim_was_present(client, world):
    client.force_login(world.teacher)

    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(victim_presence="present", victim_absence_reason="danger"),
    )

    assert response.status_code == 200
    assert "victim_absence_reason" in response.context["form"].errors
    assert not NKA.objects.exists()


@pytest.mark.django_db
def test_an_absent_victim_is_recorded_shown_and_printed(client, world):
    client.force_login(world.teacher)

    response = client.post(reverse("workflows:nka_create"), _absent())

    nka = NKA.objects.get()
    assert response.status_code == 302
    assert nka.victim_presence == VictimPresence.ABSENT
    assert nka.victim_absence_reason == "health"
    assert nka.victim_contact_on == TODAY
    # The initiator's card page shows it in Polish …
    card_page = client.get(reverse("workflows:card_detail", args=[nka.pk])).content.decode()
    assert "pełnoletnia osoba doznająca przemocy nie była obecna" in card_page
    assert "stan zdrowia osoby doznającej przemocy" in card_page
    assert f"{TODAY:%d.%m.%Y}" in card_page
    # … so does the case's NK-A page for the chair …
    client.force_login(world.chair)
    nka_page = client.get(
        reverse("workflows:nka_detail", args=[nka.procedure_id, nka.pk])
    ).content.decode()
    assert "stan zdrowia osoby doznającej przemocy" in nka_page
    # … and the frozen NK-A prints the Polish labels, never the codes.
    frozen = DocumentJob.objects.get(procedure=nka.procedure, kind=DocumentKind.NKA).snapshot
    data = frozen["data"]
    assert data["victim_presence"] == "pełnoletnia osoba doznająca przemocy nie była obecna"
    assert data["victim_absence_reason"] == "stan zdrowia osoby doznającej przemocy"
    assert data["victim_contact_on"] == TODAY.strftime("%d.%m.%Y")
    assert "health" not in str(data.values())


@pytest.mark.django_db
def test_a_card_listing_only_children_records_no_adult_victim(world):
    child = synthetic_pesel(datetime.date(TODAY.year - 10, 3, 3), "F")
    given = nka_input(victim_pesel=child)
    given["people"] = [p for p in given["people"] if p.role != "child"]

    filed = services.procedure_initiate(actor=world.teacher, **given)

    assert filed.nka.victim_presence == VictimPresence.NO_ADULT_VICTIM


@pytest.mark.django_db
def test_no_adult_victim_is_refused_when_the_card_lists_one(world):
    given = nka_input()
    given["card"].victim_presence = VictimPresence.NO_ADULT_VICTIM

    with pytest.raises(services.ServiceError) as refused:
        services.procedure_initiate(actor=world.teacher, **given)

    assert "victim_presence" in refused.value.message_dict
    assert not NKA.objects.exists()


def test_docs_rules_lists_the_filers_as_coded():
    from pathlib import Path

    from django.conf import settings

    from workflows.filers import NKA_FILERS

    text = (Path(settings.BASE_DIR) / "docs" / "rules.md").read_text(encoding="utf-8")
    for code, filers in NKA_FILERS.items():
        assert f"| `nka_filers` | {code} |" in text
        assert filers.basis.split(" (")[0] in text


# --------------------------------------------------------------------------- the crisis centre


@pytest.mark.django_db
def test_a_centre_worker_outside_the_filing_bodies_sees_why_after_a_consultation(client, world):
    """A centre's own staff file as social assistance; one recorded under another sector
    (here a psychologist in private practice working with the centre) gets the explanation
    on the consultation's NK-A page and no link to it."""
    from centre.models import CentreStaff
    from tests.test_centre import centre as make_centre  # noqa: F401 - the fixture's body
    from tests.test_centre import consult, person

    centre = make_centre.__wrapped__(world)
    private = _professional(
        world.team.municipality,
        "private_psychologist",
        "Piotr",
        "Prywatny",
        Sector.PSYCHOLOGY,
        Profession.PSYCHOLOGIST,
        "Gabinet psychologiczny",
    )
    CentreStaff.objects.create(user=private, centre=centre, function="psycholog")
    victim = person(private, "Żaneta", "Łęcka-Ćwik", datetime.date(1988, 5, 17))
    consultation = consult(private, TODAY, "crisis", "in_person", [victim])
    client.force_login(private)
    before = snapshot()

    listing = client.get("/centre/consultations/").content.decode()
    page = client.get(f"/centre/consultations/{consultation.pk}/nka/")
    posted = client.post(f"/centre/consultations/{consultation.pk}/nka/", nka_post_data())

    assert f"/centre/consultations/{consultation.pk}/nka/" not in listing
    assert page.status_code == 403 and posted.status_code == 403
    assert "Formularz NK-A może wypełnić wyłącznie przedstawiciel" in page.content.decode()
    assert snapshot() == before
