"""The iCalendar attachment of a planned meeting: its time, a neutral summary and the link
to the case page; like the calendar feed (``workflows.views.planning.calendar_feed``) it
carries no name and no place (the place may be the family's home)."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from workflows import calendar
from workflows.models import PlannedMeeting

MEETING_LENGTH = datetime.timedelta(hours=1)


def meeting_ics(planned: PlannedMeeting, link: str) -> str:
    """One VEVENT for ``planned``; ``link`` is the absolute address of the case page."""
    start = datetime.datetime.combine(planned.date, planned.time, tzinfo=calendar.WARSAW)
    host = settings.OIK_SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    with translation.override(settings.LANGUAGE_CODE):
        feed = Calendar()
        feed.add("prodid", "-//Niebieska Karta//planned meeting//PL")
        feed.add("version", "2.0")
        feed.add("method", "PUBLISH")
        event = Event()
        event.add("uid", f"planned-meeting-{planned.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
        event.add("summary", _("Meeting of the diagnostic-support group"))
        event.add("url", link)
        event.add(
            "description",
            _("Details on the case page (sign-in required): %(link)s") % {"link": link},
        )
        feed.add_component(event)
    return feed.to_ical().decode()
