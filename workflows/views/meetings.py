"""The group's separate meetings: with the victim (NK-C, help plan) and the suspect (NK-D)."""

from django.utils.translation import gettext_lazy

from workflows import services, step_forms
from workflows.models import VICTIM_ROLES, Role
from workflows.views.base import StepView


class _MeetingView(StepView):
    roles: frozenset = frozenset()

    def form_kwargs(self):
        members = (
            [
                m.professional
                for m in self.procedure.group.memberships.select_related("professional__user")
            ]
            if hasattr(self.procedure, "group")
            else []
        )
        return {"people": self.participants(self.roles), "members": members}

    def initial(self):
        return {"held_on": self.today(), "person_appeared": True}

    def meeting_input(self, data) -> services.MeetingInput:
        return services.MeetingInput(
            held_on=data["held_on"],
            place=data["place"],
            present_ids=data["present"],
            person_id=data["person"],
            invited_on=data["invited_on"],
            minutes=data["minutes"],
            next_meeting_on=data["next_meeting_on"],
            person_appeared=data["person_appeared"],
        )


class VictimMeetingView(_MeetingView):
    action = "victim_meeting"
    form_class = step_forms.VictimMeetingForm
    template_name = "workflows/victim_meeting.html"
    title = gettext_lazy("Meeting with the victim: NK-C, help plan and safety plan")
    success_message = gettext_lazy("The meeting with the victim is recorded.")
    roles = VICTIM_ROLES

    def formsets(self, data=None):
        return {"plan": step_forms.PlanItemFormSet(data, prefix="plan")}

    def perform(self, form):
        data = form.cleaned_data
        nkc_fields = {
            name: data[name] for name in services.NKCInput.__dataclass_fields__ if name in data
        }
        services.victim_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            meeting=self.meeting_input(data),
            nkc=services.NKCInput(**nkc_fields),
            plan=[
                services.PlanItemInput(**f.cleaned_data)
                for f in self.bound_formsets["plan"].forms
                if f.cleaned_data
            ],
        )


class SuspectMeetingView(_MeetingView):
    action = "suspect_meeting"
    form_class = step_forms.SuspectMeetingForm
    title = gettext_lazy("Meeting with the suspect: NK-D")
    intro = gettext_lazy(
        "Held separately from the victim. When the suspect does not appear, record the "
        "notification of initiation sent to them."
    )
    success_message = gettext_lazy("The meeting with the suspect is recorded.")
    roles = frozenset({Role.SUSPECT})

    def perform(self, form):
        data = form.cleaned_data
        services.suspect_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            meeting=self.meeting_input(data),
            nkd=services.NKDInput(
                **{
                    name: data[name]
                    for name in services.NKDInput.__dataclass_fields__
                    if name in data
                }
            ),
        )
