"""Actions while the case runs: the help plan, referrals, protective orders, notifications
and monitoring notes."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import shown_date
from forms.models import NKC, HelpPlanItem
from workflows import plan_forms, services, step_forms
from workflows.form_base import without_validation
from workflows.models import ORDER_MEASURE_FIELDS, Referral, Role
from workflows.rules import RuleCode
from workflows.views.base import StepView


class PlanItemAddView(StepView):
    """Several actions at once for one victim's plan: rows of a formset, and "More rows"
    (a submit button, so it works without JavaScript) to get empty rows more."""

    action = "plan_item_add"
    form_class = plan_forms.PlanOwnerForm
    template_name = "workflows/plan_item_add.html"
    title = gettext_lazy("Add actions to the individual help plan")
    intro = gettext_lazy(
        "One row per action; empty rows are left out. All rows are added together, or none "
        "when a row has an error."
    )
    success_message = gettext_lazy("The actions are added to the help plan.")

    def form_kwargs(self):
        nkcs = list(
            NKC.objects.filter(
                procedure=self.procedure,
                meeting__withdrawn_at__isnull=True,
                meeting__corrected_by__isnull=True,
            )
            .select_related("victim", "meeting")
            .order_by("victim__last_name", "id")
        )
        if hasattr(self, "shown_people"):
            self.shown_people += [nkc.victim for nkc in nkcs]
        return {"nkcs": nkcs}

    def formsets(self, data=None):
        return {"plan": plan_forms.PlanRowsFormSet(data, prefix="plan")}

    def post(self, request, **kwargs):
        if "add_row" not in request.POST:
            return super().post(request, **kwargs)
        # "More rows": everything typed comes back with empty rows more; nothing is
        # validated or written.
        self.check_object()
        data = plan_forms.with_more_rows(request.POST)
        form = self.form_class(data, **self.form_kwargs())
        formsets = self.formsets(data)
        without_validation(form, *formsets.values())
        return self.render_form(form, formsets)

    def perform(self, form):
        rows = self.bound_formsets["plan"].forms
        services.help_plan_items_add(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            nkc_id=form.cleaned_data["nkc"],
            items=[row.save(commit=False) for row in rows if row.cleaned_data],
        )


class PlanItemStatusView(StepView):
    action = "plan_item_status"
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

    def get_intro(self) -> str:
        """The action this page changes, as the plan lists it (whose plan, who, when)."""
        item = self.item()
        if hasattr(self, "shown_people"):
            self.shown_people.append(item.nkc.victim)
        return _(
            "The action „%(action)s” (%(form)s) in the help plan of %(victim)s; responsible: "
            "%(responsible)s; due %(due)s; status now: %(status)s."
        ) % {
            "action": item.action,
            "form": item.get_form_of_help_display(),
            "victim": item.nkc.victim.full_name,
            "responsible": item.responsible,
            "due": shown_date(item.due_on) if item.due_on else "—",
            "status": item.get_status_display(),
        }

    def perform(self, form):
        services.help_plan_item_set_status(
            actor=self.request.user,
            item_id=self.item().pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["status_note"],
        )


class ReferralCertificateView(StepView):
    action = "referral_certificate"
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
    action = "protective_order"
    form_class = step_forms.ProtectiveOrderForm
    title = gettext_lazy("Record a protective order")
    success_message = gettext_lazy("The protective order is recorded.")

    def get_intro(self) -> str:
        return _(
            "Tick every measure the order imposes; they may be combined. A police order is "
            "valid for %(period)s from the day after its issue unless the court extends it; "
            "a ban issued after the order to leave the home ends with that order."
        ) % {"period": self.period(RuleCode.PROTECTIVE_ORDER)}

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def perform(self, form):
        data = form.cleaned_data
        services.protective_order_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            person_id=data["person"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            issued_at_time=data["issued_at_time"],
            court_extended_until=data["court_extended_until"],
            **{name: data[name] for name in ORDER_MEASURE_FIELDS},
        )


class DetentionNoticeCreateView(StepView):
    action = "detention_notice"
    form_class = step_forms.DetentionNoticeForm
    title = gettext_lazy("Record a notice of a detention")
    success_message = gettext_lazy("The notice of the detention is recorded.")

    def get_intro(self) -> str:
        return _("A pretrial detention ends the person's protective orders on the day it begins.")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def perform(self, form):
        data = form.cleaned_data
        services.detention_notice_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            person_id=data["person"],
            kind=data["kind"],
            detained_on=data["detained_on"],
            notified_on=data["notified_on"],
            notified_by=data["notified_by"],
        )


class MonitoringNoteCreateView(StepView):
    action = "monitoring_note"
    form_class = step_forms.MonitoringNoteForm
    title = gettext_lazy("Monitoring note")
    success_message = gettext_lazy("The monitoring note is saved.")

    def initial(self):
        return {"visited_on": self.today()}

    def perform(self, form):
        services.monitoring_note_add(
            actor=self.request.user, procedure_id=self.procedure.pk, **form.cleaned_data
        )
