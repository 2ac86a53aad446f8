"""Checks of what someone types about a person: names, phone numbers, PESEL agreement.

Used by every form that records a person (the crisis centre's person forms; the NK-A
people). Each raises Django's ``ValidationError`` with a message for the field, or returns
the messages per field, so the page shows them next to the field.
"""

import datetime
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from people import pesel as pesel_utils

# Characters that change how a name is displayed without being part of it: the bidirectional
# embeddings, overrides and isolates (a name could print reversed, "Trojan Source"), and the
# zero-width characters (two names that look the same would differ). Unicode category Cf.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad"
)


def validate_name(value: str) -> None:
    """Refuse a name with bidirectional controls, zero-width or other control characters."""
    if any(ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ValidationError(
            _("A name cannot contain invisible or direction-changing characters."),
            code="invisible",
        )


def clean_name(value: str) -> str:
    """The name NFC-normalised with outer spaces and runs of spaces collapsed; refused as
    ``validate_name`` refuses. NFC makes "Łęcka" typed on two keyboards one and the same."""
    validate_name(value)
    return " ".join(unicodedata.normalize("NFC", value).split())


def clean_phone(value: str) -> str:
    """A phone number in international form (``+48 601 234 567``); Polish when no country
    code is given. Empty stays empty; an impossible number is refused."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "PL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number."), code="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def check_pesel_agrees(
    pesel: str, sex: str = "", birth_date: datetime.date | None = None
) -> dict[str, str]:
    """Messages per field (``sex``, ``birth_date``) where the typed value contradicts what
    the PESEL encodes; empty when they agree or nothing was typed. The PESEL encodes the
    date of birth and the sex (art. 15 ust. 2 of the Act on population records)."""
    if not pesel or not pesel_utils.is_valid(pesel):
        return {}
    errors = {}
    encoded_sex = "female" if pesel_utils.sex(pesel) == "F" else "male"
    if sex and sex != encoded_sex:
        errors["sex"] = (
            _("The PESEL is of a woman.")
            if encoded_sex == "female"
            else _("The PESEL is of a man.")
        )
    encoded_birth = pesel_utils.birth_date(pesel)
    if birth_date and birth_date != encoded_birth:
        errors["birth_date"] = _("The PESEL gives the date of birth %(date)s.") % {
            "date": encoded_birth.isoformat()
        }
    return errors
