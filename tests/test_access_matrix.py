"""Every URL × people of another municipality: a foreign case is invisible.

The URL list is generated from the URL configuration; a new URL must be classified in
``CASE_URLS`` or ``NOT_CASE_URLS`` or this test fails. Each case URL is requested with the
ids of a procedure of Gmina Testowo by every kind of person of Gmina Obca (team chair,
team member, crisis-centre psychologist, initiator, auditor of Obca, an account with no
role) and anonymously: the answer is "not found" (anonymous: the login page) for GET and
POST alike, and the body never contains the case's names, PESELs or number.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import AuditorScopeFactory, ProfessionalFactory, TeamMemberFactory, UserFactory
from tests.scenarios import drive
from workflows import services
from workflows.models import Profession, Sector, Stage, TeamMember

pytestmark = pytest.mark.django_db

# URL name → why it is not about one case (checked separately or public by design).
NOT_CASE_URLS = {
    "login": "public",
    "logout": "sign-out",
    "set_language": "language switch",
    "admin:*": "superusers only (tests/test_refusals.py)",
    "workflows:inbox": "lists only what the user may see (tests/test_web_queries.py)",
    "workflows:dashboard": "lists only what the user may see",
    "workflows:procedure_list": "lists only what the user may see (checked below)",
    "workflows:nka_create": "creates a new case",
    "documents:verify": "public by design: answers without personal data",
    "audit:compliance": "aggregates only the user's scope (checked below)",
}
CASE_URLS = {
    "workflows:procedure_detail",
    "workflows:nka_detail",
    "workflows:nka_transfer",
    "workflows:group_appoint",
    "workflows:pass_to_group",
    "workflows:victim_meeting",
    "workflows:suspect_meeting",
    "workflows:plan_item_add",
    "workflows:plan_item_status",
    "workflows:referral_create",
    "workflows:referral_certificate",
    "workflows:protective_order_create",
    "workflows:notification_create",
    "workflows:monitoring_note_create",
    "workflows:procedure_close",
    "workflows:monitoring_end",
    "documents:download",
    "documents:regenerate",
    "audit:timeline",
    "audit:person_accesses",
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if ns == "admin":
                yield "admin:*", None
                continue
            yield from _patterns(entry, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def test_every_url_is_classified():
    names = {name for name, _route in _patterns()}
    unclassified = names - CASE_URLS - set(NOT_CASE_URLS)
    assert unclassified == set(), f"classify these URLs in the access matrix: {unclassified}"
    assert names >= CASE_URLS


@pytest.fixture
def foreign_people(world):
    """People of Gmina Obca, whose team is ``world.outsider``'s."""
    obca_team = world.outsider.professional.team_memberships.get().team
    municipality = obca_team.municipality

    def professional(username, sector, profession, team_role=None):
        user = UserFactory(username=username)
        pro = ProfessionalFactory(
            user=user, municipality=municipality, sector=sector, profession=profession
        )
        if team_role:
            TeamMemberFactory(team=obca_team, professional=pro, role=team_role)
        return user

    auditor = UserFactory(username="obca_auditor")
    AuditorScopeFactory(user=auditor, municipality=municipality)
    return {
        "team member": world.outsider,
        "chair": professional(
            "obca_chair", Sector.SOCIAL_ASSISTANCE, Profession.SOCIAL_WORKER, TeamMember.Role.CHAIR
        ),
        "crisis-centre staff": professional(
            "obca_oik", Sector.CRISIS_CENTRE, Profession.PSYCHOLOGIST, TeamMember.Role.MEMBER
        ),
        "initiator": professional("obca_teacher", Sector.EDUCATION, Profession.TEACHER),
        "auditor": auditor,
        "account without a role": UserFactory(username="nobody"),
        "anonymous": None,
    }


def _case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.ACTIONS)
        suspect = procedure.participants.get(role="suspect").person
        referral = services.referral_record(
            actor=world.chair,
            procedure_id=procedure.pk,
            person_id=suspect.pk,
            programme="correctional_educational",
            provider="PCPR",
            referred_on=procedure.initiated_on,
            received_on=procedure.initiated_on,
        )
    victim = procedure.participants.get(role="victim").person
    values = {
        "pk": procedure.pk,
        "nka_pk": procedure.nka_forms.first().pk,
        "item_pk": procedure.help_plan_items.first().pk,
        "referral_pk": referral.pk,
        "public_id": procedure.documents.first().public_id,
        "person_pk": victim.pk,
    }
    secrets = [procedure.number, victim.last_name, victim.pesel, suspect.pesel]
    return procedure, values, secrets


def _url(route: str, values: dict) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def test_a_case_is_invisible_to_everyone_of_another_municipality(
    client, world, foreign_people, django_capture_on_commit_callbacks
):
    _procedure, values, secrets = _case(world, django_capture_on_commit_callbacks)
    routes = {name: route for name, route in _patterns() if name in CASE_URLS}
    checked = 0
    for who, user in foreign_people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, route in routes.items():
            url = _url(route, values)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                if user is None:
                    assert response.status_code == 302 and "/login/" in response["Location"], (
                        who,
                        method,
                        url,
                    )
                elif who == "auditor" and method == "post":
                    assert response.status_code in (403, 404), (who, method, url)
                else:
                    assert response.status_code == 404, (who, method, url, response.status_code)
                text = body.decode(errors="replace")
                for secret in secrets:
                    assert secret not in text, (who, method, url, secret)
                checked += 1
    assert checked == len(foreign_people) * len(routes) * 2


def test_lists_and_reports_of_another_municipality_do_not_show_the_case(
    client, world, foreign_people, django_capture_on_commit_callbacks
):
    _procedure, _values, secrets = _case(world, django_capture_on_commit_callbacks)
    for who, user in foreign_people.items():
        if user is None:
            continue
        client.force_login(user)
        for url in ("/", "/dashboard/", "/procedures/"):
            text = client.get(url).content.decode()
            for secret in secrets:
                assert secret not in text, (who, url, secret)
        # Searching for the victim's name finds nothing (the box echoes the query only).
        response = client.get("/procedures/", {"q": secrets[1]})
        assert list(response.context["page"].object_list) == [], who
        assert secrets[0] not in response.content.decode()
        response = client.get("/audit/compliance/?from=2000-01-01&to=2100-01-01")
        if response.status_code == 200:
            assert all(row.total == 0 for row in response.context["rows"]), who
