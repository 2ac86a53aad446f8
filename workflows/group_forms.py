"""The forms of the group's steps: its appointment and the changes of its members.

Beside ``workflows.step_forms`` (whose bases they use) to keep each module short.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import RecordMultipleChoiceField
from workflows.models import Professional
from workflows.step_forms import PastDateField, StepForm, StepModelForm


def _member_label(p: Professional) -> str:
    return f"{p.user.get_full_name()} – {p.get_profession_display()}, {p.institution}"


class GroupAppointForm(StepForm):
    appointed_on = PastDateField(label=_("appointed on"))
    members = RecordMultipleChoiceField(
        label=_("members"),
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The group must include a social worker and a police officer. Professionals of "
            "the municipality who are not team members (a class teacher, a doctor, a family "
            "assistant) may sit in it too."
        ),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            candidates if candidates is not None else Professional.objects.none()
        )
        self.fields["members"].label_from_instance = _member_label


class GroupMemberAddForm(StepForm):
    professional = forms.ModelChoiceField(
        label=_("member"), queryset=Professional.objects.none(), empty_label="—"
    )
    added_on = PastDateField(label=_("date of the change"))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = (
            candidates if candidates is not None else Professional.objects.none()
        )
        self.fields["professional"].label_from_instance = _member_label


class GroupMemberRemoveForm(StepForm):
    professional = forms.ModelChoiceField(
        label=_("member"), queryset=Professional.objects.none(), empty_label="—"
    )
    removed_on = PastDateField(label=_("date of the change"))
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = (
            members if members is not None else Professional.objects.none()
        )
        self.fields["professional"].label_from_instance = _member_label


class GroupMemberRegisterForm(StepModelForm):
    """A professional who is not a team member, registered by the chair and added to the
    group: their login account is created and they get an e-mail to set a password."""

    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("surname"), max_length=150)
    email = forms.EmailField(
        label=_("e-mail"), help_text=_("The login; the link to set a password goes here.")
    )
    added_on = PastDateField(label=_("date of the change"))

    field_order = ["first_name", "last_name", "email"]

    class Meta(StepModelForm.Meta):
        model = Professional
        fields = ["sector", "profession", "institution", "confidentiality_declared_on"]
        field_classes = {"confidentiality_declared_on": PastDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # art. 9c ust. 3 of the Act: no member without the declaration.
        self.fields["confidentiality_declared_on"].required = True
        self.fields["confidentiality_declared_on"].help_text = _(
            "art. 9c ust. 3 of the Act: required of every group member."
        )
