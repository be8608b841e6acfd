"""Announcements' part of the to-do inbox: each live announcement addressed to the person that they
have not read yet, or, when it asks for it, not confirmed yet. Reading (or confirming) it is what
takes it out of the inbox; nothing is stored for the inbox itself."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.notices.inbox import ToDo
from dangjian.notices.selectors import addressed_announcements

APP = gettext_lazy("Announcements")
MAX_ITEMS = 50  # an account that never reads is not shown a wall of them


def announcement_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Two queries: the actor's member record, then the announcements still waiting for them."""
    waiting = addressed_announcements(actor=actor, today=today).filter(
        Q(requires_confirmation=True, is_confirmed=False) | Q(requires_confirmation=False, is_read=False)
    )
    todos = []
    for announcement in waiting.order_by("-published_at", "-pk")[:MAX_ITEMS]:
        confirm = announcement.requires_confirmation
        todos.append(
            ToDo(
                kind="notices.announcement_confirm" if confirm else "notices.announcement_read",
                title=(_("Confirm receipt: %(title)s") if confirm else _("Read: %(title)s"))
                % {"title": announcement.title},
                url=reverse("notices:announcement-detail", args=[announcement.pk]),
                due=announcement.expires_on if confirm else None,
                overdue=False,
                app=APP,
                icon="speakerphone",
                where=announcement.org.name,
                action=_("Confirm receipt") if confirm else _("Read"),
            )
        )
    return todos
