"""The chair's steps: appoint the diagnostic-support group, pass the NK-A to it, change its
members (add, register a professional who is not a team member, remove) and note what the
inbox said about it."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows import group_forms, selectors, services, step_forms
from workflows.models import GroupNotice, Professional
from workflows.rules import RuleCode
from workflows.views.base import StepView


class GroupAppointView(StepView):
    action = "appoint_group"
    form_class = group_forms.GroupAppointForm
    title = gettext_lazy("Appoint the diagnostic-support group")
    intro = gettext_lazy(
        "The group must include a social worker and a police officer; every member must "
        "have signed the confidentiality declaration."
    )
    success_message = gettext_lazy("The group is appointed.")

    def form_kwargs(self):
        return {"candidates": selectors.group_candidates(procedure=self.procedure)}

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


def _current_members(procedure):
    return Professional.objects.filter(groups__procedure=procedure).select_related("user")


class GroupMemberAddView(StepView):
    action = "group_member_add"
    form_class = group_forms.GroupMemberAddForm
    title = gettext_lazy("Add a member to the group")
    intro = gettext_lazy(
        "A team member or a professional registered in the municipality. The group decision "
        "gets a new version listing the members."
    )
    success_message = gettext_lazy("The member is added; the group decision has a new version.")

    def form_kwargs(self):
        candidates = selectors.group_candidates(procedure=self.procedure).exclude(
            pk__in=_current_members(self.procedure).values("pk")
        )
        return {"candidates": candidates}

    def initial(self):
        return {"added_on": self.today()}

    def perform(self, form):
        services.group_member_add(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            professional_id=form.cleaned_data["professional"].pk,
            added_on=form.cleaned_data["added_on"],
        )


class GroupMemberRegisterView(StepView):
    action = "group_member_add"
    form_class = group_forms.GroupMemberRegisterForm
    title = gettext_lazy("Register a professional who is not a team member")
    intro = gettext_lazy(
        "A class teacher, a doctor, a family assistant who knows the family. Their account "
        "is created and they get an e-mail to set a password; they see only the cases of "
        "the groups they sit in."
    )
    success_message = gettext_lazy(
        "The professional is registered and added to the group; they got an e-mail to set a "
        "password."
    )

    def initial(self):
        return {"added_on": self.today()}

    def perform(self, form):
        data = form.cleaned_data
        services.group_member_register(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            professional=form.save(commit=False),
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            added_on=data["added_on"],
        )


class GroupMemberRemoveView(StepView):
    action = "group_member_remove"
    form_class = group_forms.GroupMemberRemoveForm
    title = gettext_lazy("Remove a member from the group")
    intro = gettext_lazy(
        "With the date and the reason. Without a social worker or a police officer the "
        "group cannot meet until one is added (art. 9a ust. 11 of the Act)."
    )
    success_message = gettext_lazy("The member is removed; the group decision has a new version.")

    def form_kwargs(self):
        return {"members": _current_members(self.procedure)}

    def initial(self):
        return {"removed_on": self.today()}

    def perform(self, form):
        services.group_member_remove(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            professional_id=form.cleaned_data["professional"].pk,
            removed_on=form.cleaned_data["removed_on"],
            reason=form.cleaned_data["reason"],
        )


class GroupNoticeSeenView(StepView):
    action = "group_notice_seen"
    title = gettext_lazy("Note the notice about the group")
    success_message = gettext_lazy("Noted.")

    def check_object(self) -> None:
        self.notice = (
            GroupNotice.objects.filter(pk=self.kwargs["notice_pk"], group__procedure=self.procedure)
            .select_related("professional__user")
            .first()
        )
        if self.notice is None:
            raise Http404

    def get_intro(self) -> str:
        name = self.notice.professional.user.get_full_name()
        return f"{name}: {self.notice.get_kind_display()}"

    def perform(self, form):
        services.group_notice_seen(
            actor=self.request.user, procedure_id=self.procedure.pk, notice_id=self.notice.pk
        )
