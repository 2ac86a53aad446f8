"""Indexes that keep the list, the search, the inbox and the dashboard flat in data size
(docs/benchmarks.md says which index serves which page).

- open deadlines per procedure and per rule (partial), a team's procedures newest first, a
  team's open procedures (partial);
- viewflow's open tasks (partial, ``status IN ('NEW', 'ASSIGNED')``) by owner and by process:
  viewflow's table, so raw SQL (SQLite and PostgreSQL both have partial indexes);
- PostgreSQL only: the ``pg_trgm`` extension and trigram GIN indexes on the expressions
  Django's ``icontains`` compares (``UPPER(col::text) LIKE UPPER('%…%')``): people's first and
  last names, the household's label, the procedure's number. SQLite has no such indexes and
  skips this step.
"""

from django.db import migrations, models

OPEN_TASKS = "status IN ('NEW', 'ASSIGNED')"

TRIGRAM = [
    ("people_person_first_name_trgm", "people_person", "first_name"),
    ("people_person_last_name_trgm", "people_person", "last_name"),
    ("people_household_label_trgm", "people_household", "label"),
    ("workflows_procedure_number_trgm", "workflows_procedure", "number"),
]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_person_change_name_phone_checks"),
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0016_merge_requests"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("met_on__isnull", True)),
                fields=["procedure", "due_on"],
                name="deadline_open_by_procedure",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("met_on__isnull", True)),
                fields=["rule", "due_on"],
                name="deadline_open_by_rule",
            ),
        ),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["team", "-initiated_on", "-id"], name="procedure_team_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                condition=models.Q(("stage", "closed"), _negated=True),
                fields=["team"],
                name="procedure_team_open",
            ),
        ),
        migrations.RunSQL(
            [
                "CREATE INDEX viewflow_task_open_by_owner ON viewflow_task (owner_id, created)"
                f" WHERE {OPEN_TASKS}",
                "CREATE INDEX viewflow_task_open_by_process ON viewflow_task (process_id)"
                f" WHERE {OPEN_TASKS}",
            ],
            [
                "DROP INDEX viewflow_task_open_by_owner",
                "DROP INDEX viewflow_task_open_by_process",
            ],
        ),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
