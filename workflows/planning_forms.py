"""The forms of planned meetings, of the group's working meetings and of a participant's
address for letters: ModelForms of their records (``workflows.step_forms``' conventions:
labels, choices and lengths come from the model)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from workflows.models import Meeting, Participant, PlannedMeeting
from workflows.step_forms import DateInput, PastDateField, StepForm, StepModelForm, model_label


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class PlannedMeetingForm(StepModelForm):
    """A meeting set in advance: its kind, date, time and place, and (for a meeting with the
    victim or the suspect) the one person invited. ``reason``: why a plan gets a new date."""

    invitee = forms.TypedChoiceField(
        label=model_label(PlannedMeeting, "invitee"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For a meeting with the victim or the suspect: exactly one person."),
    )
    reason = forms.CharField(
        label=_("Reason for the new date"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["kind", "invitee", "date", "time", "place", "reason"]

    class Meta(StepModelForm.Meta):
        model = PlannedMeeting
        fields = ["kind", "date", "time", "place"]
        widgets = {"date": DateInput, "time": TimeInput}

    def __init__(self, *args, people=(), rescheduling=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitee"].choices = [("", "—")] + [
            (participant.person_id, f"{participant.person} – {participant.get_role_display()}")
            for participant in people
        ]
        if not rescheduling:
            del self.fields["reason"]


class PlannedMeetingCloseForm(StepForm):
    """A planned meeting that was not held, or is cancelled, and why."""

    status = forms.ChoiceField(
        label=capfirst(_("what happened")),
        choices=[
            (PlannedMeeting.Status.NOT_HELD, PlannedMeeting.Status.NOT_HELD.label),
            (PlannedMeeting.Status.CANCELLED, PlannedMeeting.Status.CANCELLED.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=model_label(PlannedMeeting, "reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupMeetingForm(StepModelForm):
    """A working meeting of the group without the parties: date, place, members present,
    minutes."""

    present = forms.TypedMultipleChoiceField(
        label=model_label(Meeting, "present"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["held_on", "place", "present", "minutes", "next_meeting_on"]

    class Meta(StepModelForm.Meta):
        model = Meeting
        fields = ["held_on", "place", "minutes", "next_meeting_on"]
        field_classes = {"held_on": PastDateField}
        widgets = {"minutes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (m.pk, f"{m.user.get_full_name()} ({m.institution})") for m in members
        ]


class CorrespondenceAddressForm(StepModelForm):
    class Meta(StepModelForm.Meta):
        model = Participant
        fields = ["correspondence_address"]
