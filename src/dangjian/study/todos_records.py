"""Meeting records' part of the to-do inbox: a member's own open 整改 measures, by their due day."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.notices.inbox import ToDo
from dangjian.study.rules import records as rules
from dangjian.study.selectors.records import my_open_rectifications

APP = gettext_lazy("Study")


def rectification_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """The actor's open 整改 measures from organisational life meetings; overdue once past their due day."""
    return [
        ToDo(
            kind="study.rectification",
            title=_("Rectification: %(problem)s") % {"problem": item.problem},
            url=reverse("study:rectification-done", args=[item.pk]),
            due=item.due_on,
            overdue=rules.rectification_overdue(item.status, item.due_on, today),
            app=APP,
            icon="progress-check",
            where=item.activity.theme,
            action=_("Report done"),
        )
        for item in my_open_rectifications(actor=actor)
    ]
