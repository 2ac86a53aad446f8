"""The group's separate meetings, one person each: with a victim (NK-C, help plan, or the
non-appearance) and with a suspect (NK-D); the notice to a suspect absent at initiation."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.models import Role as AnyRole
from workflows import services, step_forms
from workflows.models import VICTIM_ROLES, Role
from workflows.rules import RuleCode
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

    def form_kwargs(self):
        # A child's companion may be any participant; the service refuses a suspect.
        return {**super().form_kwargs(), "companions": self.participants(AnyRole.values)}

    def formsets(self, data=None):
        return {"plan": step_forms.PlanItemFormSet(data, prefix="plan")}

    def perform(self, form):
        services.victim_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            **self.record(form),
            companion_id=form.cleaned_data["companion"],
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


class VictimAbsenceView(_MeetingView):
    action = "victim_meeting"
    form_class = step_forms.VictimAbsenceForm
    template_name = "workflows/victim_meeting.html"
    title = gettext_lazy("The victim did not come: invitation and non-appearance")
    success_message = gettext_lazy("The victim's non-appearance is recorded.")
    roles = VICTIM_ROLES

    def initial(self):
        return {"held_on": self.today()}

    def perform(self, form):
        services.victim_absence_record(
            actor=self.request.user, procedure_id=self.procedure.pk, **self.record(form)
        )


class SuspectNoticeView(StepView):
    action = "suspect_notice"
    form_class = step_forms.SuspectNoticeForm
    title = gettext_lazy("Notice of initiation to the suspect absent when the NK-A was filled")
    success_message = gettext_lazy("The notice to the suspect is recorded.")

    def get_intro(self) -> str:
        return _(
            "The NK-A was filled in the suspect's absence: notify them of the initiation "
            "within %(period)s of the day the card was filled."
        ) % {"period": self.period(RuleCode.SUSPECT_NOTICE)}

    def period(self, code) -> str:
        # A 2011 case has no such deadline: the page says so rather than a borrowed period.
        try:
            return super().period(code)
        except LookupError:
            return _("the period of the 2023 regulation (none in this case's edition)")

    def form_kwargs(self):
        return {"suspects": self.participants([Role.SUSPECT])}

    def initial(self):
        return {"sent_on": self.today(), "how": step_forms.SUSPECT_NOTICE_HOW}

    def perform(self, form):
        data = form.cleaned_data
        services.suspect_notice_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            person_id=data["person"],
            sent_on=data["sent_on"],
            how=data["how"],
        )
