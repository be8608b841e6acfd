"""Password rules beyond Django's: not the account's own name or number."""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Values shorter than this are not looked for inside a password (a one-letter name would refuse half of them);
# Chinese names count per character, so a two-character name is looked for.
MIN_LATIN = 3
MIN_CJK = 2


def _looked_for(value: str) -> bool:
    return len(value) >= (MIN_LATIN if value.isascii() else MIN_CJK)


def personal_values(user) -> dict[str, list[str]]:
    """What a password must not contain or resemble, by the field it comes from: the name as written and in
    pinyin, the staff or student number and its digits."""
    from pypinyin import lazy_pinyin  # imported when used: importing it at start-up slows every process

    username = (getattr(user, "username", "") or "").strip()
    name = (getattr(user, "display_name", "") or "").strip()
    digits = "".join(re.findall(r"\d+", username))
    values = {
        "display_name": [name, "".join(lazy_pinyin(name)) if name and not name.isascii() else ""],
        "username": [username, digits if len(digits) >= 4 else ""],
    }
    return {field: [v.casefold() for v in found if v and _looked_for(v)] for field, found in values.items()}


class PersonalDataValidator:
    """Refuses a password that contains the account's name (as written or in pinyin) or its staff or student
    number, or is too similar to either. Django's UserAttributeSimilarityValidator knows neither the
    display name nor a Chinese name inside a longer password."""

    def __init__(self, max_similarity: float = 0.7):
        self.max_similarity = max_similarity

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        folded = password.casefold()
        compact = re.sub(r"[\W_]+", "", folded)
        for field, values in personal_values(user).items():
            for value in values:
                similar = SequenceMatcher(a=folded, b=value).ratio() >= self.max_similarity
                if value in folded or value in compact or similar:
                    raise ValidationError(self._message(user, field), code="password_too_personal")

    def _message(self, user, field: str) -> str:
        label = user._meta.get_field(field).verbose_name
        return _("The password must not contain or resemble your %(field)s.") % {"field": label}

    def get_help_text(self) -> str:
        return _("Your password must not contain or resemble your name or your staff or student number.")
