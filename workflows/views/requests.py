"""The group asks, the team decides: referral to a programme and notifications (art. 9b of
the Act; ``services.referrals``)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import shown_date
from workflows import request_forms, services
from workflows.models import Notification, Referral, Role
from workflows.views.base import StepView


def programme_report_setting(team) -> str:
    """How the case pages say the team's period to report: a team setting, never law."""
    days = team.programme_report_days
    if not days:
        return _("no deadline to report (team setting – no statutory basis)")
    return _("%(days)d days to report (team setting – no statutory basis)") % {"days": days}


class ReferralRequestView(StepView):
    action = "referral_request"
    form_class = request_forms.ReferralRequestForm
    title = gettext_lazy("Ask the team to refer the perpetrator to a programme")
    intro = gettext_lazy(
        "The group asks; the team decides (art. 9b of the Act). The referral is issued only "
        "when the team grants the request."
    )
    success_message = gettext_lazy("The request is recorded; the team decides on it.")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def initial(self):
        return {"requested_on": self.today()}

    def perform(self, form):
        referral = form.save(commit=False)
        referral.person_id = form.cleaned_data["person"]
        services.referral_request(
            actor=self.request.user, procedure_id=self.procedure.pk, referral=referral
        )


class DecisionView(StepView):
    """The team's decision on one request of this procedure (the chair records it)."""

    model: type[Referral] | type[Notification] = Referral
    pk_kwarg = "referral_pk"
    success_message = gettext_lazy("The team's decision is recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.record_pk = kwargs[self.pk_kwarg]
        return super().dispatch(request, *args, **kwargs)

    def record(self):
        record = self.model.objects.filter(pk=self.record_pk, procedure=self.procedure).first()
        if record is None:
            raise Http404
        return record

    def check_object(self):
        self.record()

    def initial(self):
        return {"decided_on": self.today(), "decided_as": "chair_for_team"}


class ReferralDecisionView(DecisionView):
    action = "referral_decision"
    model = Referral
    form_class = request_forms.ReferralDecisionForm
    title = gettext_lazy("The team's decision on a referral")

    def get_intro(self) -> str:
        referral = self.record()
        return _(
            "Requested on %(on)s: %(programme)s. Justification: %(why)s. If granted, the "
            "referral is issued with the two instructions of Dz.U. 2023 poz. 1164; %(period)s."
        ) % {
            "on": shown_date(referral.requested_on),
            "programme": referral.get_programme_display(),
            "why": referral.justification,
            "period": programme_report_setting(self.procedure.team),
        }

    def initial(self):
        return {
            **super().initial(),
            "provider": self.record().provider,
            "received_on": self.today(),
        }

    def perform(self, form):
        services.referral_decide(
            actor=self.request.user, referral_id=self.record().pk, **form.cleaned_data
        )


class NotificationRequestView(StepView):
    action = "notification_request"
    form_class = request_forms.NotificationRequestForm
    title = gettext_lazy("Ask the team to notify")
    intro = gettext_lazy(
        "The group asks; the team decides. The notification is drawn up only when the team "
        "grants the request, and then recorded as sent."
    )
    success_message = gettext_lazy("The request is recorded; the team decides on it.")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def initial(self):
        return {"requested_on": self.today()}

    def perform(self, form):
        services.notification_request(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            notification=form.save(commit=False),
            person_id=form.cleaned_data["person"],
        )


class NotificationDecisionView(DecisionView):
    action = "notification_decision"
    model = Notification
    pk_kwarg = "notification_pk"
    form_class = request_forms.DecisionForm
    title = gettext_lazy("The team's decision on a notification")

    def get_intro(self) -> str:
        notification = self.record()
        return _("Requested on %(on)s: %(kind)s to %(to)s. Justification: %(why)s.") % {
            "on": shown_date(notification.requested_on),
            "kind": notification.get_kind_display(),
            "to": notification.addressee,
            "why": notification.justification,
        }

    def perform(self, form):
        services.notification_decide(
            actor=self.request.user, notification_id=self.record().pk, **form.cleaned_data
        )


class NotificationSentView(DecisionView):
    action = "notification_sent"
    model = Notification
    pk_kwarg = "notification_pk"
    form_class = request_forms.NotificationSentForm
    title = gettext_lazy("Record that the notification was sent")
    success_message = gettext_lazy("The notification is recorded as sent.")

    def initial(self):
        return {"sent_on": self.today()}

    def perform(self, form):
        services.notification_sent(
            actor=self.request.user,
            notification_id=self.record().pk,
            sent_on=form.cleaned_data["sent_on"],
        )
