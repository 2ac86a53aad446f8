"""PESEL handling on top of python-stdnum (checksum, birth date, sex)."""

import datetime

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import pesel as stdnum_pesel


def is_valid(number: str) -> bool:
    return stdnum_pesel.is_valid(number)


def normalise(number: str) -> str:
    """Return the 11-digit PESEL; raises ``ValueError`` with a reason when invalid."""
    try:
        return stdnum_pesel.validate(number)
    except StdnumError as exc:
        raise ValueError(str(exc.message)) from exc


def birth_date(number: str) -> datetime.date:
    return stdnum_pesel.get_birth_date(number)


def sex(number: str) -> str:
    """``"F"`` or ``"M"`` as encoded in the PESEL."""
    return "F" if stdnum_pesel.get_gender(number) == "F" else "M"


def generate(birth: datetime.date, sex: str, serial: int) -> str:
    """Build a synthetic PESEL with a valid checksum (for demo and test data only).

    ``serial`` (0..999) fills the three serial digits; the sex digit is even for women.
    """
    year = birth.year
    month = birth.month + {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[year // 100]
    sex_digit = (serial % 5) * 2 + (1 if sex == "M" else 0)
    body = f"{year % 100:02d}{month:02d}{birth.day:02d}{serial % 1000:03d}{sex_digit}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 10) % 10
    return body + str(check)
