"""The case page's process diagram, drawn once per combination of node states (issue 16), is the
diagram viewflow itself draws for the case, at every stage."""

import pytest
from viewflow.workflow import chart
from viewflow.workflow.models import Task

from tests.scenarios import drive
from workflows.flows import ProcedureFlow
from workflows.models import Stage
from workflows.views.case import _chart_svg, draw_chart


def viewflow_drawing(process_id: int) -> str:
    """What the page drew before: viewflow's layout and its own reading of the task states."""
    grid = chart.calc_layout_data(ProcedureFlow)
    chart.calc_cell_status(ProcedureFlow, grid, process_id)
    return draw_chart(grid)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stage", [Stage.INITIATED, Stage.WITH_CHAIR, Stage.MEETINGS, Stage.ACTIONS, Stage.CLOSED]
)
def test_the_diagram_shows_the_case_as_viewflow_draws_it(world, stage):
    procedure = drive(world, stage)
    tasks = list(Task.objects.filter(process_id=procedure.process_id).order_by("created"))
    drawn = _chart_svg(tasks)
    assert drawn == viewflow_drawing(procedure.process_id)
    assert 'class="' in drawn  # a drawing, not an empty string


@pytest.mark.django_db
def test_cases_at_different_stages_get_different_diagrams(world):
    early = drive(world, Stage.INITIATED)
    late = drive(world, Stage.ACTIONS)
    tasks = [
        list(Task.objects.filter(process_id=p.process_id).order_by("created"))
        for p in (early, late)
    ]
    assert _chart_svg(list(tasks[0])) != _chart_svg(list(tasks[1]))
