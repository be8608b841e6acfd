"""Decisions a member may appeal (申诉), registered by the apps that make them.

党章 Art.4 (8): a member may appeal to the organisation above, up to the Central Committee, and
have a responsible answer. The decisions live in other apps (an evaluation grade, later a
discipline or development decision); each registers how to find one and whom it concerns, so that
this app refuses an appeal against someone else's decision without knowing the other apps' models.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from dangjian.orgs.models import Organisation


@dataclass(frozen=True)
class AppealSubject:
    """One decision about one member, as an appeal needs to know it."""

    member_id: int  # whom the decision is about: only they may appeal it
    org: Organisation  # the organisation that decided; the appeal goes to the one above it
    description: str  # what was decided, for the appeal's record ("2026年度民主评议：基本合格")
    decided_on: datetime.date
    url: str = ""  # where the decision can be seen, if anywhere


@dataclass(frozen=True)
class AppealableKind:
    kind: str
    label: str | Promise
    # The decision with this id, or None when there is no such decision. The resolver does not
    # check who asks: the appeal service compares `member_id` with the appellant.
    resolve: Callable[[int], AppealSubject | None]
    # The appellant's decisions of this kind that may be appealed now: (object id, AppealSubject).
    choices_for: Callable[[int], list[tuple[int, AppealSubject]]]


_KINDS: dict[str, AppealableKind] = {}


def register_appealable(kind: AppealableKind) -> None:
    """Called from an app's `AppConfig.ready`."""
    _KINDS[kind.kind] = kind


def appealable_kinds() -> dict[str, AppealableKind]:
    return dict(_KINDS)


def unregister_appealable(kind: str) -> None:
    """Forget a kind (for tests that register a fake one)."""
    _KINDS.pop(kind, None)


def appealable_kind(kind: str) -> AppealableKind | None:
    return _KINDS.get(kind)
