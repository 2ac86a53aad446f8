"""Stored deadlines made honest (issue 13 item 9).

- A 2011-edition procedure had no deadline for creating a group or for the first meeting
  (``workflows.rules``: ``EditionSpec.absent``); such deadlines opened before are deleted, so
  no report shows them late. Their audit events stay as they were written.
- A group-creation deadline (2023 edition: 3 calendar days) no longer moves to the next
  working day when it ends on a day off (``Rule.rolls_forward`` is False): open and met ones
  are recounted from their start. The numbers are those of ``workflows.rules`` on this date,
  copied here so the migration does not change when the rules do.
"""

import datetime

from django.db import migrations

ABSENT_2011 = ("group_created", "first_meeting")
GROUP_CREATED_DAYS_2023 = 3


def forwards(apps, schema_editor):
    Deadline = apps.get_model("workflows", "Deadline")
    Deadline.objects.filter(edition="2011", rule__in=ABSENT_2011).delete()
    for deadline in Deadline.objects.filter(edition="2023", rule="group_created"):
        due = deadline.starts_on + datetime.timedelta(days=GROUP_CREATED_DAYS_2023)
        if deadline.due_on != due:
            Deadline.objects.filter(pk=deadline.pk).update(due_on=due)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0007_edition_choices_from_the_declared_editions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
