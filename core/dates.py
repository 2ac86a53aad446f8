"""Dates and times as a reader sees them: ``26.11.2026`` and ``26.11.2026 14:05`` in
Europe/Warsaw, the formats of ``oik_site.formats`` (the same in Polish and English mode).
For text built in Python (messages, choice labels); templates use ``|date:"SHORT_DATE_FORMAT"``.
Machine values (URLs, inputs, payloads, machine exports) stay ISO."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def shown_date(day: datetime.date) -> str:
    """``26.11.2026``; an aware datetime gives its date in Europe/Warsaw."""
    if isinstance(day, datetime.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return date_format(day, "SHORT_DATE_FORMAT")


def shown_moment(moment: datetime.datetime) -> str:
    """``26.11.2026 14:05``, in Europe/Warsaw when aware."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATETIME_FORMAT")
