"""Panels on a member's profile page, registered by the apps that own them.

The roster sits below the feature apps and does not know them; an app that has something to show on
a member's profile (evaluation: the member's recognition) registers a panel in its `AppConfig.ready`:
a template to include and a function giving that template's context for the actor and the member.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dangjian.accounts.models import User
from dangjian.members.models import Member


@dataclass(frozen=True)
class ProfilePanel:
    name: str
    template: str  # included on the profile page, with `context(...)` added to the page's context
    # The template's context for this actor and member; it limits what it shows to what the actor may see.
    context: Callable[..., Mapping[str, Any]]  # (*, actor: User, member: Member) -> {name: value}


_PANELS: dict[str, ProfilePanel] = {}


def register_profile_panel(panel: ProfilePanel) -> None:
    """Called from an app's `AppConfig.ready`; panels show in the order they were registered."""
    _PANELS[panel.name] = panel


def unregister_profile_panel(name: str) -> None:
    """Forget a panel (for tests that register a fake one)."""
    _PANELS.pop(name, None)


def profile_panels(*, actor: User, member: Member) -> tuple[list[str], dict[str, Any]]:
    """The registered panels' templates, and their context merged, for the actor looking at the member."""
    templates: list[str] = []
    context: dict[str, Any] = {}
    for panel in _PANELS.values():
        templates.append(panel.template)
        context.update(panel.context(actor=actor, member=member))
    return templates, context
