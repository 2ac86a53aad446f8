"""The case: its page, its NK-A cards and the reconciliation of their people with the records.

The page's buttons ask ``workflows.permissions.allowed_actions`` (the one answer to "who may
do what now"); the template only asks whether an action is in that set.
"""

import functools

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from viewflow.workflow import chart
from viewflow.workflow.status import STATUS

from documents.selectors import jobs_to_retry
from workflows import calendar, permissions, reconcile, selectors, web
from workflows.flows import ProcedureFlow, rule_met_at
from workflows.models import NOT_BREACHES, VICTIM_ROLES, CardRouting
from workflows.rules import RULE_LABELS, RuleCode

OPEN_TASK = ("NEW", "ASSIGNED")
# Whoever does not read the whole case sees its summary and its NK-A cards only.
FEW_TABS = ("summary", "forms")


def _chart_svg(tasks) -> str:
    """viewflow's process diagram with the states of the case's ``tasks`` (in order of
    creation, as ``procedure_page`` reads them): no query of its own."""
    # viewflow's ``chart.calc_cell_status``, on the tasks already read: a node shows its
    # latest task's state, except that a new task does not hide an earlier one's.
    states: dict = {}
    for task in tasks:
        if not (task.flow_task in states and task.status == STATUS.NEW):
            states[task.flow_task] = task.status
    key = tuple(sorted((node.name, state) for node, state in states.items()))
    return _chart_for(key, get_language())


@functools.lru_cache(maxsize=256)
def _chart_for(states: tuple[tuple[str, str], ...], language: str) -> str:
    """The diagram drawn once per combination of node states and language (a case page drew
    the same diagram from scratch on every view: a quarter of the page's time)."""
    grid = chart.calc_layout_data(ProcedureFlow)
    for name, state in states:
        node = getattr(ProcedureFlow, name, None)
        if node in grid.nodes:
            grid[node].status = state
    return draw_chart(grid)


def draw_chart(grid) -> str:
    """The SVG of viewflow's laid-out ``grid`` with its node states."""
    return render_to_string(
        "workflows/chart.svg",
        {
            "grid": grid,
            "cells": grid.cells,
            "edges": grid.edges,
            # Its text alternative (WCAG 1.1.1); the template is not scanned for messages.
            "title": _(
                "Diagram of the procedure: the steps done, the current step and those still ahead"
            ),
        },
    )


def _tabs() -> list[dict]:
    """The sections of the case page, in the order of the tab bar (``selectors.CASE_TABS``)."""
    labels = {
        "summary": _("Summary"),
        "people": _("People"),
        "forms": _("Forms"),
        "meetings": _("Meetings"),
        "plan": _("Help plan"),
        "orders": _("Orders and notifications"),
        "documents": _("Documents"),
        "history": _("History"),
    }
    return [{"name": name, "label": labels[name]} for name in selectors.CASE_TABS]


@login_required
def procedure_detail(request, pk: int):
    """The case, one section at a time (``?tab=people``; the summary first, an unknown tab is
    the summary too); ``?tab=all`` shows every section at once, for printing. Each section
    reads only its own records."""
    procedure, access = selectors.procedure_open(user=request.user, pk=pk, request=request)
    tabs = _tabs() if access.full_read else [t for t in _tabs() if t["name"] in FEW_TABS]
    names = [t["name"] for t in tabs]
    asked = request.GET.get("tab", "")
    if asked == "all":
        tab = {"name": "all", "label": _("Print version")}
        shown = set(names)
    else:
        tab = tabs[names.index(asked)] if asked in names else tabs[0]
        shown = {tab["name"]}
    page = selectors.procedure_page(
        procedure=procedure, access=access, user=request.user, tabs=shown
    )
    with_documents = bool(shown & {"documents", "plan"})
    documents = (
        list(selectors.documents_for(procedure=procedure, access=access, user=request.user))
        if with_documents
        else []
    )
    open_tasks = [t for t in page.tasks if t.status in OPEN_TASK]
    open_nodes = {t.flow_task.name for t in open_tasks}
    allowed = permissions.allowed_actions(access, procedure, open_nodes=open_nodes)
    open_deadlines = {d.rule: d for d in page.deadlines if d.met_on is None and not d.referral_id}
    # Per person: NK-C / NK-D, a non-appearance, or what is missing (issue 13 item 1).
    diagnosis = selectors.diagnosis_status(procedure) if access.full_read else []
    missing = {row.side for row in diagnosis if not row.covered}
    replaced = {d.replaces_id for d in documents if d.replaces_id}
    # Each notice of closure beside its own document (the version in force).
    notice_documents = {
        d.subject: d for d in documents if d.kind == "closure_notice" and d.pk not in replaced
    }
    closure_notices = [
        (notice, notice_documents.get(f"closure_notice:{notice.pk}"))
        for notice in page.closure_notices
    ]
    # Issue 15: the risk (chair and group only) and the reasons given for missed deadlines.
    risk = (
        selectors.risk_panel(procedure=procedure, deadlines=page.deadlines, cards=page.nka_forms)
        if (access.chair or access.group_member) and "summary" in shown
        else None
    )
    late_reasons = selectors.late_reasons(procedure=procedure) if "summary" in shown else {}
    today = calendar.legal_date()
    for deadline in page.deadlines:
        deadline.late_reason = late_reasons.get(deadline.pk)
        deadline.may_give_reason = (
            "deadline_reason" in allowed
            and deadline.rule not in NOT_BREACHES
            and deadline.due_on < (deadline.met_on or today)
        )
    task_rows = [
        {
            "title": task.flow_task.task_title,
            "owner": task.owner,
            "deadline": open_deadlines.get(rule_met_at(task.flow_task.name)),
        }
        for task in open_tasks
    ]
    meetings = access.full_read and "meetings" in shown
    return render(
        request,
        "workflows/procedure_detail.html",
        {
            "procedure": procedure,
            "access": access,
            "page": page,
            "tabs": tabs,
            "tab": tab,
            "show": dict.fromkeys(shown, True),
            "open_nodes": open_nodes,
            "allowed": allowed,
            "task_rows": task_rows,
            # The document list (documents/web/document_list.html) offers a new version.
            "can_act": "document_regenerate" in allowed,
            "chart": _chart_svg(page.tasks) if access.full_read and "summary" in shown else "",
            "documents": documents,
            "replaced": replaced,
            "closure_notices": closure_notices,
            "documents_waiting": (
                jobs_to_retry(procedure.pk).count()
                if access.full_read and "documents" in shown
                else 0
            ),
            "labels": RULE_LABELS,
            "today": today,
            "risk": risk,
            "victim_roles": VICTIM_ROLES,
            # Meetings planned before they are held (workflows/views/planning.py).
            "planned": selectors.planned_for_case(procedure) if meetings else [],
            "unsafe_victims": (
                selectors.victims_without_safe_address(procedure)
                if meetings and "meeting_plan" in allowed
                else []
            ),
            "diagnosis": diagnosis,
            "victims_missing": "victim" in missing,
            "suspects_missing": "suspect" in missing,
            "notice_due": open_deadlines.get(RuleCode.SUSPECT_NOTICE),
            # Shown beside "Close the procedure" only.
            "open_plan_items": (
                selectors.open_plan_items_count(procedure=procedure)
                if "summary" in shown and "close" in allowed
                else 0
            ),
        },
    )


def _nka_page(request, procedure, access, nka, *, reconcile_error: str = ""):
    entries = list(nka.entries.select_related("person").order_by("role", "id"))
    may_reconcile = permissions.may(access, "reconcile", procedure)
    return render(
        request,
        "workflows/nka_detail.html",
        {
            "procedure": procedure,
            "access": access,
            "nka": nka,
            "entries": entries,
            "routed": CardRouting.objects.filter(nka=nka).exists(),
            "differences": (
                [(e, reconcile.person_differences(e)) for e in entries] if may_reconcile else []
            ),
            "may_reconcile": may_reconcile,
            "reconcile_error": reconcile_error,
        },
    )


@login_required
def nka_detail(request, pk: int, nka_pk: int):
    procedure, access, nka = selectors.nka_open(
        user=request.user, pk=pk, nka_pk=nka_pk, request=request
    )
    return _nka_page(request, procedure, access, nka)


class ReconcileForm(forms.Form):
    """The values chosen on the NK-A page: repeated ``change=<card entry id>:<field name>``."""

    def clean(self) -> dict:
        chosen: dict[int, list[str]] = {}
        for value in self.data.getlist("change"):
            entry_pk, _sep, field_name = value.partition(":")
            if entry_pk.isdigit() and field_name:
                chosen.setdefault(int(entry_pk), []).append(field_name)
        if not chosen:
            raise forms.ValidationError(
                _("Choose at least one value that differs from the record.")
            )
        return {"chosen": chosen}


@login_required
def person_reconcile(request, pk: int, nka_pk: int):
    """Copy the chosen card values onto the shared people's records (chair or group)."""
    procedure, access, nka = selectors.nka_get(user=request.user, pk=pk, nka_pk=nka_pk)
    if not permissions.may_open(access, "reconcile"):
        raise PermissionDenied
    target = reverse("workflows:nka_detail", args=[procedure.pk, nka.pk])
    if request.method != "POST":
        return HttpResponseRedirect(target)  # the form lives on the NK-A page
    form = ReconcileForm(request.POST)

    def write() -> str:
        with transaction.atomic():
            for entry_pk, fields in form.cleaned_data["chosen"].items():
                reconcile.person_reconcile(
                    actor=request.user,
                    procedure_id=procedure.pk,
                    nka_person_id=entry_pk,
                    fields=fields,
                )
        return target

    done = web.form_submit(
        request,
        form=form,
        perform=write,
        once=False,
        success_message=_("The chosen values are now in the people's records."),
    )
    if done:
        return done
    # The card is shown again with the message: a read of it, logged.
    procedure, access, nka = selectors.nka_open(
        user=request.user, pk=pk, nka_pk=nka_pk, request=request
    )
    error = " ".join(form.non_field_errors())
    return _nka_page(request, procedure, access, nka, reconcile_error=error)
