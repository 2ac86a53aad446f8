"""The step page: one form, one service call, back to the case.

A procedure the user may not see answers 404, exactly like a missing one; a step the user
sees but may not take answers 403 (``workflows.permissions``: the step's actor, declared
once in ``workflows.flows.STEPS``). Whether the case is at that step now is the service's
answer: a refusal re-renders the form with its message next to the field, and nothing is
written.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.forms import BaseFormSet
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View

from audit.services import log_read
from workflows import calendar, permissions, selectors, step_forms, web
from workflows.models import Participant


def procedure_url(procedure) -> str:
    return reverse("workflows:procedure_detail", args=[procedure.pk])


class StepView(LoginRequiredMixin, View):
    """One step of the procedure: a form, one service call, back to the procedure page.

    ``action`` names the step in ``workflows.flows.STEPS``; whoever is not its actor gets
    403 (``permissions.may_open``).
    """

    action: str = ""
    form_class = step_forms.ConfirmForm
    title = ""
    intro = ""
    template_name = "workflows/step.html"
    success_message = gettext_lazy("Saved.")

    def form_kwargs(self) -> dict:
        return {}

    def initial(self) -> dict:
        return {}

    def formsets(self, data=None) -> dict[str, BaseFormSet]:
        """Formsets sent with the form, by prefix (their errors map by that prefix)."""
        return {}

    def perform(self, form) -> None:
        raise NotImplementedError

    def allowed(self) -> bool:
        """May the user open this step's form? The service checks again when it writes."""
        return permissions.may_open(self.access, self.action)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.procedure, self.access = selectors.procedure_get(user=request.user, pk=kwargs["pk"])
        if not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_intro(self) -> str:
        return self.intro

    def render_form(self, form, formsets: dict | None = None):
        return render(
            self.request,
            self.template_name,
            {
                "procedure": self.procedure,
                "form": form,
                "title": self.title,
                "intro": self.get_intro(),
                "view": self,
                **(formsets or {}),
            },
        )

    def get(self, request, **kwargs):
        self.check_object()
        self.shown_people = []
        form = self.form_class(initial=self.initial(), **self.form_kwargs())
        response = self.render_form(form, self.formsets())
        # The form names the case and lists its participants: a read (one event).
        log_read(
            action="step_form.viewed",
            request=request,
            procedures=[self.procedure],
            people=self.shown_people,
            payload={"step": request.resolver_match.url_name},
        )
        return response

    def check_object(self) -> None:
        """Raise ``Http404`` when the URL names an object outside this procedure."""

    def post(self, request, **kwargs):
        self.check_object()
        form = self.form_class(request.POST, initial=self.initial(), **self.form_kwargs())
        self.bound_formsets = self.formsets(request.POST)

        def write() -> str:
            self.perform(form)
            return self.success_url()

        done = web.form_submit(
            request,
            form=form,
            formsets=self.bound_formsets,
            perform=write,
            success_message=self.success_message,
        )
        return done or self.render_form(form, self.bound_formsets)

    def success_url(self) -> str:
        return procedure_url(self.procedure)

    def today(self):
        return calendar.legal_date()

    def participants(self, roles):
        people = [
            p.person
            for p in Participant.objects.filter(procedure=self.procedure, role__in=list(roles))
            .select_related("person")
            .order_by("person__last_name")
        ]
        if hasattr(self, "shown_people"):
            self.shown_people += people
        return people

    def period(self, code) -> str:
        """A statutory period of this case's edition, as the intro says it."""
        return web.rule_period(code, self.procedure.edition)
