"""The chair's steps: appoint the diagnostic-support group, pass the NK-A to it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows import services, step_forms
from workflows.rules import RuleCode
from workflows.views.base import StepView


class GroupAppointView(StepView):
    action = "appoint_group"
    form_class = step_forms.GroupAppointForm
    title = gettext_lazy("Appoint the diagnostic-support group")
    intro = gettext_lazy(
        "The group must include a social worker and a police officer; every member must "
        "have signed the confidentiality declaration."
    )
    success_message = gettext_lazy("The group is appointed.")

    def form_kwargs(self):
        return {"team": self.procedure.team}

    def initial(self):
        return {"appointed_on": self.today()}

    def perform(self, form):
        services.group_appoint(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            member_ids=[m.pk for m in form.cleaned_data["members"]],
            appointed_on=form.cleaned_data["appointed_on"],
        )


class PassToGroupView(StepView):
    action = "pass_to_group"
    form_class = step_forms.PassToGroupForm
    title = gettext_lazy("Pass the NK-A to the group members")
    success_message = gettext_lazy("The NK-A is with the group: the meetings can be held.")

    def get_intro(self) -> str:
        return _("Within %(period)s of the group's appointment.") % {
            "period": self.period(RuleCode.NKA_TO_GROUP)
        }

    def initial(self):
        return {"passed_on": self.today()}

    def perform(self, form):
        services.nka_pass_to_group(
            actor=self.request.user, procedure_id=self.procedure.pk, **form.cleaned_data
        )
