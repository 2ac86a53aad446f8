"""A bare viewflow process with the procedure's shape: the yardstick of ``bench/steps.py``.

Same nodes as ``workflows.flows.ProcedureFlow`` (start, three sequential human tasks, a split
into two, a join, one more human task, the If gateway after it choosing between a monitoring
task and the end), the same select-for-update lock, the owner from memory and no domain data.
Its tasks are completed as viewflow does it (``complete``), not through the step services'
``complete_task``. Never deployed: it is not in ``INSTALLED_APPS`` nor in the URLs.

viewflow stores a process's flow as ``app_label/module.Class`` and resolves it through the app
that contains the module, so this module also answers as ``workflows.bench_bare_flow`` (in
``sys.modules`` only, while a benchmark runs): the rows it writes name a flow that no deployed
process can resolve.
"""

import sys

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.status import STATUS

ALIAS = "workflows.bench_bare_flow"
OWNER: dict = {}


def _owner(activation):
    return OWNER.get("user")


class BareFlow(flow.Flow):
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.t1)
    t1 = flow.View(None).Assign(_owner).Next(this.t2)
    t2 = flow.View(None).Assign(_owner).Next(this.t3)
    t3 = flow.View(None).Assign(_owner).Next(this.split)
    split = flow.Split().Next(this.v).Next(this.s)
    v = flow.View(None).Next(this.join)
    s = flow.View(None).Next(this.join)
    join = flow.Join().Next(this.actions)
    actions = flow.View(None).Next(this.check)
    # ProcedureFlow's gateway after closure: monitoring after closure (the branch the
    # benchmark's closure takes: "no grounds" starts the monitoring) or the end.
    check = flow.If(lambda activation: True).Then(this.monitoring).Else(this.end)
    monitoring = flow.View(None).Next(this.end)
    end = flow.End()


def complete(task, user) -> None:
    """Complete a human task as viewflow itself does: assign it (a save) when new, start it,
    execute it (a save, then the next nodes)."""
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(user)
    activation.start(None)
    activation.execute()


BareFlow.__module__ = ALIAS
sys.modules[ALIAS] = sys.modules[__name__]
