"""A card filled in one municipality for a victim who lives in another (issue 13, item 6):
through the pages, as the filer and the two chairs would.

The competent team is the team of the municipality where the victim lives [practice,
domain note 4a]; the card is forwarded to it, and the filer's own team keeps only the
fact that it forwarded a card. The filer still sends the original to the (competent)
chair (§ 7 of Dz.U. 2023 poz. 1870) and sees nothing of the case.
"""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from forms.models import NKA
from tests.factories import MunicipalityFactory, ProfessionalFactory, TeamMemberFactory, UserFactory
from tests.test_web_scenario import _d, nka_post_data, open_nodes
from workflows.models import CardRouting, Procedure, Profession, Sector, Team, TeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def obca(world):
    """The neighbouring municipality's team and its chair."""
    team = Team.objects.get(municipality__name="Gmina Obca")
    chair = UserFactory(username="obca_chair", first_name="Olgierd", last_name="Przewodni")
    ProfessionalFactory(
        user=chair,
        municipality=team.municipality,
        sector=Sector.SOCIAL_ASSISTANCE,
        profession=Profession.SOCIAL_WORKER,
    )
    TeamMemberFactory(team=team, professional=chair.professional, role=TeamMember.Role.CHAIR)
    return team, chair


def test_a_card_for_a_victim_of_another_municipality_goes_to_that_team(client, world, obca):
    team, obca_chair = obca
    client.force_login(world.teacher)
    form = client.get(reverse("workflows:nka_create")).content.decode()
    assert "Gmina Obca" in form  # the municipalities known to the system
    response = client.post(
        reverse("workflows:nka_create"),
        nka_post_data(victim_municipality=team.municipality_id),
        follow=True,
    )
    assert response.status_code == 200
    # The filer is told where the card went and to whom the original goes.
    told = [str(m) for m in response.context["messages"]]
    assert any(team.name in m and "przekazana" in m for m in told), told

    procedure = Procedure.objects.get()
    nka = NKA.objects.get()
    assert procedure.team == team
    assert procedure.household.municipality == team.municipality
    assert nka.victim_municipality == team.municipality
    routing = CardRouting.objects.get(nka=nka)
    assert (routing.from_team, routing.to_team, routing.reason) == (
        world.team,
        team,
        CardRouting.Reason.RESIDENCE,
    )
    event = AuditEvent.objects.get(procedure=procedure, action="procedure.initiated")
    assert event.payload["from_team"] == world.team.pk
    assert event.payload["victim_municipality"] == team.municipality_id

    # The filer sees their card, never the case; they record sending the original.
    assert client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).status_code == 404
    response = client.post(
        reverse("workflows:nka_transfer", args=[nka.pk]), {"sent_on": _d(0), "received_on": _d(0)}
    )
    assert response.status_code == 302
    assert open_nodes(procedure) == {"appoint_group"}

    # The competent chair has the task and the card; the case is theirs.
    client.force_login(obca_chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert procedure.number in inbox
    assert "Utwórz grupę diagnostyczno-pomocową" in inbox
    assert "osoba doznająca przemocy mieszka w tej gminie" in inbox
    assert client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).status_code == 200

    # The filer's own team keeps only "forwarded to …": no case, no person.
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox")).content.decode()
    assert f"przekazano do: {team.name}" in inbox
    assert procedure.number not in inbox and "Łęcka" not in inbox
    assert client.get(reverse("workflows:procedure_detail", args=[procedure.pk])).status_code == 404
    listed = client.get(reverse("workflows:procedure_list")).content.decode()
    assert procedure.number not in listed


def test_a_forwarded_card_joins_the_households_open_procedure_there(client, world, obca):
    team, _chair = obca
    client.force_login(world.teacher)
    data = nka_post_data(victim_municipality=team.municipality_id)
    client.post(reverse("workflows:nka_create"), data)
    first = Procedure.objects.get()
    # A second card for the same family, days later: it joins the open case there.
    again = nka_post_data(victim_municipality=team.municipality_id)
    again.update({k: v for k, v in data.items() if k.endswith("pesel")})
    client.post(reverse("workflows:nka_create"), again)
    assert Procedure.objects.count() == 1
    assert first.nka_forms.count() == 2
    assert AuditEvent.objects.filter(procedure=first, action="nka.joined").count() == 1
    assert CardRouting.objects.filter(to_team=team, reason="residence").count() == 2


def test_a_municipality_without_a_team_is_refused_and_nothing_is_written(client, world):
    lonely = MunicipalityFactory(name="Gmina Bez Zespołu")
    client.force_login(world.teacher)
    response = client.post(
        reverse("workflows:nka_create"), nka_post_data(victim_municipality=lonely.pk)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["victim_municipality"]
    assert "Gmina Bez Zespołu nie ma zespołu interdyscyplinarnego" in errors[0]
    assert not NKA.objects.exists() and not Procedure.objects.exists()
    assert not CardRouting.objects.exists()


def test_the_card_of_the_filers_own_municipality_is_not_forwarded(client, world):
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data())
    assert Procedure.objects.get().team == world.team
    assert NKA.objects.get().victim_municipality == world.team.municipality
    assert not CardRouting.objects.exists()
