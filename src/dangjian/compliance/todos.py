"""Compliance's part of the to-do inbox: branches with open early-warning entries (预警), for the
officers who look after them. Counts only, never the members' names: the list behind the link is
where the officer sees who, as on the early-warning page."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.accounts.models import User
from dangjian.compliance.selectors import branch_overview
from dangjian.notices.inbox import ToDo, register_todo_source

APP = gettext_lazy("Early warning")


def warning_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """One to-do per branch of the actor's care scope that has open entries."""
    return [
        ToDo(
            kind="compliance.warnings",
            title=ngettext(
                "%(count)s open early-warning entry in %(org)s",
                "%(count)s open early-warning entries in %(org)s",
                row.total,
            )
            % {"count": row.total, "org": row.org.name},
            url=reverse("compliance:warning-list", args=[row.org.pk]),
            due=None,
            overdue=False,
            app=APP,
            icon="alert-triangle",
            where=row.org.name,
            action=_("Handle"),
        )
        for row in branch_overview(actor=actor)
        if row.total
    ]


def register() -> None:
    register_todo_source("compliance.warnings", warning_todos)
