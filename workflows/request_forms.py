"""The forms of what the group asks and the team decides (``services.referrals``), and the
closing form's choice of monitoring after closure (``services.aftercare``).

Request forms are ModelForms of the record (labels from the model); the decision form writes
onto an existing record and carries the ``RequestDecision`` fields by their model labels.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.models import DecidedAs, Notification, Referral, TeamDecision
from workflows.step_forms import (
    CloseForm,
    PastDateField,
    StepForm,
    StepModelForm,
    SuspectChoiceMixin,
    model_label,
)


class ReferralRequestForm(SuspectChoiceMixin, StepModelForm):
    """The group's request: who, which programme, why (and a provider it proposes)."""

    field_order = ["person"]

    class Meta(StepModelForm.Meta):
        model = Referral
        fields = ["programme", "provider", "requested_on", "justification"]
        field_classes = {"requested_on": PastDateField}
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(StepForm):
    """The team's decision on a request, recorded by the chair."""

    decision = forms.ChoiceField(
        label=model_label(Referral, "decision"),
        choices=TeamDecision.choices,
        widget=forms.RadioSelect,
    )
    decided_on = PastDateField(label=model_label(Referral, "decided_on"))
    decided_as = forms.ChoiceField(
        label=model_label(Referral, "decided_as"),
        choices=DecidedAs.choices,
        widget=forms.RadioSelect,
    )
    resolution_number = forms.CharField(
        label=model_label(Referral, "resolution_number"), max_length=50, required=False
    )
    reason = forms.CharField(
        label=model_label(Referral, "decision_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Required when the team refuses."),
    )


class ReferralDecisionForm(DecisionForm):
    provider = forms.CharField(
        label=model_label(Referral, "provider"), max_length=200, required=False
    )
    received_on = PastDateField(label=model_label(Referral, "received_on"), required=False)


class NotificationRequestForm(StepModelForm):
    # The record's ``concerning``; the form and the service call it ``person``.
    person = forms.TypedChoiceField(
        label=model_label(Notification, "concerning"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    field_order = ["kind", "addressee", "requested_on", "person", "justification"]

    class Meta(StepModelForm.Meta):
        model = Notification
        fields = ["kind", "addressee", "requested_on", "justification"]
        field_classes = {"requested_on": PastDateField}

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *((p.pk, str(p)) for p in suspects)]


class NotificationSentForm(StepForm):
    sent_on = PastDateField(label=model_label(Notification, "sent_on"))


class CloseWithMonitoringForm(CloseForm):
    """Closing, with monitoring after closure as a visible choice: on by default for the
    team's period, switched off only with a reason."""

    monitoring = forms.BooleanField(label=_("monitoring after closure"), required=False)
    no_monitoring_reason = forms.CharField(
        label=_("why there is no monitoring after closure"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
