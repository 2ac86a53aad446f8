"""The group's separate meetings: with the victim (NK-C, help plan) and the suspect (NK-D)."""

from django.utils.translation import gettext_lazy

from workflows import services, step_forms
from workflows.models import VICTIM_ROLES, Role
from workflows.views.base import StepView
from workflows.views.planning import planned_id, planned_initial


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
        return {"held_on": self.today(), "person_appeared": True, **planned_initial(self)}

    def record(self, form) -> dict:
        """The unsaved meeting and whom it concerns, as the services take them."""
        return {
            "meeting": form.save(commit=False),
            "person_id": form.cleaned_data["person"],
            "present_ids": form.cleaned_data["present"],
            "planned_id": planned_id(self.request),
        }


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
        services.victim_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            **self.record(form),
            nkc=form.nkc(),
            plan=[
                f.save(commit=False) for f in self.bound_formsets["plan"].forms if f.cleaned_data
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
        services.suspect_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            **self.record(form),
            nkd=form.nkd(),
        )
