"""Date and time formats of the site, the same numeric ones in Polish and English mode.

The users are Polish institutions: a date reads ``26.11.2026`` and a time ``14:05`` (Europe/Warsaw,
``TIME_ZONE``), as in the PDFs. Templates name the format (``|date:"SHORT_DATE_FORMAT"``) instead
of spelling it. Forms accept ``dd.mm.rrrr`` as well as ISO; ISO stays first in the input formats
because a widget renders its value in the first one and ``<input type="date">`` needs ISO."""
