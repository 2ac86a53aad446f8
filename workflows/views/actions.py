"""Actions while the case runs: the help plan, referrals, protective orders, notifications
and monitoring notes."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.models import NKC, HelpPlanItem
from workflows import services, step_forms
from workflows.models import ORDER_MEASURE_FIELDS, Referral, Role
from workflows.rules import RuleCode
from workflows.views.base import StepView


class PlanItemAddView(StepView):
    action = "plan_item_add"
    form_class = step_forms.PlanItemAddForm
    title = gettext_lazy("Add an action to the individual help plan")
    success_message = gettext_lazy("The action is added to the help plan.")

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

    def perform(self, form):
        services.help_plan_item_add(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            item=form.save(commit=False),
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
