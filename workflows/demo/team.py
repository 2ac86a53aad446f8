"""The demo municipality, its team and the demo users."""

from django.contrib.auth import get_user_model

from workflows.demo import AUDITOR, DEMO_PASSWORD, DEMO_TERYT, PERSONAS, working_days_ago
from workflows.models import (
    AuditorScope,
    Municipality,
    Professional,
    Team,
    TeamMember,
)


def people_and_team() -> dict[str, object]:
    User = get_user_model()
    municipality = Municipality.objects.create(
        name="Gmina Przykładowo", county="powiat przykładowy", teryt=DEMO_TERYT
    )
    team = Team.objects.create(
        municipality=municipality,
        name="Zespół Interdyscyplinarny w Przykładowie",
        address="ul. Rynek 1, 00-950 Przykładowo",
        post_closure_monitoring_months=3,
    )
    declared = working_days_ago(200)
    users: dict[str, object] = {}
    for persona in PERSONAS:
        user = User.objects.create_user(
            persona.username,
            f"{persona.username}@przykladowo.example",
            DEMO_PASSWORD,
            first_name=persona.first,
            last_name=persona.last,
        )
        professional = Professional.objects.create(
            user=user,
            municipality=municipality,
            sector=persona.sector,
            profession=persona.profession,
            institution=persona.institution,
            confidentiality_declared_on=declared,
        )
        if persona.team_role:
            TeamMember.objects.create(
                team=team, professional=professional, role=persona.team_role, since=declared
            )
        users[persona.username] = user
    auditor = User.objects.create_user(
        AUDITOR[0],
        f"{AUDITOR[0]}@uw.example",
        DEMO_PASSWORD,
        first_name=AUDITOR[1],
        last_name=AUDITOR[2],
    )
    AuditorScope.objects.create(
        user=auditor, institution="Mazowiecki Urząd Wojewódzki", municipality=municipality
    )
    User.objects.create_superuser("admin", "admin@przykladowo.example", DEMO_PASSWORD)
    return users
