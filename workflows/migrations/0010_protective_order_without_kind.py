"""The old single ``kind`` of a protective order goes once 0009 has moved it onto the measures."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflows", "0009_protective_order_kinds_to_measures")]

    operations = [migrations.RemoveField(model_name="protectiveorder", name="kind")]
