"""One way to notify a user: an in-app notification (the bell and the "Powiadomienia"
page) and, unless the user turned that kind off, an e-mail sent by a background task.

``notify`` is called inside the transaction of the change it reports; the notification is
written only once that transaction commits (``transaction.on_commit``), and the e-mails are
one Django task enqueued then for all the recipients of the event
(``tasks.send_notification_emails``), so a step that is rolled back tells nobody. Titles
and texts carry no personal data: the case (or card) number, the step, a date and a link
(``messages``); a meeting's iCalendar attachment carries its time and a link only (``ics``).
"""

from workflows.notifications.events import (
    card_arrived,
    group_changed,
    group_members_appointed,
    high_risk_assessed,
    meeting_planned,
    task_assigned,
)
from workflows.notifications.services import (
    notification_read,
    notifications_read_all,
    notify,
    preference_set,
)

__all__ = [
    "card_arrived",
    "group_changed",
    "group_members_appointed",
    "high_risk_assessed",
    "meeting_planned",
    "notification_read",
    "notifications_read_all",
    "notify",
    "preference_set",
    "task_assigned",
]
