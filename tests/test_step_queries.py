"""Issue 16: a step asks for what it holds once (bench/steps.py measures the whole cost).

Each test counts one kind of query during one step, so a change that brings back a repeated
lookup fails here with the query it repeats, not only as a number in the benchmark.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.scenarios import drive
from workflows import services
from workflows.models import Stage

pytestmark = pytest.mark.django_db


def _transfer(world):
    procedure = drive(world, to=Stage.INITIATED)
    today = datetime.date.today()
    with CaptureQueriesContext(connection) as captured:
        services.nka_transfer(
            actor=world.teacher,
            procedure_id=procedure.pk,
            nka_id=procedure.nka_forms.get().pk,
            sent_on=today,
            received_on=today,
        )
    return [q["sql"] for q in captured]


def _selects(queries: list[str], table: str) -> list[str]:
    return [q for q in queries if q.startswith("SELECT") and f'FROM "{table}"' in q]


def test_a_step_loads_its_procedure_and_team_once(world):
    queries = _transfer(world)
    assert len(_selects(queries, "workflows_procedure")) == 1  # the lock, with the team
    assert not _selects(queries, "workflows_team")


def test_a_step_asks_the_actors_access_and_the_open_tasks_once(world):
    queries = _transfer(world)
    assert len([q for q in queries if '"workflows_teammember"' in q and "EXISTS" in q]) == 1
    open_nodes = [
        q
        for q in queries
        if q.startswith('SELECT "viewflow_task"."id", "viewflow_task"."flow_task" FROM')
    ]
    assert len(open_nodes) == 2  # before the step (where the case is), after it (the new stage)


def test_a_steps_tasks_are_not_read_again_before_they_are_saved(world):
    queries = _transfer(world)
    previous = [q for q in queries if q.startswith('SELECT "viewflow_task"."status" AS')]
    assert previous == []
