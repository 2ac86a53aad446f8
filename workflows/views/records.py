"""Pages that withdraw or correct a record of the procedure (``workflows.corrections``).

Same contract as the steps: a record outside the procedure (or a procedure the user does
not see) answers 404; a record the user sees but may not change answers 403; a refusal
re-renders the form with the message next to the field, and nothing is written.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows import corrections, step_forms
from workflows.views.base import StepView


class _RecordView(StepView):
    """Base: finds the record named by the URL and checks who may change it."""

    action = "record_revise"

    def allowed(self) -> bool:
        # Who may change which record is decided per record in ``check_object``
        # (``corrections.may_revise``: the chair and the group, and the initiator of an NK-A
        # not yet sent to the chair); a record outside the procedure answers 404 first.
        return self.access.read and not self.access.auditor

    def check_object(self) -> None:
        self.kind = corrections.KINDS.get(self.kwargs["kind"])
        self.record = corrections.record_for(
            slug=self.kwargs["kind"], procedure=self.procedure, record_id=self.kwargs["record_pk"]
        )
        if self.kind is None or self.record is None:
            raise Http404
        if not corrections.may_revise(
            access=self.access, kind=self.kind, record=self.record, user=self.request.user
        ):
            raise PermissionDenied


class RecordWithdrawView(_RecordView):
    form_class = step_forms.WithdrawForm
    intro = gettext_lazy(
        "The record stays in the case file, marked as withdrawn with your reason; it no "
        "longer counts in deadlines and statistics."
    )
    success_message = gettext_lazy("The record is withdrawn.")

    def check_object(self) -> None:
        super().check_object()
        self.title = _("Withdraw: %(record)s") % {"record": self.kind.label}

    def perform(self, form):
        corrections.record_withdraw(
            actor=self.request.user,
            slug=self.kwargs["kind"],
            record_id=self.record.pk,
            reason=form.cleaned_data["reason"],
        )


class RecordCorrectView(_RecordView):
    intro = gettext_lazy(
        "The correction is saved as a new version; the previous one stays readable in the "
        "history, and documents get a new version."
    )
    success_message = gettext_lazy("The correction is saved as a new version.")

    def check_object(self) -> None:
        super().check_object()
        self.title = _("Correct: %(record)s") % {"record": self.kind.label}
        self.form_class = step_forms.correction_form(self.kind.model, self.kind.fields)

    def initial(self) -> dict:
        return {name: getattr(self.record, name) for name in self.kind.fields}

    def perform(self, form):
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        corrections.record_correct(
            actor=self.request.user,
            slug=self.kwargs["kind"],
            record_id=self.record.pk,
            changes=data,
            reason=reason,
        )
