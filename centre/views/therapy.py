"""Therapy courses and their sessions."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from centre import forms, selectors, services
from centre.models import TherapyCourse
from centre.views._shared import GET_POST, attempt, create_once, form_page, seen


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
    return form_page(
        request,
        centre,
        form,
        title=_("Start a therapy course"),
        call=lambda d: services.therapy_course_start(
            actor=request.user,
            kind=d["kind"],
            person_id=d["person"].pk,
            started_on=d["started_on"],
        ),
        url=lambda course: reverse("centre:therapy_detail", args=[course.pk]),
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
    done = action == "session" and create_once(
        request,
        session_form,
        lambda d: services.therapy_session_record(actor=request.user, course_id=course.pk, **d),
        lambda _session: request.path,
    )
    if done:
        return done
    if action == "end" and attempt(
        end_form,
        lambda d: services.therapy_course_end(actor=request.user, course_id=course.pk, **d),
    ):
        return HttpResponseRedirect(request.path)
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
