"""Map each protective order's old single ``kind`` onto the measures and open its expiry
deadline. A migration of its own: the rows it writes must be committed before 0010 alters
the table (PostgreSQL: "pending trigger events")."""

from django.db import migrations

# The single ``kind`` of an order before the measures could be combined, onto the flags.
# "approach_ban" was the ban on approaching the shared home: the second half of the one
# measure "nakaz i zakaz" (ustawa o Policji art. 15aa ust. 1), so it maps onto leave_home.
KIND_TO_FLAG = {
    "leave_home": "leave_home",
    "approach_ban": "leave_home",
    "contact_ban": "no_contact",
}


def kinds_to_measures(apps, schema_editor):
    """Map each order's old kind onto its measure flag and open its expiry deadline."""
    ProtectiveOrder = apps.get_model("workflows", "ProtectiveOrder")
    Deadline = apps.get_model("workflows", "Deadline")
    for order in ProtectiveOrder.objects.select_related("procedure"):
        flag = KIND_TO_FLAG.get(order.kind, "leave_home")
        setattr(order, flag, True)
        order.save(update_fields=[flag])
        current = (
            order.withdrawn_at is None
            and not ProtectiveOrder.objects.filter(corrects=order).exists()
        )
        if current and not Deadline.objects.filter(protective_order=order).exists():
            Deadline.objects.create(
                procedure=order.procedure,
                rule="protective_order",
                edition=order.procedure.edition,
                starts_on=order.issued_on,
                due_on=order.court_extended_until or order.expires_on,
                protective_order=order,
            )


def measures_to_kinds(apps, schema_editor):
    ProtectiveOrder = apps.get_model("workflows", "ProtectiveOrder")
    for order in ProtectiveOrder.objects.all():
        order.kind = "leave_home" if order.leave_home or not order.no_contact else "contact_ban"
        order.save(update_fields=["kind"])



class Migration(migrations.Migration):
    dependencies = [("workflows", "0008_protective_order_measures_and_detention_notices")]

    operations = [migrations.RunPython(kinds_to_measures, measures_to_kinds)]
