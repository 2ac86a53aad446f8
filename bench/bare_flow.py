"""A bare viewflow process with the procedure's shape: the yardstick of ``bench/steps.py``.

Same nodes as ``workflows.flows.ProcedureFlow`` (start, three sequential human tasks, a split
into two, a join, one more human task, end), the same select-for-update lock, the owner from
memory and no domain data. Never deployed: it is not in ``INSTALLED_APPS`` nor in the URLs.

viewflow stores a process's flow as ``app_label/module.Class`` and resolves it through the app
that contains the module, so this module also answers as ``workflows.bench_bare_flow`` (in
``sys.modules`` only, while a benchmark runs): the rows it writes name a flow that no deployed
process can resolve.
"""

import sys

from viewflow import this
from viewflow.workflow import flow, lock

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
    actions = flow.View(None).Next(this.end)
    end = flow.End()


BareFlow.__module__ = ALIAS
sys.modules[ALIAS] = sys.modules[__name__]
