"""Count the open deadlines into ``OpenDeadlineTally`` (``workflows.tallies.open_tally_rebuild``),
so that an existing database reports the same open and overdue figures after the upgrade."""

from django.db import migrations


def backfill(apps, schema_editor):
    from workflows.tallies import open_tally_rebuild

    open_tally_rebuild(
        apps.get_model("workflows", "Deadline"), apps.get_model("workflows", "OpenDeadlineTally")
    )


def empty(apps, schema_editor):
    apps.get_model("workflows", "OpenDeadlineTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0026_open_deadline_tally")]

    operations = [migrations.RunPython(backfill, empty)]
