"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

# The largest primary key the databases hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _check_id(field, value) -> None:
    """Refuse what cannot be an id before it reaches the database (SQLite raises on ids
    beyond 64 bits instead of finding nothing)."""
    text = str(value).strip()
    # ASCII digits only: "¹" and other Unicode digits pass ``isdigit`` but not ``int``.
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise ValidationError(
            field.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": text[:40]},
        )


class RecordChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        _check_id(self, value)
        return super().to_python(value)


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            _check_id(self, pk)
        return super()._check_values(value)


# Django 6.1's label of an empty choice has no Polish translation in Django yet; the project
# catalogue (LOCALE_PATHS, which wins over Django's) provides it.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
