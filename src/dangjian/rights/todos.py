"""Rights' part of the to-do inbox: appeals (申诉) the actor's organisations must answer, by their due day."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.notices.inbox import ToDo
from dangjian.rights.selectors import AppealFilters, received_appeals

APP = gettext_lazy("Members' rights")


def appeal_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Open appeals sent to organisations where the actor looks after members (as on the appeals page)."""
    return [
        ToDo(
            kind="rights.appeal_answer",
            title=_("Appeal of %(member)s") % {"member": appeal.appellant.name},
            url=reverse("rights:appeal-detail", args=[appeal.pk]),
            due=appeal.due_on,
            overdue=appeal.is_overdue(today),
            app=APP,
            icon="shield-check",
            where=appeal.org.name,
            action=_("Answer"),
        )
        for appeal in received_appeals(actor=actor, filters=AppealFilters(status="open"), today=today)
    ]
