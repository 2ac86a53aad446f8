"""What the base template shows on every page for the signed-in user."""

import functools

from workflows.selectors.notifications import unread_count


def notifications(request):
    """``unread_notifications``: the header's counter. A callable, so the template counts
    (one query) only on the pages that show it: a template calls it when it reads it."""
    return {"unread_notifications": functools.partial(unread_count, user=request.user)}
