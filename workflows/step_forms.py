"""Django forms for the steps of the procedure.

They check what a form can check alone (required fields, types, PESEL checksum, dates not in
the future); the rules that need the database or the whole case (a suspect under 18 on the
incident date, a group without a police officer, ground 1 with open help-plan items) are the
services' and come back as ``ServiceError``s that ``apply_service_error`` puts next to the
field they concern.
"""

from django import forms
from django.db import models
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core.fields import RecordMultipleChoiceField
from forms.models import HelpPlanItem, ViolenceForm
from people import validators
from people.forms import PeselField
from people.models import Sex
from workflows import calendar
from workflows.models import (
    ClosureGround,
    Notification,
    Professional,
    ProtectiveOrder,
    Referral,
    Role,
)
from workflows.web import apply_service_error  # noqa: F401  (re-exported: its old home)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PastDateField(forms.DateField):
    """A date that cannot be in the future (legal date in Europe/Warsaw)."""

    widget = DateInput

    def validate(self, value):
        super().validate(value)
        if value and value > calendar.legal_date():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")


class StepForm(forms.Form):
    """Base of every step form (a place for shared behaviour)."""


def without_validation(form: forms.Form, *formsets: forms.BaseFormSet) -> None:
    """Render bound forms as typed without running their validation (no error shown).

    Django validates a bound form the first time its errors are read; marking the errors
    as already computed and empty keeps the typed values and skips the checks.
    """
    form._errors = ErrorDict()
    for formset in formsets:
        formset._errors = []
        formset._non_form_errors = formset.error_class()
        for member in formset.forms:
            member._errors = ErrorDict()


# --------------------------------------------------------------------------- NK-A


class NKAForm(StepForm):
    place = forms.CharField(label=_("place of filling"), max_length=200)
    incident_date = PastDateField(label=_("date of the incident"))
    incident_place = forms.CharField(label=_("place of the incident"), max_length=200)
    incident_description = forms.CharField(
        label=_("course of events"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    violence_forms = forms.MultipleChoiceField(
        label=_("forms of violence"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    violence_other = forms.CharField(
        label=_("other forms (describe)"), max_length=500, required=False
    )
    visible_injuries = forms.BooleanField(label=_("visible injuries"), required=False)
    medical_help_given = forms.BooleanField(label=_("medical help given"), required=False)
    medical_certificate = forms.BooleanField(label=_("medical certificate issued"), required=False)
    suspect_under_influence = forms.BooleanField(
        label=_("suspect under the influence of alcohol or other substances"), required=False
    )
    victim_under_influence = forms.BooleanField(
        label=_("victim under the influence of alcohol or other substances"), required=False
    )
    suspect_has_firearm = forms.BooleanField(
        label=_("suspect has a firearm or access to one"), required=False
    )
    victim_feels_in_danger = forms.BooleanField(
        label=_("the victim feels in danger of life or health"), required=False
    )
    witnesses = forms.CharField(
        label=_("witnesses (including children)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    police_called = forms.BooleanField(label=_("police called"), required=False)
    protective_order_issued = forms.BooleanField(label=_("protective order issued"), required=False)
    suspect_detained = forms.BooleanField(label=_("suspect detained"), required=False)
    shelter_arranged = forms.BooleanField(label=_("shelter arranged"), required=False)
    additional_info = forms.CharField(
        label=_("additional information"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    nkb_handed = forms.BooleanField(label=_("NK-B handed over"), required=False)
    nkb_handed_to = forms.CharField(label=_("NK-B handed to"), max_length=200, required=False)
    nkb_not_handed_reason = forms.CharField(
        label=_("reason NK-B was not handed over"), max_length=300, required=False
    )


class PersonForm(forms.Form):
    """One person listed on NK-A (sections II and III)."""

    role = forms.ChoiceField(label=_("role"), choices=[("", "—"), *Role.choices])
    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("surname"), max_length=150)
    pesel = PeselField()
    birth_date = PastDateField(label=_("date of birth (when there is no PESEL)"), required=False)
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—"), *Sex.choices], required=False)
    relation = forms.CharField(label=_("relation"), max_length=150, required=False)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    school = forms.CharField(label=_("school and class (children)"), max_length=200, required=False)
    disabled = forms.BooleanField(label=_("person with a disability"), required=False)

    def clean_first_name(self) -> str:
        return validators.clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return validators.clean_name(self.cleaned_data["last_name"])

    def clean_phone(self) -> str:
        return validators.clean_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        try:
            validators.validate_pesel_agreement(
                pesel=cleaned.get("pesel", ""),
                sex=cleaned.get("sex", ""),
                birth_date=cleaned.get("birth_date"),
            )
        except forms.ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field_name, message)
        return cleaned


class BasePersonFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        roles = {f.cleaned_data.get("role") for f in self.forms if f.cleaned_data}
        if not roles & {Role.VICTIM, Role.MINOR_WITNESS}:
            raise forms.ValidationError(
                _("NK-A must list at least one person experiencing violence.")
            )
        if Role.SUSPECT not in roles:
            raise forms.ValidationError(_("NK-A must list at least one suspected person."))


# absolute_max: Django builds and validates as many forms as TOTAL_FORMS claims, up to
# max_num + 1000 by default; one forged number cost about 40 s of server time per request.
PersonFormSet = forms.formset_factory(
    PersonForm,
    formset=BasePersonFormSet,
    extra=0,
    min_num=2,
    max_num=20,
    absolute_max=20,
    validate_max=True,
)


class TransferForm(StepForm):
    sent_on = PastDateField(label=_("original sent to the chair on"))
    received_on = PastDateField(label=_("received by the chair on"))


# --------------------------------------------------------------------------- the group


class GroupAppointForm(StepForm):
    appointed_on = PastDateField(label=_("appointed on"))
    members = RecordMultipleChoiceField(
        label=_("members"),
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The group must include a social worker and a police officer."),
    )

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            Professional.objects.filter(team_memberships__team=team)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        self.fields["members"].label_from_instance = lambda p: (
            f"{p.user.get_full_name()} – {p.get_profession_display()}, {p.institution}"
        )


class PassToGroupForm(StepForm):
    passed_on = PastDateField(label=_("NK-A passed to the group on"))


# --------------------------------------------------------------------------- meetings


class MeetingForm(StepForm):
    person = forms.TypedChoiceField(label=_("person"), coerce=int)
    invited_on = PastDateField(label=_("invitation / summons sent on"), required=False)
    held_on = PastDateField(label=_("held on"))
    place = forms.CharField(label=_("place"), max_length=200)
    present = forms.TypedMultipleChoiceField(
        label=_("members present"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    person_appeared = forms.BooleanField(
        label=_("the invited person appeared"), required=False, initial=True
    )
    minutes = forms.CharField(
        label=_("minutes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )
    next_meeting_on = forms.DateField(label=_("next meeting"), required=False, widget=DateInput)

    def __init__(self, *args, people=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, str(p)) for p in people]
        self.fields["present"].choices = [
            (m.pk, f"{m.user.get_full_name()} ({m.institution})") for m in members
        ]


class VictimMeetingForm(MeetingForm):
    situation = forms.CharField(
        label=_("family, housing, health and income situation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )
    first_act = forms.CharField(
        label=_("the first act of violence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    repeated_acts = forms.CharField(
        label=_("repeated acts"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    most_dangerous_act = forms.CharField(
        label=_("the most dangerous act"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    last_act = forms.CharField(
        label=_("the last act"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    needs = forms.CharField(
        label=_("the victim's needs and expectations"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    risk_assessment = forms.CharField(
        label=_("assessment of risk"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    safety_how_to_act = forms.CharField(
        label=_("safety plan: how to act in danger"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    safety_contacts = forms.CharField(
        label=_("safety plan: safe contacts"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    safety_place = forms.CharField(
        label=_("safety plan: safe place"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    safety_documents_ready = forms.BooleanField(
        label=_("safety plan: documents and money kept ready"), required=False
    )


class PlanItemForm(forms.Form):
    form_of_help = forms.ChoiceField(
        label=_("form of help"), choices=HelpPlanItem.FormOfHelp.choices
    )
    action = forms.CharField(label=_("action"), max_length=500)
    responsible = forms.CharField(label=_("responsible institution or person"), max_length=200)
    due_on = forms.DateField(label=_("due date"), widget=DateInput)


PlanItemFormSet = forms.formset_factory(
    PlanItemForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=30,
    absolute_max=30,
    validate_max=True,
)


class PlanItemAddForm(StepForm, PlanItemForm):
    pass


class PlanItemStatusForm(StepForm):
    status = forms.ChoiceField(label=_("status"), choices=HelpPlanItem.Status.choices)
    status_note = forms.CharField(label=_("note"), max_length=500, required=False)


class SuspectMeetingForm(MeetingForm):
    situation = forms.CharField(
        label=_("the suspect's situation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    substances = forms.CharField(
        label=_("alcohol, drugs, medicines"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    consequences_explained = forms.BooleanField(
        label=_("legal consequences of violence explained"), required=False
    )
    statement = forms.CharField(
        label=_("the suspect's statement"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    agreed_programme = forms.ChoiceField(
        label=_("agreed to a programme"),
        choices=[("", "—"), *Referral.Programme.choices],
        required=False,
    )
    agreed_alcohol_commission = forms.BooleanField(
        label=_("agreed to contact the alcohol commission"), required=False
    )
    agreed_other = forms.CharField(
        label=_("other actions agreed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    initiation_notice_sent_on = PastDateField(
        label=_("notification of initiation sent on (suspect absent)"), required=False
    )


# --------------------------------------------------------------------------- actions


class SuspectChoiceMixin(forms.Form):
    person = forms.TypedChoiceField(label=_("person suspected of using violence"), coerce=int)

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, str(p)) for p in suspects]


class ReferralForm(StepForm, SuspectChoiceMixin):
    programme = forms.ChoiceField(label=_("programme"), choices=Referral.Programme.choices)
    provider = forms.CharField(label=_("programme provider"), max_length=200)
    referred_on = PastDateField(label=_("referred on"))
    received_on = PastDateField(label=_("referral received by the person on"))


class ReferralCertificateForm(StepForm):
    certificate = forms.ChoiceField(
        label=_("certificate"),
        choices=[("reported", _("of reporting")), ("completed", _("of completion"))],
    )
    received_on = PastDateField(label=_("certificate received on"))


class ProtectiveOrderForm(StepForm, SuspectChoiceMixin):
    kind = forms.ChoiceField(label=_("kind"), choices=ProtectiveOrder.Kind.choices)
    issuer = forms.ChoiceField(label=_("issued by"), choices=ProtectiveOrder.Issuer.choices)
    issued_on = PastDateField(label=_("issued on"))
    court_extended_until = forms.DateField(
        label=_("extended by the court until"), required=False, widget=DateInput
    )


class NotificationForm(StepForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Notification.Kind.choices)
    addressee = forms.CharField(label=_("addressee"), max_length=200)
    sent_on = PastDateField(label=_("sent on"))
    person = forms.TypedChoiceField(
        label=_("concerning (suspected person)"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *((p.pk, str(p)) for p in suspects)]


class MonitoringNoteForm(StepForm):
    visited_on = PastDateField(label=_("date"))
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class CloseForm(StepForm):
    ground = forms.ChoiceField(
        label=_("ground for closure"), choices=ClosureGround.choices, widget=forms.RadioSelect
    )
    closed_on = PastDateField(label=_("closed on"))
    summary = forms.CharField(
        label=_("actions taken (closure protocol)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class ConfirmForm(StepForm):
    """A step without data: the button is the decision."""


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=_("name, PESEL or number"), max_length=100, required=False)
    stage = forms.ChoiceField(label=_("stage"), required=False)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        from workflows.models import Stage

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("all stages")), *Stage.choices]


# --------------------------------------------------------------------------- records


class WithdrawForm(StepForm):
    reason = forms.CharField(
        label=_("reason for the withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def correction_form(model, field_names: tuple[str, ...]) -> type[StepForm]:
    """A form with ``model``'s correctable fields (labels from the model) and a reason."""
    fields = forms.fields_for_model(
        model,
        fields=[name for name in field_names if name != "violence_forms"],
        widgets={
            f.name: DateInput
            for f in model._meta.get_fields()
            if isinstance(f, models.DateField) and f.name in field_names
        },
    )
    if "violence_forms" in field_names:
        fields["violence_forms"] = NKAForm.base_fields["violence_forms"]
    ordered = {name: fields[name] for name in field_names}
    ordered["reason"] = forms.CharField(
        label=_("reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    return type(f"{model.__name__}CorrectionForm", (StepForm,), ordered)
