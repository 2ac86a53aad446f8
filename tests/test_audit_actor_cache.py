"""Issue 16: within one request the actor is described once, however many events the request
writes; outside a request (commands, services called directly) each event looks it up."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import actor_description, log_event, request_scope
from tests.scenarios import drive
from workflows.models import Stage

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _fresh(user) -> User:
    """The user as a new request loads it: nothing cached on the instance."""
    return User.objects.get(pk=user.pk)


def test_a_request_describes_its_actor_once(world):
    chair = world.chair
    alone = _queries(lambda: actor_description(_fresh(chair)) and None) - 1  # minus the load
    assert alone >= 2  # the auditor scope, the professional, the chair's membership

    with request_scope("203.0.113.7"):
        first, again = _fresh(chair), _fresh(chair)
        assert _queries(lambda: actor_description(first)) == alone
        assert _queries(lambda: actor_description(again)) == 0
        log_event(action="procedure_list.viewed", actor=_fresh(chair))
    later = _fresh(chair)
    assert _queries(lambda: actor_description(later)) == alone  # the scope ended

    event = AuditEvent.objects.latest("id")
    assert (event.actor_role, event.actor_institution) == actor_description(chair)
    assert event.client == "203.0.113.7"


def test_each_actor_of_a_request_is_described_as_themselves(world):
    with request_scope():
        chair = actor_description(world.chair)
        teacher = actor_description(world.teacher)
        auditor = actor_description(world.auditor)
    assert chair[0] == "chair"
    assert teacher == (
        world.teacher.professional.profession,
        world.teacher.professional.institution,
    )
    assert auditor[0] == "auditor"


def test_the_pages_of_a_request_describe_their_actor(client, world):
    """The middleware opens the scope for each request; the events carry the description."""
    procedure = drive(world, to=Stage.WITH_CHAIR)
    client.force_login(world.chair)
    client.get(f"/procedures/{procedure.pk}/")
    client.get(f"/procedures/{procedure.pk}/?tab=people")
    assert AuditEvent.objects.filter(actor=world.chair, action="procedure.viewed").count() == 2
    roles = set(
        AuditEvent.objects.filter(actor=world.chair).values_list("actor_role", "actor_institution")
    )
    assert roles == {actor_description(world.chair)}
