"""Functions named by their dotted path and imported when first called.

The registries that apps fill in `AppConfig.ready` (to-do sources, …) take such a function, so that
starting a process imports no app's selectors or services: a management command that never reads
the inbox never imports what feeds it.
"""

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string


class LazyFunction:
    """Calls the function at `path` ("package.module.function"), imported on the first call."""

    __slots__ = ("_function", "path")

    def __init__(self, path: str) -> None:
        module, _, name = path.rpartition(".")
        if not module or not name:
            raise ValueError(f"not a dotted path to a function: {path!r}")
        self.path = path
        self._function: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        """The function itself (importing its module the first time)."""
        if self._function is None:
            self._function = import_string(self.path)
        return self._function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"LazyFunction({self.path!r})"


def lazy_function(function: Callable[..., Any] | str) -> Callable[..., Any]:
    """`function` itself, or, given a dotted path, a `LazyFunction` that imports it when first called."""
    return LazyFunction(function) if isinstance(function, str) else function
