"""Rules for member data: the citizen ID number (GB 11643-1999), masking, pinyin initials."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# GB 11643-1999 §8.2: ISO 7064 MOD 11-2 over the first 17 digits.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"
# ASCII digits only: `\d` would also take full-width and other scripts' digits, which `int`
# reads, so "１１０…" would pass and be stored apart from the same number typed in ASCII.
ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")


@dataclass(frozen=True)
class IdInfo:
    birth_date: datetime.date
    gender: str  # "male" or "female"


class IdNumberError(ValueError):
    pass


def id_check_code(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CODES[total % 11]


def normalise_id_number(raw: str) -> str:
    """Full-width digits and letters typed through a Chinese input method become ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "")


def parse_id_number(raw: str) -> IdInfo:
    """Validate an 18-digit ID number and read the birth date and gender it encodes."""
    value = normalise_id_number(raw)
    if not ID_PATTERN.fullmatch(value):
        raise IdNumberError(_("the ID number must be 17 digits followed by a digit or X"))
    if id_check_code(value[:17]) != value[17]:
        raise IdNumberError(_("the ID number's check digit is wrong"))
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError(_("the ID number encodes an impossible birth date")) from exc
    # GB 11643 §8.1.3: the 17th digit is odd for men and even for women.
    gender = "male" if int(value[16]) % 2 else "female"
    return IdInfo(birth_date=birth, gender=gender)


def cross_check_id_number(raw: str, *, birth_date: datetime.date | None, gender: str | None) -> list[str]:
    """Problems (in words) between an ID number and the birth date and gender given with it."""
    try:
        info = parse_id_number(raw)
    except IdNumberError as exc:
        return [str(exc)]
    problems = []
    if birth_date and info.birth_date != birth_date:
        problems.append(
            _("the ID number gives the birth date %(date)s, not the one entered") % {"date": info.birth_date}
        )
    if gender and info.gender != gender:
        problems.append(_("the ID number gives a different gender from the one entered"))
    return problems


def mask_id_number(value: str | None) -> str:
    """Keep the region's first 3 and the last 4 characters: 110***********123X."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and the last 4 digits: 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else "*"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def _keep_ascii_alnum(chars: str) -> str:
    # Latin letters and digits are kept whole; spaces and marks such as the "·" in 阿依古丽·买买提
    # are dropped, so the initials of a name read as one searchable word.
    return "".join(c for c in chars if c.isascii() and c.isalnum())


def name_initials(name: str) -> str:
    """Pinyin initials for search: 张三 → "zs". Latin letters and digits are kept, lower-cased."""
    from pypinyin import Style, lazy_pinyin  # imported when used: importing it at start-up slows every process

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors=_keep_ascii_alnum)).lower()


# Mobile numbers are 11 digits starting 13–19; landlines have a 0-led area code of 3 or 4 digits.
PHONE_PATTERN = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(value))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# 党章 Art.1 and 细则2014 Art.5: a person may join the Party from the age of 18.
MIN_AGE_TO_JOIN = 18


REQUIRED_MEMBER_FIELDS = (
    ("name", gettext_lazy("name")),
    ("gender", gettext_lazy("gender")),
    ("birth_date", gettext_lazy("birth date")),
    ("category", gettext_lazy("category")),
    ("joined_on", gettext_lazy("date of joining")),
)


def member_problems(data: dict, today: datetime.date) -> list[tuple[str, str]]:
    """Problems with one member's data, as (field, message) pairs. Pure: no database.

    `data` holds cleaned Python values: dates as `date`, choices as their codes.
    """
    problems: list[tuple[str, str]] = []
    for field, label in REQUIRED_MEMBER_FIELDS:  # labels are lazy: a roster import checks many rows
        if not data.get(field):
            problems.append((field, _("%(field)s is required") % {"field": label}))
    if id_number := data.get("id_number"):
        problems.extend(
            ("id_number", message)
            for message in cross_check_id_number(
                id_number, birth_date=data.get("birth_date"), gender=data.get("gender")
            )
        )
    if (phone := data.get("phone")) and not is_valid_phone(phone):
        problems.append(("phone", _("the phone number is not a valid mobile or landline number")))
    birth, joined, full = data.get("birth_date"), data.get("joined_on"), data.get("full_member_on")
    if birth and birth > today:
        problems.append(("birth_date", _("the birth date is in the future")))
    if joined and joined > today:
        problems.append(("joined_on", _("the date of joining is in the future")))
    if birth and joined and age_on(birth, joined) < MIN_AGE_TO_JOIN:
        problems.append(
            ("joined_on", _("the member would have joined before the age of %(age)d") % {"age": MIN_AGE_TO_JOIN})
        )
    if joined and full and full < joined:
        problems.append(("full_member_on", _("full membership cannot come before joining")))
    return problems
