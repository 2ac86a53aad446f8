"""Refuse UPDATE and DELETE of documents on PostgreSQL; national entries of the NK-B directory."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION documents_document_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'documents are never changed or deleted (document %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER documents_document_frozen
BEFORE UPDATE OR DELETE ON documents_document
FOR EACH ROW EXECUTE FUNCTION documents_document_frozen();
"""
DROP = """
DROP TRIGGER IF EXISTS documents_document_frozen ON documents_document;
DROP FUNCTION IF EXISTS documents_document_frozen();
"""

NATIONAL = [
    ("Numer alarmowy", "112", "", "całodobowo", "zagrożenie życia lub zdrowia", 1),
    (
        "Ogólnopolski Telefon dla Osób Doznających Przemocy Domowej „Niebieska Linia”",
        "800 120 002",
        "",
        "całodobowo",
        "wsparcie, informacja, interwencja",
        2,
    ),
    ("Telefon zaufania dla dzieci i młodzieży", "116 111", "", "całodobowo", "dzieci i młodzież", 3),
]


def trigger_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def trigger_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def national_contacts(apps, schema_editor):
    HelpContact = apps.get_model("documents", "HelpContact")
    for name, phone, address, hours, note, order in NATIONAL:
        HelpContact.objects.get_or_create(
            municipality=None,
            name=name,
            defaults={
                "phone": phone,
                "address": address,
                "hours": hours,
                "note": note,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents")]

    operations = [
        migrations.RunPython(trigger_on, trigger_off),
        migrations.RunPython(national_contacts, migrations.RunPython.noop),
    ]
