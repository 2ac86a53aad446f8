"""The centre's own record of a person (issue 11): names, PESEL, phone and household move
from the shared ``people.Person`` to ``CentrePerson``; every centre register points at it.

Existing rows copy what the centre showed until now (the linked Person's data, its household
as a household of the centre's own); from here on the two records are independent.
"""

import django.db.models.deletion
from django.db import migrations, models

REGISTERS = (  # model, path from the row to its centre
    ("contact", "centre_id"),
    ("consultationperson", "consultation__centre_id"),
    ("therapycourse", "centre_id"),
    ("enrolment", "group__centre_id"),
    ("hostelstay", "centre_id"),
)


def copy_records(apps, schema_editor):
    CentrePerson = apps.get_model("centre", "CentrePerson")
    CentreHousehold = apps.get_model("centre", "CentreHousehold")
    Person = apps.get_model("people", "Person")

    def own(centre_id, person):
        record, created = CentrePerson.objects.get_or_create(
            centre_id=centre_id, person_id=person.pk
        )
        if created or not record.last_name:
            fill(record, person)
        return record

    households = {}

    def fill(record, person):
        record.first_name = person.first_name
        record.last_name = person.last_name
        record.pesel = person.pesel or ""
        record.birth_date = person.birth_date
        record.sex = person.sex
        record.phone = person.phone
        if person.household_id:
            key = (record.centre_id, person.household_id)
            if key not in households:
                households[key] = CentreHousehold.objects.create(
                    centre_id=record.centre_id, label=person.household.label
                )
            record.household = households[key]
        record.save()

    for record in CentrePerson.objects.select_related("person__household"):
        fill(record, record.person)
    cache = {}
    for model_name, centre_path in REGISTERS:
        model = apps.get_model("centre", model_name)
        for row_id, centre_id, person_id in model.objects.filter(
            old_person__isnull=False
        ).values_list("pk", centre_path, "old_person_id"):
            key = (centre_id, person_id)
            if key not in cache:
                cache[key] = own(
                    centre_id, Person.objects.select_related("household").get(pk=person_id)
                )
            model.objects.filter(pk=row_id).update(person=cache[key])


class Migration(migrations.Migration):
    dependencies = [
        ("centre", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CentreHousehold",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="e.g. the family name", max_length=200, verbose_name="label"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="households",
                        to="centre.centre",
                    ),
                ),
            ],
            options={"verbose_name": "household", "verbose_name_plural": "households"},
        ),
        migrations.AlterModelOptions(
            name="centreperson",
            options={"verbose_name": "person", "verbose_name_plural": "people"},
        ),
        migrations.AlterField(
            model_name="centreperson",
            name="centre",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="people",
                to="centre.centre",
            ),
        ),
        migrations.AddField(
            model_name="centreperson",
            name="first_name",
            field=models.CharField(default="", max_length=100, verbose_name="first name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="centreperson",
            name="last_name",
            field=models.CharField(default="", max_length=150, verbose_name="surname"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="centreperson",
            name="pesel",
            field=models.CharField(blank=True, max_length=11, verbose_name="PESEL"),
        ),
        migrations.AddField(
            model_name="centreperson",
            name="birth_date",
            field=models.DateField(blank=True, null=True, verbose_name="date of birth"),
        ),
        migrations.AddField(
            model_name="centreperson",
            name="sex",
            field=models.CharField(
                blank=True,
                choices=[("female", "female"), ("male", "male")],
                max_length=10,
                verbose_name="sex",
            ),
        ),
        migrations.AddField(
            model_name="centreperson",
            name="phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="phone"),
        ),
        migrations.AddField(
            model_name="centreperson",
            name="household",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="centre.centrehousehold",
                verbose_name="household",
            ),
        ),
        migrations.AddIndex(
            model_name="centreperson",
            index=models.Index(
                fields=["centre", "last_name", "first_name"], name="centre_cent_centre__214966_idx"
            ),
        ),
        # Every register: the old link to the shared record becomes ``old_person`` while the
        # new link to the centre's record is filled, then takes its name.
        migrations.RemoveConstraint(model_name="enrolment", name="enrolment_once"),
        migrations.RemoveConstraint(
            model_name="consultationperson", name="consultation_person_once"
        ),
        migrations.RemoveIndex(
            model_name="consultationperson", name="centre_cons_person__0883fa_idx"
        ),
        migrations.RemoveIndex(
            model_name="consultationperson", name="centre_cons_househo_184f73_idx"
        ),
        migrations.RemoveField(model_name="consultationperson", name="household"),
        *(
            operation
            for model_name, _path in REGISTERS
            for operation in (
                migrations.RenameField(
                    model_name=model_name, old_name="person", new_name="old_person"
                ),
                migrations.AddField(
                    model_name=model_name,
                    name="person",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="centre.centreperson",
                    ),
                ),
            )
        ),
        migrations.RunPython(copy_records, elidable=False),
        *(
            migrations.RemoveField(model_name=model_name, name="old_person")
            for model_name, _path in REGISTERS
        ),
        migrations.AlterField(
            model_name="contact",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="centre.centreperson",
                verbose_name="person",
            ),
        ),
        migrations.AlterField(
            model_name="consultationperson",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="centre.centreperson",
            ),
        ),
        *(
            migrations.AlterField(
                model_name=model_name,
                name="person",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="centre.centreperson",
                    verbose_name="person",
                ),
            )
            for model_name in ("therapycourse", "enrolment", "hostelstay")
        ),
        migrations.AddIndex(
            model_name="consultationperson",
            index=models.Index(fields=["person"], name="centre_cons_person__0883fa_idx"),
        ),
        migrations.AddConstraint(
            model_name="consultationperson",
            constraint=models.UniqueConstraint(
                fields=("consultation", "person"), name="consultation_person_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.UniqueConstraint(fields=("group", "person"), name="enrolment_once"),
        ),
    ]
