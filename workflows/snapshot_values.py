"""How a frozen document prints a record's values (``workflows.snapshots``): a choice by its
Polish label, never its code; a date as dd.mm.rrrr; the suspected person by their own data
only."""

import datetime

from django.db.models import Choices, Model

from workflows import calendar


def date_text(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def display(instance: Model, name: str) -> str | int:
    """What a document prints for model field ``name`` of ``instance``: the (Polish) label of
    a choice, never its code; a date as dd.mm.rrrr; a moment as its date and time in Warsaw;
    a boolean as "tak"/"nie"; nothing as "". Raises ``ValueError`` for a value outside the
    field's choices, which would otherwise reach paper as a code."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    if field.choices:
        labels = dict(field.flatchoices)
        if value not in labels:
            raise ValueError(f"{instance._meta.label}.{name}: {value!r} is not one of its choices")
        return str(labels[value])
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, datetime.datetime):
        return value.astimezone(calendar.WARSAW).strftime("%d.%m.%Y, %H:%M")
    if isinstance(value, datetime.date):
        return date_text(value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, str | int):
        return value
    raise TypeError(f"{instance._meta.label}.{name}: no printed form for {type(value).__name__}")


def values(instance: Model, *names: str, **renamed: str) -> dict[str, str | int]:
    """``display`` of each field in ``names`` (keyed by the field name) and of each field
    ``renamed`` values (keyed by the argument name)."""
    fields = {name: name for name in names} | renamed
    return {key: display(instance, name) for key, name in fields.items()}


def label(instance: Model, name: str) -> str:
    """The label printed beside a field: the model's (Polish) ``verbose_name``."""
    return str(instance._meta.get_field(name).verbose_name)


def choice_labels(choices: type[Choices], codes: list[str]) -> list[str]:
    """The labels of a list of choice codes (a JSON list of ``choices`` values); raises
    ``ValueError`` for an unknown code rather than print it."""
    labels = dict(choices.choices)
    unknown = [code for code in codes if code not in labels]
    if unknown:
        raise ValueError(f"not {choices.__name__} codes: {unknown}")
    return [str(labels[code]) for code in codes]


def person_name(person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def suspect_side_of(person) -> dict[str, str]:
    """``_suspect_side`` of the suspect ``person`` (a step holding them passes it on)."""
    return {"name": person_name(person), **values(person, "birth_date", "address")}
