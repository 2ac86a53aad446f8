"""Groups, enrolments, sessions and the programme certificates."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import log_event
from centre import forms, selectors, services
from centre.models import Enrolment, Group
from centre.views._shared import GET_POST, form_page, seen
from documents.models import Document, DocumentKind
from documents.views import pdf_response
from workflows import paperwork
from workflows.web import form_submit


@login_required
def group_list(request):
    centre = selectors.centre_or_404(request.user)
    groups = Group.objects.filter(centre=centre).select_related("leader")
    return render(request, "centre/group_list.html", {"centre": centre, "groups": groups})


@login_required
@GET_POST
def group_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.GroupForm(request.POST or None)

    def perform() -> str:
        group = services.group_create(actor=request.user, **form.cleaned_data)
        return reverse("centre:group_detail", args=[group.pk])

    return form_page(request, centre, form, title=_("New group"), perform=perform)


@login_required
@GET_POST
def group_detail(request, pk):
    centre = selectors.centre_or_404(request.user)
    group = get_object_or_404(Group.objects.filter(centre=centre), pk=pk)
    enrolments = list(
        Enrolment.objects.filter(group=group).select_related("person", "referral__procedure")
    )
    people = selectors.people_of(centre)
    referrals = (
        services.open_referrals_for(centre, people) if group.kind == Group.Kind.CORRECTIONAL else []
    )
    action = request.POST.get("action")
    enrol_form = forms.EnrolForm(
        request.POST if action == "enrol" else None, people=people, referrals=referrals
    )
    session_form = forms.GroupSessionForm(
        request.POST if action == "session" else None,
        enrolments=[e for e in enrolments if not e.left_on],
    )
    finish_form = forms.FinishForm(request.POST if action == "finish" else None)

    def enrol() -> str:
        d = enrol_form.cleaned_data
        services.enrol(
            actor=request.user,
            group_id=group.pk,
            person_id=d["person"].pk,
            enrolled_on=d["enrolled_on"],
            referral_id=d["referral"],
        )
        return request.path

    def record_session() -> str:
        d = session_form.cleaned_data
        services.group_session_record(
            actor=request.user,
            group_id=group.pk,
            held_on=d["held_on"],
            topic=d["topic"],
            present_ids=d["present"],
        )
        return request.path

    enrolment_id = request.POST.get("enrolment", "")

    def finish() -> str:
        services.enrolment_finish(
            actor=request.user, enrolment_id=int(enrolment_id), **finish_form.cleaned_data
        )
        return request.path

    done = None
    if action == "enrol":
        done = form_submit(request, form=enrol_form, perform=enrol, success_message=_("Saved."))
    elif action == "session":
        done = form_submit(
            request, form=session_form, perform=record_session, success_message=_("Saved.")
        )
    elif action == "finish" and enrolment_id.isdigit():
        # The service refuses finishing an enrolment twice itself: no form token.
        done = form_submit(
            request, form=finish_form, perform=finish, once=False, success_message=_("Saved.")
        )
    if done:
        return done
    seen(
        request,
        "centre.group_viewed",
        [e.person_id for e in enrolments],
        enrol_form,
        ["person"],
    )
    return render(
        request,
        "centre/group_detail.html",
        {
            "centre": centre,
            "group": group,
            "enrolments": enrolments,
            "sessions": group.sessions.prefetch_related("present"),
            "enrol_form": enrol_form,
            "session_form": session_form,
            "finish_form": finish_form,
        },
    )


@login_required
def certificate(request, enrolment_pk, kind):
    """The certificate of reporting or completion the centre hands to the person."""
    centre = selectors.centre_or_404(request.user)
    enrolment = get_object_or_404(
        Enrolment.objects.filter(group__centre=centre, referral__isnull=False), pk=enrolment_pk
    )
    kinds = {
        "reported": DocumentKind.PROGRAMME_REPORTED,
        "completed": DocumentKind.PROGRAMME_COMPLETED,
    }
    if kind not in kinds:
        raise Http404
    document = (
        Document.objects.filter(
            procedure_id=enrolment.referral.procedure_id,
            kind=kinds[kind],
            subject=f"referral:{enrolment.referral_id}",
        )
        .select_related("procedure")
        .order_by("-version")
        .first()
    )
    if document is None:
        raise Http404
    log_event(
        action="document.downloaded",
        request=request,
        procedure=document.procedure,
        payload={"document": document.pk, "kind": document.kind, "version": document.version},
    )
    return pdf_response(document, name=paperwork.file_name(document))
