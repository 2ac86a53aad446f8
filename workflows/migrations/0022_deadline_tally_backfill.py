"""Count the deadlines already met into ``DeadlineTally`` (``workflows.tallies.tally_rebuild``)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from workflows.tallies import tally_rebuild

    tally_rebuild(
        apps.get_model("workflows", "Deadline"), apps.get_model("workflows", "DeadlineTally")
    )


def empty(apps, schema_editor):
    apps.get_model("workflows", "DeadlineTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0021_deadline_tally")]

    operations = [migrations.RunPython(backfill, empty)]
