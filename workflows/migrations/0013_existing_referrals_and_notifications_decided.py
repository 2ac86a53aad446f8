"""Referrals and notifications recorded before the group's request and the team's decision
were kept: each is taken as requested and granted on the day it was issued (a referral: its
referral date; a notification: the day it was sent), by whoever recorded it, decided by the
chair on behalf of the team. Their deadlines to report were counted with 30 days, the value
the rule had then: that is kept as the referral's and the deadline's period."""

from django.db import migrations


def decided_as_recorded(apps, schema_editor):
    Referral = apps.get_model("workflows", "Referral")
    Notification = apps.get_model("workflows", "Notification")
    Deadline = apps.get_model("workflows", "Deadline")
    for referral in Referral.objects.filter(requested_on__isnull=True):
        referral.requested_on = referral.referred_on
        referral.requested_by_id = referral.created_by_id
        referral.decided_on = referral.referred_on
        referral.decision = "granted"
        referral.decided_as = "chair_for_team"
        referral.decided_by_id = referral.created_by_id
        referral.report_within_days = 30
        referral.save()
    for notification in Notification.objects.filter(requested_on__isnull=True):
        notification.requested_on = notification.sent_on
        notification.requested_by_id = notification.created_by_id
        notification.decided_on = notification.sent_on
        notification.decision = "granted"
        notification.decided_as = "chair_for_team"
        notification.decided_by_id = notification.created_by_id
        notification.save()
    Deadline.objects.filter(rule="programme_report", period__isnull=True).update(period=30)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0012_referral_notification_requests_closure_notices"),
    ]

    operations = [
        migrations.RunPython(decided_as_recorded, migrations.RunPython.noop),
    ]
