"""Closing the case (§ 18) and ending the monitoring after closure."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.models import HelpPlanItem
from workflows import request_forms, services
from workflows.views.base import StepView


class CloseView(StepView):
    action = "close"
    form_class = request_forms.CloseWithMonitoringForm
    title = gettext_lazy("Close the procedure")
    success_message = gettext_lazy("The procedure is closed.")
    template_name = "workflows/close.html"

    def open_plan_items(self) -> list[HelpPlanItem]:
        """The help-plan actions still open, which the page lists, each a link to its status
        page: ground 1 is refused while any is (``services.closure.check_closure_ground``)."""
        items = list(
            self.procedure.help_plan_items.current()
            .filter(status=HelpPlanItem.Status.OPEN)
            .select_related("nkc__victim")
            .order_by("nkc__victim__last_name", "due_on", "id")
        )
        if hasattr(self, "shown_people"):
            self.shown_people += [item.nkc.victim for item in items]
        return items

    def get_intro(self) -> str:
        months = self.procedure.team.post_closure_monitoring_months
        monitoring = (
            _(
                "Monitoring after closure is on by default: the group keeps monitoring the "
                "family for %(months)d months (team setting – no statutory basis); switch it "
                "off only with a reason."
            )
            % {"months": months}
            if months
            else _("The team has set no monitoring after closure (team setting).")
        )
        return " ".join(
            [
                str(
                    _(
                        "Closure is final. Ground 1 needs the individual help plan carried "
                        "out; a new incident after closure needs a new NK-A. The closure "
                        "protocol and a notice to every body that took part are generated."
                    )
                ),
                str(monitoring),
            ]
        )

    def initial(self):
        return {
            "closed_on": self.today(),
            "monitoring": bool(self.procedure.team.post_closure_monitoring_months),
        }

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
