"""Closing the case (§ 18) and ending the monitoring after closure."""

from django.utils.translation import gettext_lazy

from workflows import services, step_forms
from workflows.views.base import StepView


class CloseView(StepView):
    action = "close"
    form_class = step_forms.CloseForm
    title = gettext_lazy("Close the procedure")
    intro = gettext_lazy(
        "Closure is final. Ground 1 needs the individual help plan carried out; a new "
        "incident after closure needs a new NK-A."
    )
    success_message = gettext_lazy("The procedure is closed.")

    def initial(self):
        return {"closed_on": self.today()}

    def perform(self, form):
        services.procedure_close(
            actor=self.request.user, procedure_id=self.procedure.pk, **form.cleaned_data
        )


class MonitoringEndView(StepView):
    action = "end_monitoring"
    title = gettext_lazy("End the monitoring after closure")
    success_message = gettext_lazy("The monitoring has ended; the procedure is complete.")

    def perform(self, form):
        services.post_closure_monitoring_end(
            actor=self.request.user, procedure_id=self.procedure.pk
        )
