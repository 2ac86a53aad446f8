"""The hash chain: role, institution and client on every event, prev_hash and hash, the
chain head, and on PostgreSQL a trigger that refuses UPDATE and DELETE."""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (event %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER audit_auditevent_append_only
BEFORE UPDATE OR DELETE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def chain_existing(apps, schema_editor):
    """Hash the events written before the chain existed, oldest first."""
    from audit.chain import GENESIS, hash_of

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous = GENESIS
    last_id = None
    for event in AuditEvent.objects.order_by("id").iterator():
        event.prev_hash = previous
        event.hash = hash_of(event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        previous, last_id = event.hash, event.pk
    AuditChainHead.objects.create(pk=1, last_hash=previous, last_event_id=last_id)


def trigger_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def trigger_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_hash", models.CharField(max_length=64)),
                ("last_event_id", models.BigIntegerField(null=True)),
            ],
        ),
        migrations.AlterField(
            model_name="auditevent", name="at", field=models.DateTimeField(db_index=True)
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_role",
            field=models.CharField(blank=True, default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_institution",
            field=models.CharField(blank=True, default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="client",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["procedure", "id"], name="audit_audit_procedu_7839e2_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["person", "id"], name="audit_audit_person__13500f_idx"),
        ),
        migrations.RunPython(trigger_on, trigger_off),
    ]
