"""Write every procedure's ``ProcedureFigure`` rows (``workflows.figures.figures_rebuild``), so
that an existing database gives the same centre statistics after the upgrade."""

from django.db import migrations


def backfill(apps, schema_editor):
    from workflows.figures import figures_rebuild

    figures_rebuild(
        {
            "procedure": apps.get_model("workflows", "Procedure"),
            "participant": apps.get_model("workflows", "Participant"),
            "nka": apps.get_model("nkforms", "NKA"),
            "nkc": apps.get_model("nkforms", "NKC"),
            "nkd": apps.get_model("nkforms", "NKD"),
            "figure": apps.get_model("workflows", "ProcedureFigure"),
            "horizon": apps.get_model("workflows", "FigureHorizon"),
        }
    )


def empty(apps, schema_editor):
    apps.get_model("workflows", "ProcedureFigure").objects.all().delete()
    apps.get_model("workflows", "FigureHorizon").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0029_procedure_figures"),
        ("nkforms", "0011_nka_filled_current"),
    ]

    operations = [migrations.RunPython(backfill, empty)]
