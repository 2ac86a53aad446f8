"""Forms of the centre's pages: what a form can check alone; the rest is the services'."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centre.models import (
    CentrePerson,
    Consultation,
    Contact,
    Group,
    PreventionEvent,
    TherapyCourse,
)
from core.dates import shown_date
from core.fields import RecordChoiceField, RecordMultipleChoiceField
from people.forms import PeselField
from people.models import Sex
from people.validators import clean_name
from workflows import calendar
from workflows.step_forms import DateInput, PastDateField


def search_attrs(minors: bool = False) -> dict:
    """The widget attributes ``centre/static/centre/person-search.js`` reads to put a
    search-as-you-type box before a person picker (the JSON of ``centre:person_search``);
    without JavaScript the picker is the plain list."""
    url = reverse_lazy("centre:person_search")
    return {
        "data-person-search": format_lazy("{}{}", url, "?minors=1" if minors else ""),
        "data-search-label": _("Search by surname, first name or PESEL"),
        "data-search-found": _("People found:"),
    }


class PersonChoiceField(RecordChoiceField):
    """A pick among the centre's own records, labelled as the centre typed them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(search_attrs())

    def label_from_instance(self, person: CentrePerson) -> str:
        born = person.date_of_birth()
        return f"{person.last_name} {person.first_name}" + (f" ({born.year})" if born else "")


class PersonMultipleField(RecordMultipleChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(search_attrs())

    def label_from_instance(self, person: CentrePerson) -> str:
        return PersonChoiceField.label_from_instance(self, person)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ContactForm(forms.Form):
    """The 3 a.m. form: the reason first and focused, everything else with a default.

    The time is filled in (now) and comes last, so the focus lands where the person on duty
    starts typing: an anonymous phone call is the reason and Enter, with no Tab at all (the
    time first cost 7 Tabs per contact, issue 14).
    """

    field_order = [
        "reason",
        "channel",
        "outcome",
        "person",
        "new_first_name",
        "new_last_name",
        "at",
    ]

    at = forms.DateTimeField(label=_("when"), widget=DateTimeLocalInput)
    channel = forms.ChoiceField(label=_("how"), choices=Contact.Channel.choices)
    person = PersonChoiceField(
        label=_("person (empty: anonymous)"), queryset=CentrePerson.objects.none(), required=False
    )
    new_first_name = forms.CharField(
        label=_("or a new person: first name"), max_length=100, required=False
    )
    new_last_name = forms.CharField(label=_("surname"), max_length=150, required=False)
    reason = forms.CharField(
        label=pgettext_lazy("centre", "reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    outcome = forms.ChoiceField(label=_("outcome"), choices=Contact.Outcome.choices)

    def __init__(self, *args, people=None, **kwargs):
        kwargs.setdefault("initial", {"at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            people if people is not None else CentrePerson.objects.none()
        )

    def clean_new_first_name(self) -> str:
        return clean_name(self.cleaned_data["new_first_name"])

    def clean_new_last_name(self) -> str:
        return clean_name(self.cleaned_data["new_last_name"])

    def clean(self):
        data = super().clean()
        first, last = data.get("new_first_name", "").strip(), data.get("new_last_name", "").strip()
        if (first or last) and data.get("person"):
            self.add_error("person", _("Choose a person or write a new one, not both."))
        elif bool(first) != bool(last):
            self.add_error(
                "new_last_name" if first else "new_first_name",
                _("A new person needs both a first name and a surname."),
            )
        return data


class HouseholdForm(forms.Form):
    """Put a person the centre recorded in one of its households (known or new).

    The service checks the choice (one of the centre's, a known one or a new one, not both)
    and the new name; its refusals come back next to the field."""

    household_id = forms.TypedChoiceField(
        label=_("household already recorded"), coerce=int, required=False, empty_value=None
    )
    household_label = forms.CharField(
        label=_("or a new household (e.g. the family name)"), max_length=200, required=False
    )

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_id"].choices = [("", "—"), *((h.pk, h.label) for h in households)]


class PersonForm(HouseholdForm):
    """Record a person, with a household of the centre.

    What needs more than one field or a cleaner (names, phone, the PESEL against the typed
    sex and date of birth) is checked once, by ``centre.services.person_record``; its
    refusals come back next to each field."""

    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("surname"), max_length=150)
    pesel = PeselField()
    birth_date = PastDateField(label=_("date of birth (when there is no PESEL)"), required=False)
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—"), *Sex.choices], required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)

    field_order = ["first_name", "last_name", "pesel", "birth_date", "sex", "phone"]


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=Consultation.Kind.choices)
    mode = forms.ChoiceField(label=_("mode"), choices=Consultation.Mode.choices)
    held_on = PastDateField(label=_("date"))
    duration_minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=1, max_value=600)
    people = PersonMultipleField(
        label=_("person(s)"), queryset=CentrePerson.objects.none(), required=False
    )
    place = forms.CharField(label=_("place (field intervention)"), max_length=200, required=False)
    field_reason = forms.ChoiceField(
        label=_("reason (field intervention)"),
        choices=[("", "—"), *Consultation.FieldReason.choices],
        required=False,
    )
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea, required=False)

    def __init__(self, *args, people=None, **kwargs):
        kwargs.setdefault("initial", {"held_on": calendar.legal_date()})
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            people if people is not None else CentrePerson.objects.none()
        )


class TherapyCourseForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=TherapyCourse.Kind.choices)
    person = PersonChoiceField(label=_("person"), queryset=CentrePerson.objects.none())
    started_on = PastDateField(label=_("started on"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            people if people is not None else CentrePerson.objects.none()
        )


class TherapySessionForm(forms.Form):
    held_on = PastDateField(label=_("date"))
    duration_minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=1, max_value=600)


class TherapyEndForm(forms.Form):
    ended_on = PastDateField(label=_("ended on"))
    referred_to = forms.CharField(
        label=_("referred to long-term therapy at"), max_length=200, required=False
    )


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=Group.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("ends on"), widget=DateInput, required=False)


class EnrolForm(forms.Form):
    person = PersonChoiceField(label=_("person"), queryset=CentrePerson.objects.none())
    enrolled_on = PastDateField(label=_("enrolled on (for a referral: the day they reported)"))
    referral = forms.TypedChoiceField(
        label=_("referral from a procedure (correctional-educational group)"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, people=None, referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            people if people is not None else CentrePerson.objects.none()
        )
        # A referral is labelled with the centre's own name for the person, never with the
        # procedure's record of them.
        referrals = list(referrals)
        names = {p.person_id: str(p) for p in self.fields["person"].queryset} if referrals else {}
        self.fields["referral"].choices = [
            ("", "—"),
            *(
                (
                    r.pk,
                    f"{names.get(r.person_id, '')} – {r.procedure.number}, "
                    f"{shown_date(r.referred_on)}",
                )
                for r in referrals
            ),
        ]


class FinishForm(forms.Form):
    finished_on = PastDateField(label=_("date"))
    completed = forms.TypedChoiceField(
        label=_("result"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("completed")), ("no", _("left without finishing"))],
    )


class GroupSessionForm(forms.Form):
    held_on = PastDateField(label=_("date"))
    topic = forms.CharField(label=_("topic"), max_length=200, required=False)
    present = forms.TypedMultipleChoiceField(
        label=_("present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(e.pk, str(e.person)) for e in enrolments]


class PlaceSelect(forms.Select):
    """The hostel's places, those taken tonight greyed out and marked as such (a screen
    reader says "unavailable"); the service still checks the whole planned stay."""

    def __init__(self, *args, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = set(taken)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.taken:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(place)s (taken)") % {"place": label}
        return option


class AdmitForm(forms.Form):
    """Admission to the hostel: the adult, a free place, the children who came along.

    ``children`` offers only the centre's minors (age from the typed date of birth or the
    PESEL); a child recorded in another household than the adult's is refused. Every error
    is shown at once: the form's and the service's (``centre.services.hostel_admit``).
    """

    person = PersonChoiceField(label=_("person"), queryset=CentrePerson.objects.none())
    place = forms.TypedChoiceField(label=_("place"), coerce=int)
    children = PersonMultipleField(
        label=_("accompanying children"),
        queryset=CentrePerson.objects.none(),
        required=False,
        help_text=_(
            "Only minors are listed (by the date of birth or the PESEL recorded); a child "
            "recorded in a household must be in the adult's."
        ),
    )
    admitted_on = PastDateField(label=_("admitted on"))
    planned_end_on = forms.DateField(label=_("planned end"), widget=DateInput)
    reason = forms.CharField(label=_("reason for the stay"), max_length=300)

    def __init__(self, *args, people=None, children=None, places=(), taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            people if people is not None else CentrePerson.objects.none()
        )
        self.fields["children"].queryset = (
            children if children is not None else CentrePerson.objects.none()
        )
        self.fields["children"].label_from_instance = _child_label
        self.fields["children"].widget.attrs.update(search_attrs(minors=True))
        self.fields["place"].choices = [(p.pk, str(p)) for p in places]
        self.fields["place"].widget = PlaceSelect(taken=taken)
        self.fields["place"].widget.choices = self.fields["place"].choices
        self.taken = set(taken)

    def clean_place(self) -> int:
        place = self.cleaned_data["place"]
        if place in self.taken:
            raise forms.ValidationError(_("This place is taken; choose a free one."))
        return place

    def clean(self):
        data = super().clean()
        adult, children = data.get("person"), data.get("children") or []
        if adult is not None:
            if adult in children:
                self.add_error("children", _("The adult cannot be their own accompanying child."))
            elsewhere = [
                c
                for c in children
                if adult.household_id and c.household_id and c.household_id != adult.household_id
            ]
            if elsewhere:
                self.add_error(
                    "children",
                    _("Not of the adult's household: %(names)s.")
                    % {"names": ", ".join(str(c) for c in elsewhere)},
                )
        admitted, end = data.get("admitted_on"), data.get("planned_end_on")
        if admitted and end and end <= admitted:
            self.add_error("planned_end_on", _("The planned end must follow the admission."))
        return data


def _child_label(person: CentrePerson) -> str:
    """A child as the picker shows it: name, year of birth, household when recorded."""
    label = PersonChoiceField.label_from_instance(None, person)  # type: ignore[arg-type]
    return f"{label} – {person.household}" if person.household_id else label


class ExtendForm(forms.Form):
    new_end_on = forms.DateField(label=_("new planned end"), widget=DateInput)
    justification = forms.CharField(label=_("justification"), widget=forms.Textarea)


class DischargeForm(forms.Form):
    discharged_on = PastDateField(label=_("discharged on"))


class PreventionForm(forms.Form):
    held_on = PastDateField(label=_("date"))
    topic = forms.CharField(label=_("topic"), max_length=200)
    audience = forms.ChoiceField(label=_("audience"), choices=PreventionEvent.Audience.choices)
    participants = forms.IntegerField(label=_("participants"), min_value=1, max_value=100000)
    place = forms.CharField(label=_("place"), max_length=200, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=DateInput)
    end = forms.DateField(label=_("to"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot precede the start."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366 * 30:
            self.add_error("start", _("Choose a period of at most 30 years."))
        return data
