from django import forms
from django.utils.translation import gettext_lazy as _

from people import pesel as pesel_utils


class PeselField(forms.CharField):
    """An optional PESEL: spaces ignored, checksum and date checked, normalised."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("PESEL"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        value = "".join((super().clean(value) or "").split())
        if not value:
            return ""
        try:
            return pesel_utils.normalise(value)
        except ValueError as exc:
            raise forms.ValidationError(
                _("This PESEL number is not valid (checksum or date)."), code="pesel"
            ) from exc
