"""Django forms for the steps of the procedure.

The statutory forms and the step forms that write a record are ModelForms: each field's
label, choices and length come from the model field (``verbose_name``, ``choices``,
``max_length``), so the page and the record can never carry two names for one thing
(``tests/test_form_labels.py`` checks it). A page that writes two records (the meeting with
the victim: Meeting + NK-C; with the suspect: Meeting + NK-D) is one ModelForm of
``Meeting`` that mixes in the other model's fields built by ``model_fields``; its
``save(commit=False)`` gives the unsaved meeting and ``nkc()`` / ``nkd()`` the other record.
The services take these unsaved records, set what the step decides and call
``full_clean()`` before saving.

They check what a form can check alone (required fields, types, PESEL checksum, dates not in
the future); the rules that need the database or the whole case (a suspect under 18 on the
incident date, a group without a police officer, ground 1 with open help-plan items) are the
services' and come back as ``ServiceError``s that ``apply_service_error`` puts next to the
field they concern.
"""

from django import forms
from django.db import models
from django.forms.models import construct_instance
from django.forms.utils import ErrorDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.fields import RecordMultipleChoiceField
from forms.models import NKA, NKC, NKD, HelpPlanItem, NKAPerson, ViolenceForm
from people import validators
from people.forms import PeselField
from workflows import calendar
from workflows.models import (
    ORDER_MEASURE_FIELDS,
    ClosureGround,
    DetentionNotice,
    Meeting,
    MonitoringNote,
    Professional,
    ProtectiveOrder,
    Role,
    Stage,
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


def model_label(model, name: str):
    """The label of ``model``'s field ``name``: its ``verbose_name``, the one name it has
    (capitalised as Django's ModelForms print it)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def formfield(db_field, **kwargs):
    """The form field of a model field on these pages.

    Label, help text, choices, ``max_length`` and required-ness come from the model; dates
    get the browser's date input, texts a textarea, and the empty choice reads "—".
    """
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput)
    elif isinstance(db_field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        field.choices = [(value, "—" if value == "" else label) for value, label in field.choices]
    return field


class StepModelForm(forms.ModelForm):
    """Base of the forms that write one model's record; subclasses' ``Meta`` extend this one.

    The form validates only what the user typed (the model's own checks on those fields);
    the service still builds and saves the record.
    """

    class Meta:
        formfield_callback = formfield


def model_fields(model, names, **kwargs) -> type[forms.Form]:
    """A form class holding ``model``'s fields ``names`` (labels, choices and lengths from
    ``model``), mixed into a ModelForm of another model when one page writes two records."""
    fields = forms.fields_for_model(model, fields=names, formfield_callback=formfield, **kwargs)
    return type(f"{model.__name__}Fields", (forms.Form,), {name: fields[name] for name in names})


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


class NKAForm(StepModelForm):
    """NK-A (annex 1), the incident and the NK-B handout; the people come in ``PersonFormSet``."""

    # § 2 ust. 5–6: shown in a fieldset of their own.
    PRESENCE_FIELDS = ("victim_presence", "victim_absence_reason", "victim_contact_on")

    def presence_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PRESENCE_FIELDS]

    violence_forms = forms.MultipleChoiceField(
        label=model_label(NKA, "violence_forms"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(StepModelForm.Meta):
        model = NKA
        fields = [
            "place",
            "incident_date",
            "incident_place",
            "incident_description",
            "violence_forms",
            "violence_other",
            "visible_injuries",
            "medical_help_given",
            "medical_certificate",
            "suspect_under_influence",
            "victim_under_influence",
            "suspect_has_firearm",
            "victim_feels_in_danger",
            "witnesses",
            "police_called",
            "protective_order_issued",
            "suspect_detained",
            "shelter_arranged",
            "additional_info",
            "victim_presence",
            "victim_absence_reason",
            "victim_contact_on",
            "nkb_handed",
            "nkb_handed_to",
            "nkb_not_handed_reason",
        ]
        field_classes = {"incident_date": PastDateField, "victim_contact_on": PastDateField}
        widgets = {
            "incident_description": forms.Textarea(attrs={"rows": 4}),
            "victim_presence": forms.RadioSelect,
        }


class PersonForm(StepModelForm):
    """One person listed on NK-A (sections II and III)."""

    pesel = PeselField(label=model_label(NKAPerson, "pesel"))

    class Meta(StepModelForm.Meta):
        model = NKAPerson
        fields = [
            "role",
            "first_name",
            "last_name",
            "pesel",
            "birth_date",
            "sex",
            "relation",
            "address",
            "phone",
            "school",
            "disabled",
        ]
        field_classes = {"birth_date": PastDateField}

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


class MeetingForm(StepModelForm):
    """A meeting of the group with one person (``person``), members ``present`` by their ids.

    ``fieldsets`` names, for the page, the fields of each part: a field is named exactly
    once (a substring test in the template once printed the meeting's ``place`` a second
    time inside the safety plan, and the second input replaced the first).
    """

    person = forms.TypedChoiceField(label=capfirst(_("person")), coerce=int)
    present = forms.TypedMultipleChoiceField(
        label=model_label(Meeting, "present"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["person", "invited_on", "held_on", "place", "present"]
    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            _("Meeting"),
            (
                "person",
                "invited_on",
                "held_on",
                "place",
                "present",
                "person_appeared",
                "minutes",
                "next_meeting_on",
            ),
        ),
    )

    class Meta(StepModelForm.Meta):
        model = Meeting
        fields = ["invited_on", "held_on", "place", "person_appeared", "minutes", "next_meeting_on"]
        field_classes = {"invited_on": PastDateField, "held_on": PastDateField}
        widgets = {"minutes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, people=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, str(p)) for p in people]
        self.fields["present"].choices = [
            (m.pk, f"{m.user.get_full_name()} ({m.institution})") for m in members
        ]

    def fieldset_list(self) -> list[tuple[str, list[forms.BoundField]]]:
        """``fieldsets`` with bound fields, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


NKC_HISTORY = (
    "situation",
    "first_act",
    "repeated_acts",
    "most_dangerous_act",
    "last_act",
    "needs",
    "risk_assessment",
)
SAFETY_PLAN = ("safety_how_to_act", "safety_contacts", "safety_place", "safety_documents_ready")


class VictimMeetingForm(
    MeetingForm,
    model_fields(
        NKC, [*NKC_HISTORY, *SAFETY_PLAN], widgets={"situation": forms.Textarea(attrs={"rows": 3})}
    ),
):
    """The meeting with the victim (Meeting) and NK-C with the safety plan (NKC)."""

    fieldsets = (
        *MeetingForm.fieldsets,
        (_("NK-C: violence history"), NKC_HISTORY),
        (_("Safety plan"), SAFETY_PLAN),
    )

    def nkc(self) -> NKC:
        """The unsaved NK-C typed in this form (after ``is_valid()``)."""
        return construct_instance(self, NKC(), fields=[*NKC_HISTORY, *SAFETY_PLAN])


class PlanItemForm(StepModelForm):
    class Meta(StepModelForm.Meta):
        model = HelpPlanItem
        fields = ["form_of_help", "action", "responsible", "due_on"]


PlanItemFormSet = forms.formset_factory(
    PlanItemForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=30,
    absolute_max=30,
    validate_max=True,
)


class PlanItemAddForm(PlanItemForm):
    pass


class PlanItemStatusForm(StepModelForm):
    class Meta(StepModelForm.Meta):
        model = HelpPlanItem
        fields = ["status", "status_note"]


NKD_FIELDS = [
    "situation",
    "substances",
    "consequences_explained",
    "statement",
    "agreed_programme",
    "agreed_alcohol_commission",
    "agreed_other",
    "initiation_notice_sent_on",
]


class SuspectMeetingForm(
    MeetingForm,
    model_fields(NKD, NKD_FIELDS, field_classes={"initiation_notice_sent_on": PastDateField}),
):
    """The meeting with the suspect (Meeting) and NK-D (NKD)."""

    fieldsets = (*MeetingForm.fieldsets, (_("NK-D"), tuple(NKD_FIELDS)))

    def nkd(self) -> NKD:
        """The unsaved NK-D typed in this form (after ``is_valid()``)."""
        return construct_instance(self, NKD(), fields=NKD_FIELDS)


# --------------------------------------------------------------------------- actions


class SuspectChoiceMixin(forms.Form):
    """The suspected person the record concerns, chosen among ``suspects`` by id; mixed into
    a ModelForm whose model has a ``person`` field (the label is that field's)."""

    person = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label = model_label(self._meta.model, "person")
        self.fields["person"].choices = [(p.pk, str(p)) for p in suspects]


class ReferralCertificateForm(StepForm):
    certificate = forms.ChoiceField(
        label=_("certificate"),
        choices=[("reported", _("of reporting")), ("completed", _("of completion"))],
    )
    received_on = PastDateField(label=_("certificate received on"))


class ProtectiveOrderForm(SuspectChoiceMixin, StepModelForm):
    field_order = ["person"]

    class Meta(StepModelForm.Meta):
        model = ProtectiveOrder
        fields = [*ORDER_MEASURE_FIELDS, "issuer", "issued_on", "court_extended_until"]
        field_classes = {"issued_on": PastDateField}


class DetentionNoticeForm(SuspectChoiceMixin, StepModelForm):
    field_order = ["person"]

    class Meta(StepModelForm.Meta):
        model = DetentionNotice
        fields = ["kind", "detained_on", "notified_on", "notified_by"]
        field_classes = {"detained_on": PastDateField, "notified_on": PastDateField}


class MonitoringNoteForm(StepModelForm):
    class Meta(StepModelForm.Meta):
        model = MonitoringNote
        fields = ["visited_on", "note"]
        field_classes = {"visited_on": PastDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


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
        formfield_callback=formfield,
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
