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
from django.forms.models import construct_instance
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.dates import shown_date
from forms.models import NKA, NKC, NKD, HelpPlanItem, NKAPerson, ViolenceForm
from people import validators
from people.forms import PeselField
from workflows.form_base import (  # noqa: F401 - re-exported: their old home
    DateInput,
    PastDateField,
    StepForm,
    StepModelForm,
    formfield,
    model_fields,
    model_label,
    without_validation,
)
from workflows.models import (
    ORDER_MEASURE_FIELDS,
    ClosureGround,
    DetentionNotice,
    Meeting,
    MonitoringNote,
    ProtectiveOrder,
    Role,
    Stage,
    SuspectNotice,
)
from workflows.web import apply_service_error  # noqa: F401  (re-exported: its old home)

# --------------------------------------------------------------------------- NK-A


class NKAForm(StepModelForm):
    """NK-A (annex 1), the incident and the NK-B handout; the people come in ``PersonFormSet``."""

    # § 2 ust. 5–6: shown in a fieldset of their own, with the suspect's presence (issue 13
    # item 4: when absent, the group notifies the suspect of the initiation).
    PRESENCE_FIELDS = (
        "victim_presence",
        "victim_absence_reason",
        "victim_contact_on",
        "suspect_present",
    )

    def presence_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PRESENCE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The competent team is that of the victim's municipality [practice]: chosen from
        # the municipalities known to the system, the filer's own by default.
        municipality = self.fields["victim_municipality"]
        municipality.empty_label = None
        municipality.required = False  # left out: the filer's own (``procedure_initiate``)
        municipality.queryset = municipality.queryset.order_by("name")
        municipality.help_text = _(
            "The card goes to the team of this municipality; a card filled elsewhere is "
            "forwarded to it."
        )

    violence_forms = forms.MultipleChoiceField(
        label=model_label(NKA, "violence_forms"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Present unless the filer says otherwise: a card posted without the answer (an older
    # client) opens no notice deadline.
    suspect_present = forms.TypedChoiceField(
        label=model_label(NKA, "suspect_present"),
        choices=[(True, _("yes")), (False, _("no"))],
        coerce=lambda value: value in (True, "True"),
        empty_value=True,
        required=False,
        initial=True,
        widget=forms.RadioSelect,
    )

    class Meta(StepModelForm.Meta):
        model = NKA
        fields = [
            "place",
            "victim_municipality",
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
            "suspect_present",
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


COMPANION = ("companion", "companion_name", "companion_relation")


class VictimMeetingForm(
    MeetingForm,
    model_fields(
        NKC, [*NKC_HISTORY, *SAFETY_PLAN], widgets={"situation": forms.Textarea(attrs={"rows": 3})}
    ),
):
    """The meeting with one victim (Meeting) and their NK-C with the safety plan (NKC); for
    a child, who was present with them (a participant, or a name and relation)."""

    # The record's ``companion``, chosen among the case's participants by id.
    companion = forms.TypedChoiceField(
        label=model_label(Meeting, "companion"), coerce=int, required=False, empty_value=None
    )

    fieldsets = (
        *MeetingForm.fieldsets,
        (_("For a child: who was present with the child"), COMPANION),
        (_("NK-C: violence history"), NKC_HISTORY),
        (_("Safety plan"), SAFETY_PLAN),
    )

    class Meta(MeetingForm.Meta):
        fields = [*MeetingForm.Meta.fields, "companion_name", "companion_relation"]

    def __init__(self, *args, companions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companion"].choices = [("", "—"), *((p.pk, str(p)) for p in companions)]

    def nkc(self) -> NKC:
        """The unsaved NK-C typed in this form (after ``is_valid()``)."""
        return construct_instance(self, NKC(), fields=[*NKC_HISTORY, *SAFETY_PLAN])


class VictimAbsenceForm(MeetingForm):
    """A victim invited who did not come: the invitation's date (required), the meeting's
    date and place, the members present; each further attempt is another such record."""

    field_order = ["person", "invited_on", "held_on", "place", "present", "minutes"]
    fieldsets = ((_("Invitation and non-appearance"), tuple(field_order)),)

    class Meta(MeetingForm.Meta):
        fields = ["invited_on", "held_on", "place", "minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_on"].required = True


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
    """An action added later to the help plan of the victim it was agreed with (their NK-C)."""

    nkc = forms.TypedChoiceField(label=model_label(HelpPlanItem, "nkc"), coerce=int)

    field_order = ["nkc"]

    def __init__(self, *args, nkcs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nkc"].choices = [
            (nkc.pk, f"{nkc.victim} – NK-C {shown_date(nkc.meeting.held_on)}") for nkc in nkcs
        ]

    def save(self, commit=True):
        item = super().save(commit=False)
        item.nkc_id = self.cleaned_data["nkc"]
        if commit:
            item.save()
        return item


SUSPECT_NOTICE_HOW = _("by registered post")


class SuspectNoticeForm(StepModelForm):
    """The notice of initiation sent to a suspect absent when the NK-A was filled."""

    person = forms.TypedChoiceField(coerce=int)
    field_order = ["person", "sent_on", "how"]

    class Meta(StepModelForm.Meta):
        model = SuspectNotice
        fields = ["sent_on", "how"]
        field_classes = {"sent_on": PastDateField}

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label = model_label(SuspectNotice, "suspect")
        self.fields["person"].choices = [(p.pk, str(p)) for p in suspects]


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
        fields = [
            *ORDER_MEASURE_FIELDS,
            "issuer",
            "issued_on",
            "issued_at_time",
            "court_extended_until",
        ]
        field_classes = {"issued_on": PastDateField}
        widgets = {"issued_at_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


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
    # The dashboard's other counts link here (``selectors.dashboard.FILTERS``).
    due_week = forms.BooleanField(label=_("a deadline due this week"), required=False)
    at_risk = forms.BooleanField(label=_("a deadline at risk"), required=False)
    no_meeting = forms.BooleanField(label=_("no meeting yet"), required=False)
    incomplete_group = forms.BooleanField(label=_("incomplete group"), required=False)
    awaiting_decision = forms.BooleanField(
        label=_("a request awaiting the team's decision"), required=False
    )
    FLAGS = ("due_week", "at_risk", "no_meeting", "incomplete_group", "awaiting_decision")

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
