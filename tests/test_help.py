"""Help for users (docs/guide rendered at /pomoc/) and the declaration of accessibility."""

import re

import pytest
from django.test import Client

from centre.models import Centre, CentreStaff
from tests.conftest import use_language
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = {
    "inicjator": "Inicjator procedury",
    "przewodniczacy": "Przewodniczący zespołu interdyscyplinarnego",
    "czlonek-grupy": "Członek grupy diagnostyczno-pomocowej",
    "inspektor": "Inspektor wojewody",
    "osrodek": "Ośrodek interwencji kryzysowej",
}


def _no_inline_code(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert not re.search(r"\son[a-z]+=", body)
    assert not re.search(r'\sstyle="', body)
    assert "<style" not in body


@pytest.mark.parametrize("role", HEADINGS)
def test_each_role_guide_renders_in_polish_with_its_heading(client, role):
    response = client.get(f"/pomoc/{role}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h2>{HEADINGS[role]}" in body  # the Markdown became HTML, under the page's h1
    assert "<h3>Jak" in body  # task-oriented sections
    assert body.count("<h1") == 1
    assert 'lang="pl"' in body
    # The page lists every role's guide.
    for slug in HEADINGS:
        assert f'href="/pomoc/{slug}/"' in body
    _no_inline_code(response)


def test_an_unknown_role_is_not_found(client):
    assert client.get("/pomoc/admin/").status_code == 404


def test_signed_out_visitor_sees_the_list_of_roles(client):
    response = client.get("/pomoc/")
    assert response.status_code == 200
    assert "Wybierz swoją rolę" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("chair", "przewodniczacy"),
        ("social_worker", "czlonek-grupy"),
        ("teacher", "inicjator"),
        ("auditor", "inspektor"),
    ],
)
def test_signed_in_users_land_on_their_own_role(client, world, who, role):
    client.force_login(getattr(world, who))
    response = client.get("/pomoc/")
    assert response.status_code == 302
    assert response["Location"] == f"/pomoc/{role}/"


def test_centre_staff_who_take_no_part_in_procedures_land_on_the_centre_guide(client, world):
    centre = Centre.objects.create(
        name="OIK Testowo", county="powiat testowy", municipality=world.team.municipality
    )
    night = UserFactory(username="night")
    CentreStaff.objects.create(user=night, centre=centre, function="dyżurny")
    client.force_login(night)
    assert client.get("/pomoc/")["Location"] == "/pomoc/osrodek/"
    # The help link is on the centre's home page too.
    assert 'href="/pomoc/"' in client.get("/centre/").content.decode()


def test_the_help_link_is_on_the_inbox_and_the_login_page(client, world):
    login = Client().get("/login/").content.decode()
    assert 'href="/pomoc/">Pomoc</a>' in login
    client.force_login(world.chair)
    assert 'href="/pomoc/">Pomoc</a>' in client.get("/").content.decode()


def test_the_declaration_is_public_with_the_required_parts_and_dates(client, world, settings):
    settings.OIK_ACCESSIBILITY_CONTACT_NAME = "Jan Dostępny"
    settings.OIK_ACCESSIBILITY_ARCHITECTURE = "Wejście od ul. Jawnej, bez progów."
    response = client.get("/dostepnosc/")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in (
        "<h1>Deklaracja dostępności</h1>",
        "Stan dostępności cyfrowej",
        "Przygotowanie deklaracji dostępności",
        "Informacje zwrotne i dane kontaktowe",
        "Procedura wnioskowo-skargowa",
        "Dostępność architektoniczna",
    ):
        assert heading in body, heading
    # Two teams on this site: no one team's name; the dates are those of the settings.
    assert '<span id="a11y-podmiot">Zespół interdyscyplinarny</span>' in body
    assert 'id="a11y-data-publikacja" datetime="2026-11-26">26.11.2026' in body
    assert 'id="a11y-data-aktualizacja"' in body
    assert "częściowo zgodna" in body
    assert "nie są\n  oznaczone strukturą dla czytników ekranu" in body
    assert "Rzecznika Praw Obywatelskich" in body
    assert "Jan Dostępny" in body and "Wejście od ul. Jawnej, bez progów." in body
    _no_inline_code(response)


def test_the_declaration_names_the_team_of_a_one_team_site(client):
    team = TeamFactory(name="Zespół Interdyscyplinarny w Jedynce")
    body = client.get("/dostepnosc/").content.decode()
    assert f'<span id="a11y-podmiot">{team.name}</span>' in body


def test_the_declaration_entity_is_a_setting(client, world, settings):
    settings.OIK_ACCESSIBILITY_ENTITY = "Miejski Ośrodek Pomocy Społecznej w Testowie"
    body = client.get("/dostepnosc/").content.decode()
    assert '<span id="a11y-podmiot">Miejski Ośrodek Pomocy Społecznej w Testowie</span>' in body


def test_the_declaration_is_in_english_when_chosen(client, world):
    use_language(client, "en")
    body = client.get("/dostepnosc/").content.decode()
    assert "<h1>Declaration of accessibility</h1>" in body
    assert "partially compliant" in body


def test_the_declaration_is_linked_in_every_page_footer(client, world):
    assert 'href="/dostepnosc/"' in Client().get("/login/").content.decode()
    client.force_login(world.teacher)
    assert 'href="/dostepnosc/"' in client.get("/").content.decode()
