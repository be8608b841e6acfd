"""Study's to-dos from committee-level meetings: the open decisions (决定事项) a person owns, by their due date."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.notices.inbox import ToDo
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.selectors.committee_meetings import decisions_to_carry_out

APP = gettext_lazy("Study")


def decision_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Each open decision the actor owns, overdue once its due day has passed."""
    return [
        ToDo(
            kind="study.decision_carry_out",
            title=_("Carry out: %(text)s") % {"text": decision.text[:40]},
            url=reverse("study:decision-detail", args=[decision.pk]),
            due=decision.due_on,
            overdue=rules.decision_overdue(decision.status, decision.due_on, today),
            app=APP,
            icon="checklist",
            where=decision.activity.theme,
            action=_("Record as done"),
        )
        for decision in decisions_to_carry_out(actor=actor)
    ]
