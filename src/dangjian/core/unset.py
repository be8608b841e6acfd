"""`UNSET`: a keyword parameter that was not passed, for update services that change only what they are given.

def org_update(*, actor: User, org: Organisation, name: str | Unset = UNSET, ...) -> Organisation:
    fields = given(name=name, ...)  # only the ones passed; None stays a value ("clear it")
"""

from enum import Enum
from typing import Any, Final


class Unset(Enum):
    UNSET = "unset"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset.UNSET


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments that were passed (not `UNSET`), in order."""
    return {name: value for name, value in values.items() if value is not UNSET}
