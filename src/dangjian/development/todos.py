"""Member development's part of the to-do inbox: late steps of the people the actor's branches develop."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.development import rules
from dangjian.development.selectors import scope_clocks
from dangjian.notices.inbox import ToDo

APP = gettext_lazy("Member development")


def late_step_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Late steps where the actor may record them (branch and committee officers), as on the pipeline page."""
    if not scope_for(actor).has_anywhere(Perm.MANAGE_MEMBERS):
        return []
    pipeline = scope_clocks(actor=actor, today=today, perm=Perm.MANAGE_MEMBERS)
    return [
        ToDo(
            kind="development.late_step",
            title=_("%(name)s: %(clock)s") % {"name": item.person.name, "clock": item.state.title},
            url=reverse("development:person-detail", args=[item.person.pk]),
            due=item.state.due,
            overdue=True,
            app=APP,
            icon="user-plus",
            where=item.person.org.name,
            action=pgettext("development step", "Record"),
        )
        for item in pipeline.clocks
        if item.state.state == rules.LATE
    ]
