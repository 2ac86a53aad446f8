"""Names and phone numbers of people: the checks every form and model field shares.

Names are stored in Unicode NFC, so "Łęcka" typed with a combining ogonek and the same name
typed with the precomposed letter are one name (search, sorting, printing). Bidirectional
controls and zero-width characters are refused: they let a name display as something else
than it is (e.g. "Kowalska" that sorts or searches as another name), and no Polish name
needs them. Phone numbers are validated by ``phonenumbers`` (libphonenumber) with Poland as
the default region and stored in E.164 (``+48600100200``): one spelling per number, so the
same number typed with spaces or dashes is the same number.
"""

import datetime
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from people import pesel as pesel_utils

PHONE_REGION = "PL"

# U+202A–202E embeddings and overrides, U+2066–2069 isolates, U+200E/200F marks, U+061C.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# Zero-width space, non-joiner, joiner, word joiner, byte-order mark.
ZERO_WIDTH = frozenset(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])


def validate_name(value: str) -> None:
    """Raise ``ValidationError`` when a name carries invisible or direction-changing marks."""
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError(
            _("The name contains invisible text-direction characters; type it again."),
            code="name_bidi",
        )
    if any(ch in ZERO_WIDTH for ch in value):
        raise ValidationError(
            _("The name contains invisible zero-width characters; type it again."),
            code="name_zero_width",
        )


def clean_name(value: str) -> str:
    """The name in NFC with surrounding spaces removed and runs of spaces collapsed; raises
    like ``validate_name``."""
    value = " ".join(unicodedata.normalize("NFC", value or "").split())
    validate_name(value)
    return value


def clean_phone(value: str) -> str:
    """The phone number in E.164 (``+48…``), or ``""`` for an empty value.

    Raises ``ValidationError`` when libphonenumber does not know the number as valid.
    """
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a valid phone number."), code="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    """Model-field form of ``clean_phone``."""
    clean_phone(value)


def validate_pesel_agreement(
    *, pesel: str, sex: str = "", birth_date: datetime.date | None = None
) -> None:
    """Refuse a sex or a birth date that contradicts the PESEL (python-stdnum decodes it).

    Raises ``ValidationError`` keyed by ``sex`` and/or ``birth_date``; an invalid or empty
    PESEL is not this check's business (the PESEL field refuses it).
    """
    if not pesel or not pesel_utils.is_valid(pesel):
        return
    errors: dict[str, list[str]] = {}
    encoded_sex = "female" if pesel_utils.sex(pesel) == "F" else "male"
    if sex and sex != encoded_sex:
        errors["sex"] = [_("The sex does not match the PESEL number.")]
    encoded_birth = pesel_utils.birth_date(pesel)
    if birth_date and birth_date != encoded_birth:
        errors["birth_date"] = [
            _("The date of birth does not match the PESEL number (%(date)s).")
            % {"date": encoded_birth.strftime("%d.%m.%Y")}
        ]
    if errors:
        raise ValidationError(errors)


def check_pesel_agrees(
    pesel: str, sex: str = "", birth_date: datetime.date | None = None
) -> dict[str, str]:
    """``validate_pesel_agreement`` as messages per field (``sex``, ``birth_date``), for a
    form that adds them itself; empty when they agree or nothing was typed."""
    try:
        validate_pesel_agreement(pesel=pesel, sex=sex, birth_date=birth_date)
    except ValidationError as error:
        return {field: str(messages[0]) for field, messages in error.message_dict.items()}
    return {}
