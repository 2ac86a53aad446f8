"""Demo: a card forwarded from a neighbouring municipality, and a class teacher who is not a
team member sitting in a group (issue 13, item 6).

The neighbouring municipality has a small team of its own and a filer; their logins are
left out of the printed list (the demo is seen from Przykładowo): the chair of the
neighbouring team sees only that a card went to Przykładowo.
"""

from django.contrib.auth import get_user_model

from workflows import calendar, services
from workflows.demo import DEMO_PASSWORD, DEMO_TERYT, build, working_days_ago
from workflows.models import (
    Municipality,
    Procedure,
    Profession,
    Professional,
    Sector,
    Team,
    TeamMember,
)

NEIGHBOUR_TERYT = "0000002"


def _neighbour() -> dict[str, object]:
    """Gmina Sąsiednia, its team (a chair) and a district officer who files NK-A there."""
    User = get_user_model()
    municipality = Municipality.objects.create(
        name="Gmina Sąsiednia", county="powiat przykładowy", teryt=NEIGHBOUR_TERYT
    )
    team = Team.objects.create(
        municipality=municipality, name="Zespół Interdyscyplinarny w Sąsiedniej"
    )
    declared = working_days_ago(200)
    people: dict[str, object] = {}
    for username, first, last, sector, profession, institution, role in (
        (
            "przewodniczacy_sasiednia",
            "Stefan",
            "Graniczny",
            Sector.SOCIAL_ASSISTANCE,
            Profession.SOCIAL_WORKER,
            "Ośrodek Pomocy Społecznej w Sąsiedniej",
            TeamMember.Role.CHAIR,
        ),
        (
            "dzielnicowa_sasiednia",
            "Monika",
            "Rogatka",
            Sector.POLICE,
            Profession.POLICE_OFFICER,
            "Posterunek Policji w Sąsiedniej",
            None,
        ),
    ):
        user = User.objects.create_user(
            username,
            f"{username}@sasiednia.example",
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
        )
        professional = Professional.objects.create(
            user=user,
            municipality=municipality,
            sector=sector,
            profession=profession,
            institution=institution,
            confidentiality_declared_on=declared,
        )
        if role:
            TeamMember.objects.create(team=team, professional=professional, role=role)
        people[username] = user
    return people


def seed_forwarding_cases(users) -> None:
    today = calendar.legal_date()
    przykladowo = Municipality.objects.get(teryt=DEMO_TERYT)

    # 11. A card filled yesterday by the district officer of Gmina Sąsiednia, at an
    # intervention there, for a family that lives in Przykładowo: forwarded to the team of
    # Przykładowo, whose chair received the original today and must appoint the group.
    # The team of Sąsiednia keeps only the fact that it forwarded a card.
    neighbour = _neighbour()
    filer = neighbour["dzielnicowa_sasiednia"]
    family = build.family("Iwona Graniczna", "Robert Graniczny", "ul. Przygraniczna 1")
    procedure, nka = build.initiate(
        filer, family, working_days_ago(1), victim_municipality=przykladowo
    )
    build.to_chair(filer, procedure, nka, today)

    # Case 5's daughter (Zuzia) is in Halina Klasowa's class: the chair adds her, a teacher
    # who is not a team member, to the group (its decision gets a new version).
    nowicka = Procedure.objects.get(
        team__municipality=przykladowo, household__label="Nowicka", group__isnull=False
    )
    services.group_member_add(
        actor=users["przewodniczaca"],
        procedure_id=nowicka.pk,
        professional_id=users["wychowawczyni"].professional.pk,
        added_on=today,
    )
