"""Settings inherited down the organisation tree: an organisation's own choice, else that of the
nearest organisation above it that made one, else the default.

A settings model has one row per organisation (an `org` foreign key) whose fields are blank
(None or "") where the organisation made no choice. One query reads the rows of the organisation
and of its ancestors.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from dangjian.orgs.models import Organisation
from dangjian.orgs.rules import ancestor_paths

BLANK: tuple[object, ...] = (None, "")  # what counts as "made no choice"


@dataclass(frozen=True)
class Inherited:
    values: dict[str, Any]  # field name → effective value (the default when nobody chose)
    source: dict[str, Organisation]  # field name → the organisation whose choice applies (absent: the default)


def inherited_settings(
    model: type[models.Model],
    org: Organisation,
    defaults: Mapping[str, Any],
    *,
    own: bool = True,
    read: Mapping[str, Callable[[Any], Any]] | None = None,
) -> Inherited:
    """The effective value of each field named in `defaults` for `org`: the nearest non-blank value
    among the settings of `org` (unless `own` is false: only the organisations above it) and its
    ancestors, else the default. `read` gives, for a name, how to read it from a row when it is not
    a plain field (a value composed of several fields; None when not set)."""
    read = read or {}
    paths = ancestor_paths(org.path)
    if not own:
        paths = paths[:-1]
    chain = sorted(
        model._default_manager.filter(org__path__in=paths).select_related("org"),
        key=lambda row: len(row.org.path),  # type: ignore[attr-defined]
        reverse=True,
    )
    values: dict[str, Any] = {}
    source: dict[str, Organisation] = {}
    for row in chain:
        for name in defaults:
            if name in values:
                continue
            value = read[name](row) if name in read else getattr(row, name)
            if value not in BLANK:
                values[name], source[name] = value, row.org  # type: ignore[attr-defined]
    return Inherited(values={name: values.get(name, default) for name, default in defaults.items()}, source=source)
