"""The keyed chain (a MAC on every event and on the head), the index of what read events
showed (AuditEventSubject), and on PostgreSQL the append-only trigger for the new table.
TRUNCATE is refused to the application role by its grants (``audit_grants``), not by a
trigger: a TRUNCATE trigger would also stop the test database from being flushed.

Existing events get their MAC here, with the audit key of the settings that run the
migration: run it once with the production key in place (docs/audit.md).
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = """
CREATE TRIGGER audit_auditeventsubject_append_only
BEFORE UPDATE OR DELETE ON audit_auditeventsubject
FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditeventsubject_append_only ON audit_auditeventsubject;
"""


def mac_existing(apps, schema_editor):
    """Give every existing event its MAC, and the head its MAC (the owner runs this)."""
    from audit.chain import event_mac, head_mac

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    if not AuditEvent.objects.exists():
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
            params=None,
        )
    for event in AuditEvent.objects.order_by("id").only("id", "hash").iterator():
        AuditEvent.objects.filter(pk=event.pk).update(mac=event_mac(event.hash))
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only",
            params=None,
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        head.mac = head_mac(head.last_event_id, head.last_hash)
        head.save(update_fields=["mac"])


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_hash_chain"),
        ("people", "0001_initial"),
        ("workflows", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(mac_existing, migrations.RunPython.noop),
        migrations.CreateModel(
            name="AuditEventSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="audit.auditevent",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.procedure",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["person", "event"], name="audit_audit_person__3902a9_idx"),
                    models.Index(
                        fields=["procedure", "event"], name="audit_audit_procedu_3dec2e_idx"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("person__isnull", False), ("procedure__isnull", False), _connector="OR"
                        ),
                        name="audit_subject_names_someone",
                    )
                ],
            },
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
