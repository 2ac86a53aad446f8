"""Split the audit chain into strands (docs/audit.md, "Strands").

Every existing event is in strand 0 (the column's default: no row is rewritten, so neither
the append-only trigger nor the hashes are touched: strand 0 is not hashed). The existing head
becomes strand 0's head (its MAC unchanged: strand 0's MAC message is the single chain's);
a head row is created for every other strand, empty, with its MAC, so that a head row deleted
later is noticed. Needs the audit key (settings.OIK_AUDIT_KEY), like 0005.
"""

from django.core.management.color import no_style
from django.db import migrations, models

STRANDS = 16  # audit.chain.STRANDS when this migration was written


def create_heads(apps, schema_editor):
    from audit.chain import GENESIS, head_mac

    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    heads = list(AuditChainHead.objects.order_by("pk"))
    for extra in heads[1:]:  # there was never more than one; keep the first
        extra.delete()
    if heads:
        heads[0].strand = 0
        if heads[0].last_event_id is None:  # never moved (0004 made it without a MAC)
            heads[0].mac = head_mac(None, heads[0].last_hash)
        heads[0].save(update_fields=["strand", "mac"])
    else:
        AuditChainHead.objects.create(strand=0, last_hash=GENESIS, mac=head_mac(None, GENESIS))
    # Explicit ids: a data set loaded by COPY (bench/scale_data.py) wrote the head's id without
    # moving the id sequence; the sequence is set after them.
    after = AuditChainHead.objects.order_by("-pk").values_list("pk", flat=True).first()
    AuditChainHead.objects.bulk_create(
        AuditChainHead(
            pk=after + strand, strand=strand, last_hash=GENESIS, mac=head_mac(None, GENESIS, strand)
        )
        for strand in range(1, STRANDS)
    )
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [AuditChainHead]):
        schema_editor.execute(sql, params=None)


def drop_heads(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    if apps.get_model("audit", "AuditEvent").objects.exclude(strand=0).exists():
        raise RuntimeError("events were written in strands other than 0: cannot go back")
    AuditChainHead.objects.exclude(strand=0).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_keyed_chain_and_read_subjects")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="strand",
            field=models.PositiveSmallIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="strand",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(create_heads, drop_heads),
        migrations.AlterField(
            model_name="auditchainhead",
            name="strand",
            field=models.PositiveSmallIntegerField(unique=True),
        ),
    ]
