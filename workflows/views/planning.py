"""Meetings planned before they are held: planning (and a new date), not held or cancelled,
the group's working meetings, a participant's address for letters, the calendar page and the
iCalendar feed of a member's own meetings."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from audit.services import log_read
from workflows import calendar, planning_forms, selectors, services
from workflows.models import VICTIM_ROLES, Participant, PlannedMeeting, Role
from workflows.views.base import StepView

# How long a planned meeting is shown in a calendar (the plan has a start time only).
MEETING_LENGTH = datetime.timedelta(hours=1)
CALENDAR_DAYS = 28


def planned_id(request) -> int | None:
    """The planned meeting a meeting page records as held (``?planned=<id>``), if any."""
    value = request.GET.get("planned", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 18 else None


def planned_initial(view: StepView) -> dict:
    """What a meeting page starts with when it records a planned meeting as held: its date,
    place and the person invited (nothing for another case's or a closed plan)."""
    pk = planned_id(view.request)
    planned = PlannedMeeting.objects.filter(pk=pk, procedure=view.procedure).first() if pk else None
    if planned is None or not planned.is_open:
        return {}
    initial = {"held_on": planned.date, "place": planned.place}
    if planned.invitee_id:
        initial["person"] = planned.invitee_id
    return initial


class _GroupMembersMixin:
    def members(self):
        if not hasattr(self.procedure, "group"):
            return []
        return [
            m.professional
            for m in self.procedure.group.memberships.select_related("professional__user")
        ]


class MeetingPlanView(StepView):
    action = "meeting_plan"
    form_class = planning_forms.PlannedMeetingForm
    title = gettext_lazy("Plan a meeting")
    success_message = gettext_lazy(
        "The meeting is planned; the invitation or summons is among the documents."
    )

    def replaced(self) -> PlannedMeeting | None:
        return None

    def form_kwargs(self):
        people = list(
            Participant.objects.filter(
                procedure=self.procedure, role__in=[*VICTIM_ROLES, Role.SUSPECT]
            )
            .select_related("person")
            .order_by("role", "person__last_name")
        )
        if hasattr(self, "shown_people"):
            self.shown_people += [p.person for p in people]
        return {"people": people, "rescheduling": self.replaced() is not None}

    def initial(self):
        return {"date": self.today() + datetime.timedelta(days=7)}

    def get_intro(self) -> str:
        intro = _(
            "The invitation to the victim and the summons to the suspect are generated now, "
            "with the date, time and place. A working meeting of the group invites nobody: "
            "its members attend."
        )
        unsafe = selectors.victims_without_safe_address(self.procedure)
        if unsafe:
            names = ", ".join(p.person.full_name for p in unsafe)
            intro += " " + _(
                "Warning: %(names)s has no address for letters that is not shared with a "
                "suspect; the invitation will print no address and must be handed over in "
                "person. Set a correspondence address on the case page."
            ) % {"names": names}
        return intro

    def perform(self, form):
        replaced = self.replaced()
        services.meeting_plan(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            planned=form.save(commit=False),
            invitee_id=form.cleaned_data["invitee"],
            replaces_id=replaced.pk if replaced else None,
            reason=form.cleaned_data.get("reason", ""),
        )


class MeetingRescheduleView(MeetingPlanView):
    title = gettext_lazy("Give the planned meeting a new date")
    success_message = gettext_lazy(
        "The meeting has a new date; the invitation or summons has a new version."
    )

    def replaced(self) -> PlannedMeeting:
        planned = PlannedMeeting.objects.filter(
            pk=self.kwargs["planned_pk"], procedure=self.procedure
        ).first()
        if planned is None:
            raise Http404
        return planned

    def check_object(self):
        self.replaced()

    def initial(self):
        planned = self.replaced()
        return {
            "kind": planned.kind,
            "invitee": planned.invitee_id,
            "date": planned.date,
            "time": planned.time,
            "place": planned.place,
        }


class PlannedMeetingCloseView(StepView):
    action = "meeting_plan_close"
    form_class = planning_forms.PlannedMeetingCloseForm
    title = gettext_lazy("A planned meeting not held or cancelled")
    intro = gettext_lazy(
        "A meeting that took place is recorded from the case page (“held”), with its form. "
        "When the invited person did not come, say so here and record their non-appearance "
        "with the meeting's own form."
    )
    success_message = gettext_lazy("Recorded.")

    def check_object(self):
        if not PlannedMeeting.objects.filter(
            pk=self.kwargs["planned_pk"], procedure=self.procedure
        ).exists():
            raise Http404

    def perform(self, form):
        services.planned_meeting_close(
            actor=self.request.user, planned_id=self.kwargs["planned_pk"], **form.cleaned_data
        )


class GroupMeetingView(_GroupMembersMixin, StepView):
    action = "group_meeting"
    form_class = planning_forms.GroupMeetingForm
    title = gettext_lazy("Working meeting of the group (without the parties)")
    success_message = gettext_lazy("The group's meeting is recorded.")

    def get_intro(self) -> str:
        return _(
            "§ 8 of the regulation: the group's first meeting, whoever attends it, is due "
            "within %(period)s of the group receiving the NK-A."
        ) % {"period": self.period("first_meeting")}

    def form_kwargs(self):
        return {"members": self.members()}

    def initial(self):
        return {"held_on": self.today(), **planned_initial(self)}

    def perform(self, form):
        services.group_meeting_record(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            meeting=form.save(commit=False),
            present_ids=form.cleaned_data["present"],
            planned_id=planned_id(self.request),
        )


class CorrespondenceAddressView(StepView):
    action = "correspondence_address"
    form_class = planning_forms.CorrespondenceAddressForm
    title = gettext_lazy("Address for letters in this procedure")
    intro = gettext_lazy(
        "The address the person chose for this procedure's letters, e.g. a safe address not "
        "shared with the suspect. It is this procedure's own: the person's record, which other "
        "procedures read, is not changed. Leave it empty to remove it."
    )
    success_message = gettext_lazy("The address for letters is saved.")

    def participant(self) -> Participant:
        participant = (
            Participant.objects.select_related("person")
            .filter(pk=self.kwargs["participant_pk"], procedure=self.procedure)
            .first()
        )
        if participant is None:
            raise Http404
        return participant

    def check_object(self):
        self.participant()

    def get_intro(self) -> str:
        return f"{self.participant().person.full_name}: {self.intro}"

    def initial(self):
        participant = self.participant()
        if hasattr(self, "shown_people"):
            self.shown_people.append(participant.person)
        return {"correspondence_address": participant.correspondence_address}

    def perform(self, form):
        services.correspondence_address_set(
            actor=self.request.user,
            procedure_id=self.procedure.pk,
            participant_id=self.participant().pk,
            address=form.cleaned_data["correspondence_address"],
        )


# --------------------------------------------------------------------------- calendar


def _start(request) -> datetime.date:
    """The Monday of the week asked for (``?from=YYYY-MM-DD``), this week's by default."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        day = calendar.legal_date()
    return day - datetime.timedelta(days=day.weekday())


def _calendar_page(request, *, feed_url: str = ""):
    start = _start(request)
    end = start + datetime.timedelta(days=CALENDAR_DAYS - 1)
    meetings = selectors.calendar_meetings(user=request.user, start=start, end=end)
    selectors.household_names_load(procedures=[m.procedure for m in meetings])
    log_read(
        action="calendar.viewed",
        request=request,
        procedures=sorted({m.procedure_id for m in meetings}),
    )
    days: dict[datetime.date, list[PlannedMeeting]] = {}
    for meeting in meetings:
        days.setdefault(meeting.date, []).append(meeting)
    step = datetime.timedelta(days=CALENDAR_DAYS)
    return render(
        request,
        "workflows/calendar.html",
        {
            "days": sorted(days.items()),
            "start": start,
            "end": end,
            "previous": (start - step).isoformat(),
            "next": (start + step).isoformat(),
            "today": calendar.legal_date(),
            "has_feed": selectors.has_feed(request.user),
            "feed_url": feed_url,
            "may_have_feed": selectors.professional_for(request.user) is not None,
        },
    )


@login_required
def calendar_page(request):
    """The planned meetings of the user's groups (a team chair: the whole team's), four
    weeks from a Monday; and the switch of the user's calendar feed."""
    return _calendar_page(request)


@login_required
@require_POST
def calendar_feed_manage(request):
    """Make a new secret feed address (shown once, on this answer) or switch the feed off."""
    if selectors.professional_for(request.user) is None:
        raise Http404
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(actor=request.user)
        return HttpResponseRedirect(reverse("workflows:calendar"))
    token = services.calendar_feed_issue(actor=request.user)
    url = request.build_absolute_uri(reverse("workflows:calendar_feed", args=[token]))
    return _calendar_page(request, feed_url=url)


def calendar_feed(request, token: str):
    """The iCalendar feed of the planned meetings of the groups the token's owner sits in.

    No session: the secret address is the key (``Http404`` for any other). The events carry
    no personal data: no name, no PESEL and no place either, because a meeting's place may be
    a family's home and a calendar (a phone, a shared account) is read outside the
    application. Each event says what it is, when, and links to the case page, which asks
    for a sign-in."""
    user = selectors.feed_owner(token)
    meetings = selectors.own_meetings(user, since=calendar.legal_date() - datetime.timedelta(30))
    log_read(
        action="calendar_feed.downloaded",
        actor=user,
        request=request,
        procedures=sorted({m.procedure_id for m in meetings}),
    )
    with translation.override(settings.LANGUAGE_CODE):
        feed = Calendar()
        feed.add("prodid", "-//Niebieska Karta//planned meetings//PL")
        feed.add("version", "2.0")
        feed.add("x-wr-calname", _("Meetings of diagnostic-support groups"))
        stamp = timezone.now()
        for meeting in meetings:
            start = datetime.datetime.combine(meeting.date, meeting.time, tzinfo=calendar.WARSAW)
            event = Event()
            event.add("uid", f"planned-meeting-{meeting.pk}@{request.get_host()}")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + MEETING_LENGTH)
            event.add("summary", _("Meeting of the diagnostic-support group"))
            link = request.build_absolute_uri(
                reverse("workflows:procedure_detail", args=[meeting.procedure_id])
            )
            event.add("url", link)
            event.add(
                "description",
                _("Details on the case page (sign-in required): %(link)s") % {"link": link},
            )
            feed.add_component(event)
        feed.add_missing_timezones()
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
