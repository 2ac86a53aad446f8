"""The idle sign-out without a session write on every page (docs/security.md).

Sessions end ``SESSION_COOKIE_AGE`` (``OIK_SESSION_IDLE_MINUTES``) after their last save.
Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) cost one UPDATE per page; instead
``IdleSessionMiddleware`` renews a used session when its last renewal is ``RENEW_SECONDS`` old
or older, and a sign-in counts as a renewal. A session therefore ends between 29 and 30 minutes
after its last request.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEW_SECONDS = 60
KEY = "_renewed_at"


class IdleSessionMiddleware:
    """Listed right after ``SessionMiddleware``, so that a session it marks as modified is
    saved (and its expiry moved on) by ``SessionMiddleware`` on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or not session.session_key:
            return response  # no session, or saved anyway (sign-in, sign-out, a change)
        if session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(KEY, 0)) >= RENEW_SECONDS:
            session[KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


@receiver(user_logged_in, dispatch_uid="accounts.sessions.renewed_at_sign_in")
def renewed_at_sign_in(sender, request, user, **kwargs) -> None:
    """The session saved at sign-in is fresh: no renewal needed for a minute."""
    if request is not None and hasattr(request, "session"):
        request.session[KEY] = int(time.time())
