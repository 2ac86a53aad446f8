"""Therapy courses and their sessions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from centre import forms, selectors, services
from centre.models import TherapyCourse
from centre.views._shared import GET_POST, form_page, seen
from workflows.web import form_submit


@login_required
def therapy_list(request):
    centre = selectors.centre_or_404(request.user)
    courses = list(
        TherapyCourse.objects.filter(centre=centre).select_related("person", "therapist")
    )
    seen(request, "centre.therapy_viewed", [c.person_id for c in courses])
    return render(request, "centre/therapy_list.html", {"centre": centre, "courses": courses})


@login_required
@GET_POST
def therapy_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.TherapyCourseForm(request.POST or None, people=selectors.people_of(centre))

    def perform() -> str:
        d = form.cleaned_data
        course = services.therapy_course_start(
            actor=request.user,
            kind=d["kind"],
            person_id=d["person"].pk,
            started_on=d["started_on"],
        )
        return reverse("centre:therapy_detail", args=[course.pk])

    return form_page(
        request,
        centre,
        form,
        title=_("Start a therapy course"),
        perform=perform,
        read=("centre.therapy_form_viewed", ["person"]),
    )


@login_required
@GET_POST
def therapy_detail(request, pk):
    centre = selectors.centre_or_404(request.user)
    course = get_object_or_404(
        TherapyCourse.objects.filter(centre=centre).select_related("person"), pk=pk
    )
    action = request.POST.get("action")
    session_form = forms.TherapySessionForm(request.POST if action == "session" else None)
    end_form = forms.TherapyEndForm(request.POST if action == "end" else None)

    def record_session() -> str:
        services.therapy_session_record(
            actor=request.user, course_id=course.pk, **session_form.cleaned_data
        )
        return request.path

    def end() -> str:
        services.therapy_course_end(
            actor=request.user, course_id=course.pk, **end_form.cleaned_data
        )
        return request.path

    done = None
    if action == "session":
        done = form_submit(request, form=session_form, perform=record_session)
    elif action == "end":
        # The service refuses ending a course twice itself: no form token.
        done = form_submit(request, form=end_form, perform=end, once=False)
    if done:
        return done
    seen(request, "centre.therapy_course_viewed", [course.person_id])
    return render(
        request,
        "centre/therapy_detail.html",
        {
            "centre": centre,
            "course": course,
            "session_form": session_form,
            "end_form": end_form,
        },
    )
