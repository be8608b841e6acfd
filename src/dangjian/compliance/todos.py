"""Compliance's part of the to-do inbox: branches with open early-warning entries (预警), for the
officers who look after them (counts only, never the members' names: the list behind the link is
where the officer sees who, as on the early-warning page); and requirements of organisational life
still due as their period closes, for the branch's secretary and deputy."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.accounts.models import User
from dangjian.compliance.selectors import branch_overview, life_url, requirements_falling_due
from dangjian.core.calendar import working_calendar
from dangjian.notices.inbox import ToDo

APP = gettext_lazy("Early warning")
LIFE_APP = gettext_lazy("Organisational life")


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


def requirement_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Requirements still due in the actor's branches, within the committee's lead time of the period's close."""
    items = []
    for branch, check in requirements_falling_due(actor=actor, today=today, calendar=working_calendar()):
        requirement, period = check.result.requirement, check.result.period
        where = branch.name if check.org.pk == branch.pk else f"{branch.name} · {check.org.name}"
        items.append(
            ToDo(
                kind="compliance.requirement_due",
                title=_("%(name)s for %(period)s: %(count)d of %(needed)d held")
                % {
                    "name": requirement.name,
                    "period": period.label,
                    "count": len(check.result.counted),
                    "needed": requirement.times,
                },
                url=life_url(branch, period, requirement.key),
                due=period.closes_on,
                overdue=False,
                app=LIFE_APP,
                icon="calendar-event",
                where=where,
                action=_("View"),
            )
        )
    return items
