"""The to-do inbox (待办): everything that waits for a person, gathered from the apps that own it.

Notices sit below the feature apps and do not know them; each app that has something waiting for a
person registers a source in its `AppConfig.ready`: a function `(actor, today) -> list[ToDo]` that
reads, within the actor's scope, what is still to be done. Nothing is stored: a to-do that has been
done is no longer returned by its source, so it leaves the inbox by itself.

A source must stay cheap (one or two queries whatever the amount of data): the home page shows the
inbox, and the navigation of every page asks for its count (after the page has loaded, see
`notices.views.inbox_count`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext

from dangjian.accounts.models import User
from dangjian.core.lazy import lazy_function

SOON_DAYS = 3  # due within this many days: shown as a warning


@dataclass(frozen=True)
class ToDo:
    kind: str  # a stable key, "<app>.<what>", e.g. "study.leave_decide"
    title: str | Promise  # names the object, in Chinese through gettext
    url: str  # where it is done
    due: datetime.date | None  # the last day, or None when nothing dates it
    overdue: bool
    app: str | Promise  # the app's name, shown as where the to-do comes from
    icon: str  # a name in dangjian.edge.icons.ICONS
    where: str = ""  # the organisation or activity it belongs to, when that helps
    action: str | Promise = ""  # the link's label, e.g. "审批"

    @property
    def sort_key(self) -> tuple:
        """Overdue first, then by due date, undated last."""
        return (not self.overdue, self.due is None, self.due or datetime.date.max, str(self.title), self.url)

    def due_soon(self, today: datetime.date) -> bool:
        return not self.overdue and self.due is not None and (self.due - today).days <= SOON_DAYS


TodoSource = Callable[[User, datetime.date], list[ToDo]]

_SOURCES: dict[str, TodoSource] = {}


def register_todo_source(name: str, function: TodoSource | str) -> None:
    """Called from an app's `AppConfig.ready`; a second registration under the same name replaces the first.

    `function` is best given by its dotted path ("dangjian.study.todos.officer_todos"): its module, and
    the selectors it imports, are then imported when an inbox is first read, not when a process starts.
    """
    _SOURCES[name] = lazy_function(function)


def unregister_todo_source(name: str) -> None:
    """Forget a source (for tests that register a fake one)."""
    _SOURCES.pop(name, None)


def todo_sources() -> dict[str, TodoSource]:
    return dict(_SOURCES)


def inbox_for(actor: User, today: datetime.date) -> list[ToDo]:
    """All that waits for the actor, from every registered source, the most urgent first."""
    if actor is None or not actor.is_authenticated:
        return []
    items: list[ToDo] = []
    for source in _SOURCES.values():
        items.extend(source(actor, today))
    return sorted(items, key=lambda item: item.sort_key)


_REQUEST_ATTR = "_dangjian_inbox"


def inbox_for_request(request) -> list[ToDo]:
    """The inbox of the request's user, read once per request (the navigation and the page share it)."""
    cached = getattr(request, _REQUEST_ATTR, None)
    if cached is None:
        from django.utils import timezone

        cached = inbox_for(request.user, timezone.localdate())
        setattr(request, _REQUEST_ATTR, cached)
    return cached


def inbox_if_read(request) -> list[ToDo] | None:
    """The request's inbox if the page has read it already (the home, the inbox page), else None: the
    navigation then asks for its count after the page has loaded instead of reading every source first."""
    return getattr(request, _REQUEST_ATTR, None)


@dataclass(frozen=True)
class InboxRow:
    item: ToDo
    tone: str  # "problem" overdue, "warning" due within SOON_DAYS days, "" otherwise
    label: str  # the due-date badge's text, empty when undated


def _due_label(item: ToDo) -> str:
    if item.overdue:
        return gettext("Past due")
    if item.due is None:
        return ""
    return gettext("Due %(day)s") % {"day": item.due.strftime("%m-%d")}


def inbox_rows(items: list[ToDo], today: datetime.date) -> list[InboxRow]:
    """The to-dos with their due-date badge (text and tone), for the page and the home card."""
    return [
        InboxRow(item, "problem" if item.overdue else "warning" if item.due_soon(today) else "", _due_label(item))
        for item in items
    ]
