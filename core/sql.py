"""Raw SQL built from a model's meta, for the few statements the ORM cannot say in one."""

from django.db import connection

_INSERT = "INSERT INTO {table} ({columns}) VALUES {rows}"


def insert_values(model, objects: list, *, with_pk: bool) -> tuple[str, list]:
    """``INSERT INTO <table> (<columns>) VALUES …`` of ``objects`` (every concrete column, the
    primary key only ``with_pk``) and its parameters, to be extended (a CTE, ``ON CONFLICT``).
    Only identifiers from the model's meta are spliced in; every value is a parameter."""
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = _INSERT.format(
        table=quote(model._meta.db_table),
        columns=", ".join(quote(f.column) for f in fields),
        rows=", ".join([row] * len(objects)),
    )
    params = [
        f.get_db_prep_save(getattr(o, f.attname), connection) for o in objects for f in fields
    ]
    return sql, params
