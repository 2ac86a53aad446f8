"""Pages of the procedure. Thin: selectors read (and check access), services write.

A procedure the user may not see answers 404, exactly like a missing one; a step the user
sees but may not take answers 403. A refused step re-renders its form with the services'
messages next to the fields, and nothing is written.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from viewflow.workflow import chart

from audit.services import log_read
from documents.selectors import jobs_to_retry
from forms.models import HelpPlanItem
from workflows import calendar, idempotency, reconcile, selectors, services, step_forms
from workflows.flows import ProcedureFlow, rule_met_at
from workflows.models import VICTIM_ROLES, CardRouting, Participant, Referral, Role
from workflows.rules import RULE_LABELS, RuleCode, edition_on, rule
from workflows.services import ServiceError


def _procedure_url(procedure) -> str:
    return reverse("workflows:procedure_detail", args=[procedure.pk])


# --------------------------------------------------------------------------- lists


@login_required
def inbox(request):
    """The user's open tasks with their due dates, most urgent first."""
    rows = selectors.open_tasks_for(request.user)
    cards = [c for c in selectors.cards_of(user=request.user) if c.to_do]
    today = calendar.legal_date()
    late_cards = sum(1 for c in cards if c.deadline and c.deadline.due_on < today)
    log_read(action="inbox.viewed", request=request, procedures=[row.procedure for row in rows])
    return render(
        request,
        "workflows/inbox.html",
        {
            "rows": rows,
            "cards": cards,
            "routed": selectors.cards_routed(user=request.user),
            "overdue": sum(1 for r in rows if r.overdue) + late_cards,
        },
    )


@login_required
def dashboard(request):
    """The team's deadlines: overdue and due within the reminder window."""
    days = calendar_window()
    due = selectors.deadlines_due(user=request.user, within_working_days=days)
    cards = selectors.card_deadlines_due(user=request.user, within_working_days=days)
    log_read(
        action="dashboard.viewed",
        request=request,
        procedures=[d.procedure_id for d in due["overdue"] + due["due_soon"]],
    )
    return render(
        request,
        "workflows/dashboard.html",
        {
            "overdue": due["overdue"],
            "due_soon": due["due_soon"],
            "cards_overdue": cards["overdue"],
            "cards_due_soon": cards["due_soon"],
            "window": days,
            "labels": RULE_LABELS,
            "today": calendar.legal_date(),
        },
    )


def calendar_window() -> int:
    from django.conf import settings

    return int(getattr(settings, "OIK_REMINDER_WORKING_DAYS", 2))


@login_required
def procedure_list(request):
    form = step_forms.ProcedureSearchForm(request.GET or None)
    query, stage, overdue = "", "", False
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        stage = form.cleaned_data["stage"]
        overdue = form.cleaned_data["overdue"]
    procedures = selectors.procedure_search(
        user=request.user, query=query, stage=stage, overdue=overdue, request=request
    )
    page = Paginator(procedures, 25).get_page(request.GET.get("page"))
    selectors.procedure_list_seen(
        user=request.user,
        procedures=page,
        query=query,
        stage=stage,
        overdue=overdue,
        request=request,
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "workflows/procedure_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "today": calendar.legal_date(),
        },
    )


# --------------------------------------------------------------------------- the case


def _chart_svg(procedure) -> str:
    """viewflow's process diagram with this case's task states (one query)."""
    from django.template.loader import render_to_string

    grid = chart.calc_layout_data(ProcedureFlow)
    if procedure.process_id:
        chart.calc_cell_status(ProcedureFlow, grid, procedure.process_id)
    return render_to_string(
        "workflows/chart.svg", {"grid": grid, "cells": grid.cells, "edges": grid.edges}
    )


@login_required
def procedure_detail(request, pk: int):
    procedure, access = selectors.procedure_open(user=request.user, pk=pk, request=request)
    page = selectors.procedure_page(procedure=procedure, access=access, user=request.user)
    documents = list(selectors.documents_for(procedure=procedure, access=access, user=request.user))
    open_tasks = [t for t in page.tasks if t.status in ("NEW", "ASSIGNED")]
    open_nodes = {t.flow_task.name for t in open_tasks}
    open_deadlines = {d.rule: d for d in page.deadlines if d.met_on is None and not d.referral_id}
    task_rows = [
        {
            "title": task.flow_task.task_title,
            "owner": task.owner,
            "deadline": open_deadlines.get(rule_met_at(task.flow_task.name)),
        }
        for task in open_tasks
    ]
    return render(
        request,
        "workflows/procedure_detail.html",
        {
            "procedure": procedure,
            "access": access,
            "page": page,
            "open_nodes": open_nodes,
            "task_rows": task_rows,
            "can_act": (access.chair or access.group_member) and not access.auditor,
            "chart": _chart_svg(procedure) if access.full_read else "",
            "documents": documents,
            "replaced": {d.replaces_id for d in documents if d.replaces_id},
            "documents_waiting": (jobs_to_retry(procedure.pk).count() if access.full_read else 0),
            "labels": RULE_LABELS,
            "today": calendar.legal_date(),
            "victim_roles": VICTIM_ROLES,
            "open_plan_items": sum(
                1 for i in page.plan_items if i.is_current and i.status == HelpPlanItem.Status.OPEN
            ),
        },
    )


def _nka_page(request, procedure, access, nka, *, reconcile_error: str = ""):
    entries = list(nka.entries.select_related("person").order_by("role", "id"))
    may_reconcile = (access.chair or access.group_member) and not access.auditor
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


@login_required
def person_reconcile(request, pk: int, nka_pk: int):
    """Copy the chosen card values onto the shared people's records (chair or group)."""
    procedure, access, nka = selectors.nka_get(user=request.user, pk=pk, nka_pk=nka_pk)
    if not (access.chair or access.group_member) or access.auditor:
        raise PermissionDenied
    target = reverse("workflows:nka_detail", args=[procedure.pk, nka.pk])
    if request.method != "POST":
        return HttpResponseRedirect(target)  # the form lives on the NK-A page
    chosen: dict[int, list[str]] = {}
    for value in request.POST.getlist("change"):
        entry_pk, _sep, field_name = value.partition(":")
        if entry_pk.isdigit() and field_name:
            chosen.setdefault(int(entry_pk), []).append(field_name)
    try:
        if not chosen:
            raise ServiceError(
                {"fields": [_("Choose at least one value that differs from the record.")]}
            )
        with transaction.atomic():
            for entry_pk, fields in chosen.items():
                reconcile.person_reconcile(
                    actor=request.user,
                    procedure_id=procedure.pk,
                    nka_person_id=entry_pk,
                    fields=fields,
                )
    except ServiceError as error:
        message = " ".join(m for messages in error.message_dict.values() for m in messages)
        # The card is shown again with the message: a read of it, logged.
        procedure, access, nka = selectors.nka_open(
            user=request.user, pk=pk, nka_pk=nka_pk, request=request
        )
        return _nka_page(request, procedure, access, nka, reconcile_error=message)
    messages.success(request, _("The chosen values are now in the people's records."))
    return HttpResponseRedirect(target)


# --------------------------------------------------------------------------- own cards


@login_required
def card_detail(request, nka_pk: int):
    """The initiator's own card: what it says, what they must do, its NK-A and NK-B.

    Nothing of the case the card belongs to: not its number, household, stage or people
    other than the card's own. The same page whether the card opened, joined or was routed.
    """
    card = selectors.card_open(user=request.user, nka_pk=nka_pk, request=request)
    return render(
        request,
        "workflows/card_detail.html",
        {
            "card": card,
            "nka": card.nka,
            "entries": list(card.nka.entries.order_by("role", "id")),
            "documents": list(selectors.card_documents(nka=card.nka)),
            "documents_waiting": 0,
            "can_act": False,
            "replaced": set(),
        },
    )


class CardTransferView(LoginRequiredMixin, View):
    """The initiator records sending their card's original to the team chair (§ 7)."""

    template_name = "workflows/step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.card = selectors.card_open(user=request.user, nka_pk=kwargs["nka_pk"], request=request)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        days = rule(RuleCode.NKA_TO_CHAIR, self.card.nka.edition).value
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": _("Send the NK-A original to the team chair"),
                "intro": _(
                    "The original goes to the chair within %(days)s working days of filling."
                )
                % {"days": days},
                "back_url": reverse("workflows:card_detail", args=[self.card.nka.pk]),
            },
        )

    def get(self, request, **kwargs):
        today = calendar.legal_date()
        return self.render_form(
            step_forms.TransferForm(initial={"sent_on": today, "received_on": today})
        )

    def post(self, request, **kwargs):
        form = step_forms.TransferForm(request.POST)
        if form.is_valid():
            try:
                services.nka_transfer(
                    actor=request.user,
                    procedure_id=self.card.nka.procedure_id,
                    nka_id=self.card.nka.pk,
                    **form.cleaned_data,
                )
            except ServiceError as error:
                step_forms.apply_service_error(form, error)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("The transfer of the NK-A is recorded."))
                return HttpResponseRedirect(
                    reverse("workflows:card_detail", args=[self.card.nka.pk])
                )
        return self.render_form(form)


class NKACreateView(LoginRequiredMixin, View):
    """Fill NK-A: the moment the procedure starts (or joins an open one)."""

    template_name = "workflows/nka_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            professional = selectors.professional_for(request.user)
            if professional is None or not professional.has_declaration:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _consultation(self):
        """The crisis-centre consultation this NK-A starts from (``?consultation=``), if any."""
        from centre.models import Consultation
        from centre.selectors import centre_for

        pk = self.request.GET.get("consultation", "")
        centre = centre_for(self.request.user)
        if not pk.isdigit() or centre is None:
            return None
        return Consultation.objects.filter(pk=pk, centre=centre, procedure__isnull=True).first()

    def _forms(self, data=None):
        formset_class = step_forms.forms.formset_factory(
            step_forms.PersonForm,
            formset=step_forms.BasePersonFormSet,
            extra=2,
            min_num=2,
            max_num=20,
            absolute_max=20,
            validate_max=True,
        )
        initial = [{"role": Role.VICTIM}, {"role": Role.SUSPECT}]
        consultation = self._consultation()
        self.prefilled = []
        if consultation is not None:
            self.prefilled = [c.person for c in consultation.clients.select_related("person")]
            # Started from a crisis-centre consultation: its people as the victims.
            initial = [
                {
                    "role": Role.VICTIM,
                    "first_name": c.first_name,
                    "last_name": c.last_name,
                    "pesel": c.pesel or "",
                    "birth_date": c.birth_date,
                    "sex": c.sex,
                    "phone": c.phone,
                }
                for c in self.prefilled
            ] + [{"role": Role.SUSPECT}]
        professional = selectors.professional_for(self.request.user)
        form = step_forms.NKAForm(
            data, initial={"place": professional.municipality.name, "nkb_handed": True}
        )
        people = formset_class(data, prefix="people", initial=initial)
        return form, people

    def _add_row(self, request):
        """ "More rows for people": everything typed comes back, with one empty row more.

        Nothing is validated or saved, so no error is shown for the half-filled card.
        """
        data = request.POST.copy()
        total = data.get("people-TOTAL_FORMS", "")
        data["people-TOTAL_FORMS"] = str(min(int(total) + 1, 20) if total.isdigit() else 3)
        form, people = self._forms(data)
        step_forms.without_validation(form, people)
        return render(request, self.template_name, {"form": form, "people": people})

    def get(self, request):
        form, people = self._forms()
        # Prefilled from a consultation: the page shows the centre's record of its people.
        log_read(
            action="nka_form.viewed",
            request=request,
            people=[record.person_id for record in self.prefilled],
        )
        return render(request, self.template_name, {"form": form, "people": people})

    def post(self, request):
        if "add_row" in request.POST:
            return self._add_row(request)
        previous = idempotency.previous_submission(request)
        if previous is not None:
            return previous
        form, people = self._forms(request.POST)
        if form.is_valid() and people.is_valid():
            data = services.NKAInput(
                **form.cleaned_data,
                people=[
                    services.PersonInput(**f.cleaned_data) for f in people.forms if f.cleaned_data
                ],
            )

            def initiate() -> str:
                filed = services.procedure_initiate(actor=request.user, data=data)
                consultation = self._consultation()
                if consultation is not None:
                    from centre.services import consultation_link_procedure

                    consultation_link_procedure(
                        actor=request.user,
                        consultation_id=consultation.pk,
                        procedure=filed.procedure,
                    )
                return reverse("workflows:card_detail", args=[filed.nka.pk])

            # The same answer whether the card opened, joined or was routed: the filer
            # learns nothing of any other case (issue 11).
            edition = edition_on(calendar.legal_date(data.filled_at))
            days = rule(RuleCode.NKA_TO_CHAIR, edition).value
            try:
                return idempotency.submit_once(
                    request,
                    initiate,
                    success_message=_(
                        "NK-A recorded. Send the original to the team chair within "
                        "%(days)s working days."
                    )
                    % {"days": days},
                )
            except ServiceError as error:
                step_forms.apply_service_error(form, error, {"people": people})
        return render(request, self.template_name, {"form": form, "people": people})


# --------------------------------------------------------------------------- steps


class StepView(LoginRequiredMixin, View):
    """One step of the procedure: a form, one service call, back to the procedure page."""

    form_class = step_forms.ConfirmForm
    title = ""
    intro = ""
    template_name = "workflows/step.html"
    success_message = gettext_lazy("Saved.")

    def may(self, access) -> bool:
        """Who may open the step's form (the service checks again when it writes)."""
        return (access.chair or access.group_member) and not access.auditor

    def form_kwargs(self) -> dict:
        return {}

    def initial(self) -> dict:
        return {}

    def perform(self, form) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.procedure, self.access = selectors.procedure_get(user=request.user, pk=kwargs["pk"])
        if not self.may(self.access):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "procedure": self.procedure,
                "form": form,
                "title": self.title,
                "intro": self.intro,
                "view": self,
            },
        )

    def get(self, request, **kwargs):
        self.check_object()
        self.shown_people = []
        response = self.render_form(self.form_class(initial=self.initial(), **self.form_kwargs()))
        # The form names the case and lists its participants: a read (one event).
        log_read(
            action="step_form.viewed",
            request=request,
            procedures=[self.procedure],
            people=self.shown_people,
            payload={"step": request.resolver_match.url_name},
        )
        return response

    def check_object(self) -> None:
        """Raise ``Http404`` when the URL names an object outside this procedure."""

    def post(self, request, **kwargs):
        self.check_object()
        previous = idempotency.previous_submission(request)
        if previous is not None:
            return previous
        form = self.form_class(request.POST, initial=self.initial(), **self.form_kwargs())
        if form.is_valid():
            try:
                return self.submit(lambda: self.perform(form))
            except ServiceError as error:
                step_forms.apply_service_error(form, error, self.extra_formsets())
        return self.render_form(form)

    def submit(self, perform) -> HttpResponseRedirect:
        """Run ``perform`` once per form token (``workflows.idempotency``); back to the case."""

        def write() -> str:
            perform()
            return self.success_url()

        return idempotency.submit_once(self.request, write, success_message=self.success_message)

    def success_url(self) -> str:
        return _procedure_url(self.procedure)

    def extra_formsets(self) -> dict:
        return {}

    def today(self):
        return calendar.legal_date()

    def participants(self, roles):
        people = [
            p.person
            for p in Participant.objects.filter(procedure=self.procedure, role__in=list(roles))
            .select_related("person")
            .order_by("person__last_name")
        ]
        if hasattr(self, "shown_people"):
            self.shown_people += people
        return people


class GroupAppointView(StepView):
    form_class = step_forms.GroupAppointForm
    title = gettext_lazy("Appoint the diagnostic-support group")
    intro = gettext_lazy(
        "The group must include a social worker and a police officer; every member must "
        "have signed the confidentiality declaration."
    )
    success_message = gettext_lazy("The group is appointed.")

    def may(self, access) -> bool:
        return access.chair

    def form_kwargs(self):
        return {"team": self.procedure.team}

    def initial(self):
        return {"appointed_on": self.today()}

    def perform(self, form):
        services.group_appoint(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            member_ids=[m.pk for m in form.cleaned_data["members"]],
            appointed_on=form.cleaned_data["appointed_on"],
        )


class PassToGroupView(StepView):
    form_class = step_forms.PassToGroupForm
    title = gettext_lazy("Pass the NK-A to the group members")
    intro = gettext_lazy("Within 3 working days of the group's appointment.")
    success_message = gettext_lazy("The NK-A is with the group: the meetings can be held.")

    def may(self, access) -> bool:
        return access.chair

    def initial(self):
        return {"passed_on": self.today()}

    def perform(self, form):
        services.nka_pass_to_group(
            actor=self.request.user, procedure_id=self.procedure.pk, **form.cleaned_data
        )


class _MeetingView(StepView):
    roles: frozenset = frozenset()

    def may(self, access) -> bool:
        return access.group_member and not access.auditor

    def form_kwargs(self):
        members = (
            [
                m.professional
                for m in self.procedure.group.memberships.select_related("professional__user")
            ]
            if hasattr(self.procedure, "group")
            else []
        )
        return {"people": self.participants(self.roles), "members": members}

    def initial(self):
        return {"held_on": self.today(), "person_appeared": True}

    def meeting_input(self, data) -> services.MeetingInput:
        return services.MeetingInput(
            held_on=data["held_on"],
            place=data["place"],
            present_ids=data["present"],
            person_id=data["person"],
            invited_on=data["invited_on"],
            minutes=data["minutes"],
            next_meeting_on=data["next_meeting_on"],
            person_appeared=data["person_appeared"],
        )


class VictimMeetingView(_MeetingView):
    form_class = step_forms.VictimMeetingForm
    template_name = "workflows/victim_meeting.html"
    title = gettext_lazy("Meeting with the victim: NK-C, help plan and safety plan")
    success_message = gettext_lazy("The meeting with the victim is recorded.")
    roles = VICTIM_ROLES

    def get(self, request, **kwargs):
        self.plan = step_forms.PlanItemFormSet(prefix="plan")
        return super().get(request, **kwargs)

    def post(self, request, **kwargs):
        previous = idempotency.previous_submission(request)
        if previous is not None:
            return previous
        self.plan = step_forms.PlanItemFormSet(request.POST, prefix="plan")
        form = self.form_class(request.POST, initial=self.initial(), **self.form_kwargs())
        if form.is_valid() and self.plan.is_valid():
            data = form.cleaned_data
            nkc_fields = {
                name: data[name] for name in services.NKCInput.__dataclass_fields__ if name in data
            }
            try:
                return self.submit(
                    lambda: services.victim_meeting_record(
                        actor=request.user,
                        procedure_id=self.procedure.pk,
                        meeting=self.meeting_input(data),
                        nkc=services.NKCInput(**nkc_fields),
                        plan=[
                            services.PlanItemInput(**f.cleaned_data)
                            for f in self.plan.forms
                            if f.cleaned_data
                        ],
                    )
                )
            except ServiceError as error:
                step_forms.apply_service_error(form, error)
        return self.render_form(form)

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {"procedure": self.procedure, "form": form, "plan": self.plan, "title": self.title},
        )


class SuspectMeetingView(_MeetingView):
    form_class = step_forms.SuspectMeetingForm
    title = gettext_lazy("Meeting with the suspect: NK-D")
    intro = gettext_lazy(
        "Held separately from the victim. When the suspect does not appear, record the "
        "notification of initiation sent to them."
    )
    success_message = gettext_lazy("The meeting with the suspect is recorded.")
    roles = frozenset({Role.SUSPECT})

    def perform(self, form):
        data = form.cleaned_data
        services.suspect_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            meeting=self.meeting_input(data),
            nkd=services.NKDInput(
                **{
                    name: data[name]
                    for name in services.NKDInput.__dataclass_fields__
                    if name in data
                }
            ),
        )


class PlanItemAddView(StepView):
    form_class = step_forms.PlanItemAddForm
    title = gettext_lazy("Add an action to the individual help plan")
    success_message = gettext_lazy("The action is added to the help plan.")

    def perform(self, form):
        services.help_plan_item_add(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            item=services.PlanItemInput(**form.cleaned_data),
        )


class PlanItemStatusView(StepView):
    form_class = step_forms.PlanItemStatusForm
    title = gettext_lazy("Help plan action: status")
    success_message = gettext_lazy("The status of the action is saved.")

    def dispatch(self, request, *args, **kwargs):
        self.item_pk = kwargs["item_pk"]
        return super().dispatch(request, *args, **kwargs)

    def item(self):
        item = HelpPlanItem.objects.filter(pk=self.item_pk, procedure=self.procedure).first()
        if item is None:
            raise Http404
        return item

    def check_object(self):
        self.item()

    def initial(self):
        item = self.item()
        return {"status": item.status, "status_note": item.status_note}

    def perform(self, form):
        services.help_plan_item_set_status(
            actor=self.request.user,
            item_id=self.item().pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["status_note"],
        )


class ReferralCreateView(StepView):
    form_class = step_forms.ReferralForm
    title = gettext_lazy("Refer the perpetrator to a programme")
    intro = gettext_lazy("The person has 30 days from receiving the referral to report.")
    success_message = gettext_lazy("The referral is recorded.")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def initial(self):
        return {"referred_on": self.today(), "received_on": self.today()}

    def perform(self, form):
        data = form.cleaned_data
        services.referral_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            person_id=data["person"],
            programme=data["programme"],
            provider=data["provider"],
            referred_on=data["referred_on"],
            received_on=data["received_on"],
        )


class ReferralCertificateView(StepView):
    form_class = step_forms.ReferralCertificateForm
    title = gettext_lazy("Certificate from the programme")
    success_message = gettext_lazy("The certificate is recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.referral_pk = kwargs["referral_pk"]
        return super().dispatch(request, *args, **kwargs)

    def check_object(self):
        if not Referral.objects.filter(pk=self.referral_pk, procedure=self.procedure).exists():
            raise Http404

    def perform(self, form):
        services.referral_certificate_record(
            actor=self.request.user, referral_id=self.referral_pk, **form.cleaned_data
        )


class ProtectiveOrderCreateView(StepView):
    form_class = step_forms.ProtectiveOrderForm
    title = gettext_lazy("Record a protective order")
    intro = gettext_lazy("A police order is valid for 14 days unless the court extends it.")
    success_message = gettext_lazy("The protective order is recorded.")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def perform(self, form):
        data = form.cleaned_data
        services.protective_order_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            person_id=data["person"],
            kind=data["kind"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            court_extended_until=data["court_extended_until"],
        )


class NotificationCreateView(StepView):
    form_class = step_forms.NotificationForm
    title = gettext_lazy("Record a notification")
    success_message = gettext_lazy("The notification is recorded.")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def initial(self):
        return {"sent_on": self.today()}

    def perform(self, form):
        data = form.cleaned_data
        services.notification_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            kind=data["kind"],
            addressee=data["addressee"],
            sent_on=data["sent_on"],
            reason=data["reason"],
            person_id=data["person"],
        )


class MonitoringNoteCreateView(StepView):
    form_class = step_forms.MonitoringNoteForm
    title = gettext_lazy("Monitoring note")
    success_message = gettext_lazy("The monitoring note is saved.")

    def initial(self):
        return {"visited_on": self.today()}

    def perform(self, form):
        services.monitoring_note_add(
            actor=self.request.user, procedure_id=self.procedure.pk, **form.cleaned_data
        )


class CloseView(StepView):
    form_class = step_forms.CloseForm
    title = gettext_lazy("Close the procedure")
    intro = gettext_lazy(
        "Closure is final. Ground 1 needs the individual help plan carried out; a new "
        "incident after closure needs a new NK-A."
    )
    success_message = gettext_lazy("The procedure is closed.")

    def initial(self):
        return {"closed_on": self.today()}

    def perform(self, form):
        services.procedure_close(
            actor=self.request.user, procedure_id=self.procedure.pk, **form.cleaned_data
        )


class MonitoringEndView(StepView):
    title = gettext_lazy("End the monitoring after closure")
    success_message = gettext_lazy("The monitoring has ended; the procedure is complete.")

    def perform(self, form):
        services.post_closure_monitoring_end(
            actor=self.request.user, procedure_id=self.procedure.pk
        )
