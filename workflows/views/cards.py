"""The initiator's own cards: filling an NK-A, its page, and sending its original to the chair.

Nothing here names the case a card belongs to (issue 11): the same answers whether the card
opened a case, joined one or was routed to another municipality.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from audit.services import log_read
from forms.models import NKA, NKAPerson
from workflows import (
    calendar,
    nka_layout,
    order_forms,
    permissions,
    selectors,
    services,
    step_forms,
    web,
)
from workflows.models import ProtectiveOrder, RiskAssessment, Role, Stage
from workflows.rules import RuleCode


def _card_url(nka_pk: int) -> str:
    return reverse("workflows:card_detail", args=[nka_pk])


@login_required
def card_detail(request, nka_pk: int):
    """The initiator's own card: what it says, what they must do, its NK-A and NK-B.

    Nothing of the case the card belongs to: not its number, household, stage or people
    other than the card's own. The same page whether the card opened, joined or was routed.
    """
    card = selectors.card_open(user=request.user, nka_pk=nka_pk, request=request)
    return render(
        request,
        "workflows/card_detail.html",
        {
            "card": card,
            "nka": card.nka,
            "entries": list(card.nka.entries.order_by("role", "id")),
            "documents": list(selectors.card_documents(nka=card.nka)),
            "documents_waiting": 0,
            "can_act": False,
            "replaced": set(),
            "orders": list(
                card.nka.protective_orders.current().select_related("person").order_by("id")
            ),
            "may_record_order": card.nka.is_current and card.nka.procedure.stage != Stage.CLOSED,
            # Issue 15: the initiator may answer the risk checklist with the card, once.
            "risk_assessed": RiskAssessment.objects.filter(nka=card.nka).exists(),
        },
    )


class CardTransferView(LoginRequiredMixin, View):
    """The initiator records sending their card's original to the team chair (§ 7)."""

    template_name = "workflows/step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.card = selectors.card_open(user=request.user, nka_pk=kwargs["nka_pk"], request=request)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        period = web.rule_period(RuleCode.NKA_TO_CHAIR, self.card.nka.edition)
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": _("Send the NK-A original to the team chair"),
                "intro": _("The original goes to the chair within %(period)s of filling.")
                % {"period": period},
                "back_url": _card_url(self.card.nka.pk),
            },
        )

    def get(self, request, **kwargs):
        today = calendar.legal_date()
        return self.render_form(
            step_forms.TransferForm(initial={"sent_on": today, "received_on": today})
        )

    def post(self, request, **kwargs):
        form = step_forms.TransferForm(request.POST)

        def write() -> str:
            services.nka_transfer(
                actor=request.user,
                procedure_id=self.card.nka.procedure_id,
                nka_id=self.card.nka.pk,
                **form.cleaned_data,
            )
            return _card_url(self.card.nka.pk)

        # The service refuses a second transfer itself: no form token.
        done = web.form_submit(
            request,
            form=form,
            perform=write,
            once=False,
            denied_is_not_found=True,
            success_message=_("The transfer of the NK-A is recorded."),
        )
        return done or self.render_form(form)


class CardOrderView(CardTransferView):
    """The initiator records a protective order against one of their card's suspects
    (step ``card_order``; ustawa o Policji art. 15aa–15aab), on a page addressed by the card
    alone: they see no case (issue 11)."""

    def suspects(self) -> list:
        entries = self.card.nka.entries.filter(role=Role.SUSPECT).select_related("person")
        return [entry.person for entry in entries.order_by("id")]

    def render_form(self, form):
        period = web.rule_period(RuleCode.PROTECTIVE_ORDER, self.card.nka.edition)
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": _("Record a protective order"),
                "intro": _(
                    "Tick every measure the order imposes; they may be combined. A police "
                    "order is valid for %(period)s from the day after its issue unless the "
                    "court extends it; a ban issued after the order to leave the home ends "
                    "with that order."
                )
                % {"period": period},
                "back_url": _card_url(self.card.nka.pk),
            },
        )

    def get(self, request, **kwargs):
        return self.render_form(step_forms.ProtectiveOrderForm(suspects=self.suspects()))

    def post(self, request, **kwargs):
        form = step_forms.ProtectiveOrderForm(request.POST, suspects=self.suspects())

        def write() -> str:
            services.card_order_record(
                actor=request.user,
                nka_id=self.card.nka.pk,
                person_id=form.cleaned_data["person"],
                order=form.save(commit=False),
            )
            return _card_url(self.card.nka.pk)

        done = web.form_submit(
            request,
            form=form,
            perform=write,
            denied_is_not_found=True,
            success_message=_("The protective order is recorded."),
        )
        return done or self.render_form(form)


class NKACreateView(LoginRequiredMixin, View):
    """Fill NK-A: the moment the procedure starts (or joins an open one).

    Another interface that files an NK-A (the crisis centre after a consultation) subclasses
    this page and overrides ``people_initial`` (whom the card starts with), ``shown_people``
    (the records those rows show, for the read event) and ``file`` (its own service call).
    """

    template_name = "workflows/nka_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.professional = selectors.professional_for(request.user)
            if self.professional is None or not self.professional.has_declaration:
                raise PermissionDenied
            if not permissions.may_file_nka(self.professional):
                # § 2 ust. 2: the page says why instead of offering a form (403).
                return render(
                    request,
                    "workflows/nka_refused.html",
                    {"reason": permissions.nka_filing_refusal(self.professional)},
                    status=403,
                )
        return super().dispatch(request, *args, **kwargs)

    def people_initial(self) -> list[dict]:
        """The card's first rows of people: a victim and a suspect to fill."""
        return [{"role": Role.VICTIM}, {"role": Role.SUSPECT}]

    def shown_people(self) -> list[int]:
        """Ids of the shared people whose data the empty form already shows (a read)."""
        return []

    def file(
        self,
        card: NKA,
        people: list[NKAPerson],
        order: ProtectiveOrder | None = None,
        order_against: NKAPerson | None = None,
    ):
        """File the card (and the protective order it records, if any) through the
        services; returns what ``procedure_initiate`` does."""
        return services.procedure_initiate(
            actor=self.request.user,
            card=card,
            people=people,
            order=order,
            order_against=order_against,
        )

    def _forms(self, data=None):
        formset_class = step_forms.forms.formset_factory(
            step_forms.PersonForm,
            formset=step_forms.BasePersonFormSet,
            extra=2,
            min_num=2,
            max_num=20,
            validate_max=True,
            absolute_max=20,
        )
        form = step_forms.NKAForm(
            data,
            initial={
                "place": self.professional.municipality.name,
                "nkb_handed": True,
                "victim_municipality": self.professional.municipality_id,
            },
        )
        people = formset_class(data, prefix="people", initial=self.people_initial())
        order = order_forms.OrderFormSet(
            data, prefix="order", form_kwargs={"rows": order_forms.person_rows(people)}
        )
        return form, people, order

    def _page(self, form, people, order):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "people": people,
                "order": order,
                "opening_parts": nka_layout.bound(form, nka_layout.OPENING_PARTS),
                "incident_parts": nka_layout.bound(form, nka_layout.INCIDENT_PARTS),
                "closing_parts": nka_layout.bound(form, nka_layout.CLOSING_PARTS),
            },
        )

    def _add_row(self, request):
        """ "More rows for people": everything typed comes back, with one empty row more.

        Nothing is validated or saved, so no error is shown for the half-filled card.
        """
        data = request.POST.copy()
        total = data.get("people-TOTAL_FORMS", "")
        data["people-TOTAL_FORMS"] = str(min(int(total) + 1, 20) if total.isdigit() else 3)
        form, people, order = self._forms(data)
        step_forms.without_validation(form, people, order)
        return self._page(form, people, order)

    def get(self, request, *args, **kwargs):
        form, people, order = self._forms()
        log_read(action="nka_form.viewed", request=request, people=self.shown_people())
        return self._page(form, people, order)

    def post(self, request, *args, **kwargs):
        if "add_row" in request.POST:
            return self._add_row(request)
        form, people, order = self._forms(request.POST)

        def initiate() -> str:
            order_form = order.forms[0]
            filed = self.file(
                form.save(commit=False),
                [f.save(commit=False) for f in people.forms if f.cleaned_data],
                order_form.save(commit=False) if order_form.has_changed() else None,
                order_forms.order_against(order, people),
            )
            # The same answer whether the card opened, joined or was routed: the filer
            # learns nothing of any other case (issue 11).
            messages.success(request, web.nka_recorded(filed.nka, filed.forwarded_to))
            return _card_url(filed.nka.pk)

        done = web.form_submit(
            request, form=form, formsets={"people": people, "order": order}, perform=initiate
        )
        return done or self._page(form, people, order)
