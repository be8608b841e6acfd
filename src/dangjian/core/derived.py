"""Data derived from other data, which can be checked and built anew (the library's search index).

A restore brings back the data a backup holds; what is computed from that data may be missing,
built by older code, or out of step. Each app registers its derived data here in
`AppConfig.ready` (`register_derived`), so that the restore, which must not import the apps,
can ask each whether it needs rebuilding and rebuild it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Derived:
    name: str
    is_stale: Callable[[], bool]  # whether it must be built anew from the data
    rebuild: Callable[[], int]  # builds it anew; how many items it holds


_registry: dict[str, Derived] = {}


def register_derived(name: str, *, is_stale: Callable[[], bool], rebuild: Callable[[], int]) -> None:
    """Register derived data under `name` (registering a name again replaces it)."""
    _registry[name] = Derived(name, is_stale, rebuild)


def registered() -> list[Derived]:
    """Every registered piece of derived data, in the order registered."""
    return list(_registry.values())
