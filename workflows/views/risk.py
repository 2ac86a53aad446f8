"""The risk assessment's pages (issue 15): the checklist (the chair and the group; the
initiator with their card), an assessment's answers, the safety-plan action, and the reason
for a missed deadline. Thin: a form, one service call."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import log_read
from core.dates import shown_date
from workflows import calendar, risk, risk_forms, selectors, services, web
from workflows.models import VICTIM_ROLES, Deadline, RiskAssessment
from workflows.rules import RuleCode
from workflows.services.risk import ANSWER_PREFIX
from workflows.views.base import StepView
from workflows.views.cards import CardTransferView


def _card_url(nka_pk: int) -> str:
    return reverse("workflows:card_detail", args=[nka_pk])


def _kind(request) -> str:
    kind = request.GET.get("kind", risk.Kind.ADULT)
    return kind if kind in set(risk.Kind) else risk.Kind.ADULT


def _switch_links(request, base_url: str, current: str) -> list[dict]:
    extra = {k: v for k, v in request.GET.items() if k != "kind"}
    links = []
    for kind, label in risk.KIND_LABELS.items():
        query = "&".join([f"kind={kind}"] + [f"{k}={v}" for k, v in extra.items()])
        links.append({"url": f"{base_url}?{query}", "label": label, "current": kind == current})
    return links


class RiskAssessView(StepView):
    """The chair or a group member answers the checklist about one victim."""

    action = "risk_assess"
    template_name = "workflows/risk_form.html"
    title = gettext_lazy("Risk assessment")
    success_message = gettext_lazy("The risk assessment is saved.")

    def dispatch(self, request, *args, **kwargs):
        self.corrected = None
        return super().dispatch(request, *args, **kwargs)

    def check_object(self) -> None:
        corrects = self.request.GET.get("corrects", "")
        if corrects:
            self.corrected = (
                RiskAssessment.objects.current()
                .filter(pk=corrects if corrects.isdigit() else 0, procedure=self.procedure)
                .first()
            )
            if self.corrected is None:
                raise Http404
        self.form_class = risk_forms.CorrectionForm if self.corrected else risk_forms.RiskForm

    def kind(self) -> str:
        return self.corrected.kind if self.corrected else _kind(self.request)

    def form_kwargs(self):
        victims = self.participants(VICTIM_ROLES)
        if self.corrected:
            victims = [p for p in victims if p.pk == self.corrected.person_id]
        return {"found": risk.checklist(self.kind()), "victims": victims}

    def initial(self):
        values = {"assessed_on": self.today(), "occasion": self.request.GET.get("occasion")}
        if self.request.GET.get("person", "").isdigit():
            values["person"] = int(self.request.GET["person"])
        if self.corrected:
            values.update(
                person=self.corrected.person_id,
                assessed_on=self.corrected.assessed_on,
                occasion=self.corrected.occasion,
                note=self.corrected.note,
                **{ANSWER_PREFIX + k: v for k, v in self.corrected.answers.items()},
            )
        return values

    def get_intro(self) -> str:
        found = risk.checklist(self.kind())
        return _(
            "%(title)s (version %(version)s). Any “yes” to a question that calls for "
            "immediate action, or %(high)s or more “yes” among the others, means high risk: "
            "the case is flagged for the chair and the group, a safety-plan action is due "
            "and the chair is notified."
        ) % {
            "title": found.title,
            "version": found.version,
            "high": risk.high_threshold(found, self.procedure.team),
        }

    def render_form(self, form, formsets=None):
        base = reverse("workflows:risk_assess", args=[self.procedure.pk])
        return render(
            self.request,
            self.template_name,
            {
                "procedure": self.procedure,
                "form": form,
                "title": _("Correct the risk assessment") if self.corrected else self.title,
                "intro": self.get_intro(),
                "switch": [] if self.corrected else _switch_links(self.request, base, self.kind()),
            },
        )

    def perform(self, form):
        data = form.cleaned_data
        services.risk_assess(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            person_id=data["person"],
            kind=self.kind(),
            answers=form.answers(),
            occasion=data["occasion"],
            assessed_on=data["assessed_on"],
            note=data["note"],
            corrects_id=self.corrected.pk if self.corrected else None,
            correction_reason=data.get("correction_reason", ""),
        )


class CardRiskAssessView(CardTransferView):
    """The initiator answers the checklist with their card, right after filling it; the page
    is addressed by the card alone (they see no case) and shows no result of the case."""

    template_name = "workflows/risk_form.html"

    def victims(self) -> list:
        entries = self.card.nka.entries.filter(role__in=list(VICTIM_ROLES))
        return [e.person for e in entries.select_related("person").order_by("id")]

    def make_form(self, data=None):
        return risk_forms.RiskForm(
            data,
            found=risk.checklist(_kind(self.request)),
            victims=self.victims(),
            with_occasion=False,
            initial={"assessed_on": calendar.legal_date()},
        )

    def render_form(self, form):
        base = reverse("workflows:card_risk_assess", args=[self.card.nka.pk])
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": _("Risk assessment with the NK-A"),
                "intro": _(
                    "Optional, but it helps the team act at once: answer with the victim. The "
                    "answers go to the team chair and the group."
                ),
                "back_url": _card_url(self.card.nka.pk),
                "switch": _switch_links(self.request, base, _kind(self.request)),
            },
        )

    def get(self, request, **kwargs):
        return self.render_form(self.make_form())

    def post(self, request, **kwargs):
        form = self.make_form(request.POST)

        def write() -> str:
            services.card_risk_assess(
                actor=request.user,
                procedure_id=self.card.nka.procedure_id,
                nka_id=self.card.nka.pk,
                person_id=form.cleaned_data["person"],
                kind=_kind(request),
                answers=form.answers(),
                assessed_on=form.cleaned_data["assessed_on"],
                note=form.cleaned_data["note"],
            )
            return _card_url(self.card.nka.pk)

        done = web.form_submit(
            request,
            form=form,
            perform=write,
            denied_is_not_found=True,
            success_message=_("The risk assessment is saved and sent to the team."),
        )
        return done or self.render_form(form)


class SafetyActionView(StepView):
    action = "safety_action"
    form_class = risk_forms.SafetyActionForm
    title = gettext_lazy("Record a safety-plan action")
    success_message = gettext_lazy("The safety-plan action is recorded.")

    def get_intro(self) -> str:
        return _(
            "The first action of the victim's safety plan after a high risk, due within "
            "%(period)s (team setting – no statutory basis)."
        ) % {"period": self.period(RuleCode.SAFETY_PLAN)}

    def form_kwargs(self):
        acting = [
            a
            for a in RiskAssessment.objects.current()
            .filter(procedure=self.procedure)
            .select_related("person")
            .order_by("-assessed_on", "-id")
            if a.acts
        ]
        self.shown_people = [a.person for a in acting]
        return {"assessments": acting}

    def initial(self):
        return {"taken_on": self.today()}

    def perform(self, form):
        data = form.cleaned_data
        services.safety_action_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            assessment_id=data["assessment"],
            taken_on=data["taken_on"],
            description=data["description"],
        )


class DeadlineReasonView(StepView):
    action = "deadline_reason"
    form_class = risk_forms.DeadlineReasonForm
    title = gettext_lazy("Why the deadline was missed")
    success_message = gettext_lazy("The reason is recorded.")

    def check_object(self) -> None:
        self.deadline = get_object_or_404(
            Deadline, pk=self.kwargs["deadline_pk"], procedure=self.procedure
        )

    def get_intro(self) -> str:
        return _("%(rule)s, due %(due)s. The compliance report shows it as “late, because…”.") % {
            "rule": self.deadline.get_rule_display(),
            "due": shown_date(self.deadline.due_on),
        }

    def perform(self, form):
        services.deadline_reason_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            deadline_id=self.deadline.pk,
            **form.cleaned_data,
        )


@login_required
def assessment_detail(request, pk: int, assessment_pk: int):
    """One assessment's answers, for the chair, the group and an auditor (404 otherwise)."""
    procedure, access = selectors.procedure_get(user=request.user, pk=pk)
    if not (access.chair or access.group_member or access.auditor):
        raise Http404
    assessment = get_object_or_404(
        RiskAssessment.objects.select_related("person", "assessed_by", "corrects"),
        pk=assessment_pk,
        procedure=procedure,
    )
    log_read(
        action="risk.viewed",
        request=request,
        procedures=[procedure],
        people=[assessment.person],
        payload={"assessment": assessment.pk},
    )
    found = risk.checklist(assessment.kind, assessment.version)
    return render(
        request,
        "workflows/risk_detail.html",
        {
            "procedure": procedure,
            "assessment": assessment,
            "checklist": found,
            "rows": assessment.answered(),
            "level": risk.LEVEL_LABELS[risk.Level(assessment.level)],
            "may_correct": access.chair or access.group_member,
            "is_current": not hasattr(assessment, "corrected_by"),
        },
    )
