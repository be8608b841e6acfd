import enum
from typing import Any, Final


class Unchanged(enum.Enum):
    """The default of an update service's keyword parameters: the field stays as it is."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def given(**values: Any) -> dict[str, Any]:
    """The fields a caller of an update service passed (those not left `UNCHANGED`), in order."""
    return {name: value for name, value in values.items() if value is not UNCHANGED}
