"""Every URL × every kind of person × the case's own and another municipality.

The URL list is generated from the URL configuration; a new URL must be classified in
``CASE_URLS`` or ``NOT_CASE_URLS`` or this test fails. Each case URL is requested with the
ids of a procedure of Gmina Testowo by every kind of person of Gmina Obca (team chair,
team member, crisis-centre psychologist, initiator, auditor of Obca, an account with no
role) and anonymously: the answer is "not found" (anonymous: the login page) for GET and
POST alike, and the body never contains the case's names, PESELs or number.

The own half (``OWN_MATRIX``) gives the expected status of every case URL on the case's
own procedure for every kind of person of its municipality: chair, team member, group
member, initiator, auditor, and the people of that municipality who must see nothing.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import AuditorScopeFactory, ProfessionalFactory, TeamMemberFactory, UserFactory
from tests.scenarios import drive, granted_notification, granted_referral
from workflows import services
from workflows.models import (
    GroupNotice,
    PlannedMeeting,
    Procedure,
    Profession,
    Sector,
    Stage,
    TeamMember,
)
from workflows.risk import checklist

pytestmark = pytest.mark.django_db

# URL name → why it is not about one case (checked separately or public by design).
NOT_CASE_URLS = {
    "login": "public",
    "logout": "sign-out",
    "accounts:two_factor_setup": "the user's own authenticator (tests/test_two_factor.py)",
    "accounts:two_factor_qr": "the user's own authenticator (tests/test_two_factor.py)",
    "accounts:two_factor_verify": "the user's own second factor (tests/test_two_factor.py)",
    "set_language": "language switch",
    "password_change": "the user's own password (tests/test_edges.py)",
    "password_change_done": "the user's own password (tests/test_edges.py)",
    "password_reset_confirm": "a one-use token mailed to a new group member",
    "password_reset_complete": "says only that a password was set",
    "admin:*": "superusers only (tests/test_refusals.py)",
    "workflows:inbox": "lists only what the user may see (tests/test_web_queries.py)",
    "workflows:dashboard": "lists only what the user may see",
    "workflows:procedure_list": "lists only what the user may see (checked below)",
    "workflows:calendar": "lists only what the user may see (test_scenario_planned_meeting)",
    "workflows:calendar_feed_manage": "the user's own feed address",
    "workflows:calendar_feed": "a secret token, no session (test_scenario_planned_meeting)",
    "workflows:nka_create": "creates a new case",
    "workflows:notifications": "the user's own notifications (tests/test_notifications.py)",
    "workflows:notification_preferences": "the user's own e-mail choices",
    "workflows:notifications_read_all": "the user's own notifications",
    "workflows:notification_open": "the user's own notification; 404 for another's",
    "workflows:notification_read": "the user's own notification; 404 for another's",
    "documents:verify": "public by design: answers without personal data",
    "help": "the user guide, public (tests/test_help.py)",
    "help_role": "the user guide, public (tests/test_help.py)",
    "help_image": "the user guide's screenshots, public (tests/test_help_images.py)",
    "accessibility": "the declaration of accessibility, public by law (tests/test_help.py)",
    "centre:*": "the crisis centre's own register: its staff only (tests/test_centre.py)",
    "audit:compliance": "aggregates only the user's scope (checked below)",
    "audit:compliance_cases": "lists only the user's scope (tests/test_compliance.py)",
    "audit:timeliness": "aggregates only the user's scope (tests/test_timeliness.py)",
    "audit:timeliness_cases": "lists only the user's scope (tests/test_timeliness.py)",
}
CASE_URLS = {
    "workflows:procedure_detail",
    "workflows:nka_detail",
    "workflows:person_reconcile",
    "workflows:card_detail",
    "workflows:nka_transfer",
    "workflows:card_order",
    "workflows:group_appoint",
    "workflows:pass_to_group",
    "workflows:group_member_add",
    "workflows:group_member_register",
    "workflows:group_member_remove",
    "workflows:group_notice_seen",
    "workflows:victim_meeting",
    "workflows:suspect_meeting",
    "workflows:meeting_plan",
    "workflows:meeting_reschedule",
    "workflows:planned_meeting_close",
    "workflows:group_meeting",
    "workflows:correspondence_address",
    "workflows:victim_absence",
    "workflows:suspect_notice",
    "workflows:plan_item_add",
    "workflows:plan_item_status",
    "workflows:referral_create",
    "workflows:referral_decide",
    "workflows:referral_certificate",
    "workflows:protective_order_create",
    "workflows:detention_notice_create",
    "workflows:notification_create",
    "workflows:notification_decide",
    "workflows:notification_sent",
    "workflows:monitoring_note_create",
    "workflows:procedure_close",
    "workflows:monitoring_end",
    "workflows:record_withdraw",
    "workflows:record_correct",
    "workflows:document_download",
    "workflows:document_regenerate",
    "workflows:documents_retry",
    "workflows:risk_assess",
    "workflows:risk_detail",
    "workflows:safety_action",
    "workflows:deadline_reason",
    "workflows:card_risk_assess",
    "audit:timeline",
    "audit:person_accesses",
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if ns in ("admin", "centre"):
                yield f"{ns}:*", None
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
        referral = granted_referral(
            world,
            Procedure.objects.get(pk=procedure.pk),
            person_id=suspect.pk,
            programme="correctional_educational",
            provider="PCPR",
            on=procedure.initiated_on,
            received_on=procedure.initiated_on,
        )
        planned = services.meeting_plan(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            planned=PlannedMeeting(
                kind="suspect",
                date=procedure.initiated_on + datetime.timedelta(days=30),
                time=datetime.time(10),
                place="KPP",
            ),
            invitee_id=suspect.pk,
        )
        notification = granted_notification(
            world,
            Procedure.objects.get(pk=procedure.pk),
            kind="police",
            addressee="KPP",
            person_id=suspect.pk,
            on=procedure.initiated_on,
        )
    victim = procedure.participants.get(role="victim").person
    assessment = _assessment(world, procedure, victim)
    late = procedure.deadlines.exclude(rule__in=["protective_order"]).first()
    notice = GroupNotice.objects.create(
        group=procedure.group,
        professional=world.police_officer.professional,
        kind=GroupNotice.Kind.LEFT_TEAM,
    )
    values = {
        "planned_pk": planned.pk,
        "participant_pk": procedure.participants.get(role="victim").pk,
        "notice_pk": notice.pk,
        "pk": procedure.pk,
        "nka_pk": procedure.nka_forms.first().pk,
        "kind": "nka",
        "record_pk": procedure.nka_forms.first().pk,
        "item_pk": procedure.help_plan_items.first().pk,
        "referral_pk": referral.pk,
        "notification_pk": notification.pk,
        "public_id": procedure.documents.first().public_id,
        "person_pk": victim.pk,
        "assessment_pk": assessment.pk,
        "deadline_pk": late.pk,
    }
    secrets = [procedure.number, victim.last_name, victim.pesel, suspect.pesel]
    return procedure, values, secrets


def _assessment(world, procedure, victim):
    """An assessment that acts (an immediate-action answer), by the group (issue 15)."""
    answers = {q.code: "no" for q in checklist("adult").questions} | {"weapon": "yes"}
    return services.risk_assess(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        person_id=victim.pk,
        kind="adult",
        answers=answers,
        occasion="review",
        assessed_on=procedure.initiated_on,
    )


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


# ---------------------------------------------------------------------------------------
# The own half: the same case URLs on the case's own procedure (stage "actions", a referral
# recorded), by every kind of person of its own municipality. "GET/POST" statuses:
# 200 the page (a POST without data re-renders the form with its messages), 302 the login
# page, 403 a person who may see the case but not take this step, 404 as if it did not
# exist. The initiator alone sees no case (issue 11): every case URL answers them 404,
# except their own card's page, its transfer and its NK-A/NK-B documents. Everybody not
# listed in a row (a crisis-centre psychologist who is neither on the team nor in the group,
# a group member whose confidentiality declaration is not on record, a team member of
# another municipality, an account without a role) gets 404/404, and the anonymous visitor
# the login page.
OWN_PERSONAS = ("chair", "team member", "group member", "initiator", "auditor")
OWN_MATRIX = {
    #                                   chair      team mem.  group mem. initiator  auditor
    "workflows:procedure_detail":      ("200/200", "200/200", "200/200", "404/404", "200/403"),
    "workflows:nka_detail":            ("200/200", "200/200", "200/200", "404/404", "200/403"),
    "workflows:person_reconcile":      ("302/200", "403/403", "302/200", "404/404", "403/403"),
    # The initiator's own card, addressed by the card alone: nobody else's page.
    "workflows:card_detail":           ("404/404", "404/404", "404/404", "200/200", "404/403"),
    "workflows:nka_transfer":          ("404/404", "404/404", "404/404", "200/200", "404/403"),
    # The initiator records orders against their card's suspects while the case runs.
    "workflows:card_order":            ("404/404", "404/404", "404/404", "200/200", "404/403"),
    "workflows:group_appoint":         ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:pass_to_group":         ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:group_member_add":      ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:group_member_register": ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:group_member_remove":   ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:group_notice_seen":     ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:victim_meeting":        ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:suspect_meeting":       ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:meeting_plan":          ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:meeting_reschedule":    ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:planned_meeting_close": ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:group_meeting":         ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:correspondence_address": ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:victim_absence":        ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:suspect_notice":        ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:plan_item_add":         ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:plan_item_status":      ("200/200", "403/403", "200/200", "404/404", "403/403"),
    # The group asks, the team decides (its chair records the decision).
    "workflows:referral_create":       ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:referral_decide":       ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:referral_certificate":  ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:protective_order_create": ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:detention_notice_create": ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:notification_create":   ("403/403", "403/403", "200/200", "404/404", "403/403"),
    "workflows:notification_decide":   ("200/200", "403/403", "403/403", "404/404", "403/403"),
    "workflows:notification_sent":     ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:monitoring_note_create": ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:procedure_close":       ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:monitoring_end":        ("200/200", "403/403", "200/200", "404/404", "403/403"),
    # The NK-A card, already with the chair: no longer its initiator's to change.
    "workflows:record_withdraw":       ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:record_correct":        ("200/200", "403/403", "200/200", "404/404", "403/403"),
    # The initiator's own NK-A; the NK-C row below is someone else's document.
    "workflows:document_download": ("200/200", "200/200", "200/200", "200/200", "200/403"),
    "workflows:document_download (NK-C)": ("200/200", "200/200", "200/200", "404/404", "200/403"),
    "workflows:document_regenerate": ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:documents_retry": ("302/302", "403/403", "302/302", "404/404", "403/403"),
    # Issue 15: the risk is the chair's and the group's; the initiator answers with the card.
    "workflows:risk_assess":           ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:risk_detail":           ("200/200", "404/404", "200/200", "404/404", "200/403"),
    "workflows:safety_action":         ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:deadline_reason":       ("200/200", "403/403", "200/200", "404/404", "403/403"),
    "workflows:card_risk_assess":      ("404/404", "404/404", "404/404", "200/200", "404/403"),
    "audit:timeline":                  ("200/200", "403/403", "403/403", "404/404", "200/403"),
    "audit:person_accesses":           ("200/200", "404/404", "404/404", "404/404", "200/403"),
}  # fmt: skip


@pytest.fixture
def own_people(world):
    municipality = world.team.municipality
    oik = UserFactory(username="oik_not_on_team")
    ProfessionalFactory(
        user=oik,
        municipality=municipality,
        sector=Sector.CRISIS_CENTRE,
        profession=Profession.PSYCHOLOGIST,
    )
    undeclared = UserFactory(username="undeclared")
    ProfessionalFactory(
        user=undeclared,
        municipality=municipality,
        sector=Sector.POLICE,
        profession=Profession.POLICE_OFFICER,
        confidentiality_declared_on=None,
    )
    return {
        "chair": world.chair,
        "team member": world.oik_psychologist,  # on the team, not in this case's group
        "group member": world.social_worker,
        "initiator": world.teacher,
        "auditor": world.auditor,
        "crisis-centre staff not on the team": oik,
        "group member without a declaration": undeclared,
        "team member of another municipality": world.outsider,
        "account without a role": UserFactory(username="nobody_own"),
        "anonymous": None,
    }


def test_the_own_matrix_covers_every_case_url():
    assert {name.split(" ")[0] for name in OWN_MATRIX} == CASE_URLS


def test_own_case_answers_each_person_as_the_matrix_says(
    client, world, own_people, django_capture_on_commit_callbacks
):
    from documents.models import Document, DocumentKind
    from workflows.models import GroupMember

    procedure, values, secrets = _case(world, django_capture_on_commit_callbacks)
    GroupMember.objects.create(
        group=procedure.group,
        professional=own_people["group member without a declaration"].professional,
    )
    nka_document = Document.objects.get(procedure=procedure, kind=DocumentKind.NKA)
    nkc_document = Document.objects.get(procedure=procedure, kind=DocumentKind.NKC)
    routes = {name: route for name, route in _patterns() if name in CASE_URLS}
    failures = []
    for row, expected in OWN_MATRIX.items():
        name = row.split(" ")[0]
        public_id = nkc_document.public_id if "NK-C" in row else nka_document.public_id
        url = _url(routes[name], {**values, "public_id": public_id})
        for who, user in own_people.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            if who in OWN_PERSONAS:
                want = expected[OWN_PERSONAS.index(who)]
            elif user is None:
                want = "302/302"
            else:
                want = "404/404"
            got = []
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                got.append(str(response.status_code))
                if user is None:
                    assert "/login/" in response["Location"]
                if want.startswith("404") or user is None:
                    text = body.decode(errors="replace")
                    assert not [s for s in secrets if s in text], (who, method, url)
            if "/".join(got) != want:
                failures.append(f"{row} × {who}: expected {want}, got {'/'.join(got)}")
    assert failures == []
