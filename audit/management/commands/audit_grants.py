"""``python manage.py audit_grants ROLE``: the SQL that lets ROLE run the application without
owning the audit tables (PostgreSQL).

Migrations run as the role that owns the tables; the web and worker processes connect as
ROLE, which may read and write the application's tables but only SELECT and INSERT audit
events. Not owning ``audit_auditevent``, ROLE cannot ``ALTER TABLE … DISABLE TRIGGER``,
``TRUNCATE``, ``UPDATE`` or ``DELETE`` it. Run the output as the owner after every migrate
(new tables need their grants). See docs/audit.md, "Running without owning the audit table".
"""

import re

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditChainHead, AuditEvent, AuditEventSubject


def grant_statements(role: str, schema: str = "public") -> list[str]:
    """GRANT/REVOKE statements for ``role`` (an existing PostgreSQL role that owns nothing)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError("the role must be a lower-case PostgreSQL identifier")
    append_only = ", ".join(m._meta.db_table for m in (AuditEvent, AuditEventSubject))
    head = AuditChainHead._meta.db_table
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};",
        # The audit trail: append only. The head row is moved by every writer (its MAC
        # shows a head moved back), never deleted.
        f"REVOKE ALL ON {append_only}, {head} FROM {role};",
        f"GRANT SELECT, INSERT ON {append_only} TO {role};",
        f"GRANT SELECT, INSERT, UPDATE ON {head} TO {role};",
        # The migration history is the owner's business.
        f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role};",
    ]


class Command(BaseCommand):
    help = "Print the GRANT statements for the role the web and worker processes use."

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument("--schema", default="public")

    def handle(self, *args, role, schema, **options):
        try:
            statements = grant_statements(role, schema)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(statements))
