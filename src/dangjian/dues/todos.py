"""Dues' part of the to-do inbox: members three months or more behind (党费规定第十三条).

The branch's officers get one to-do per member behind (批评教育，限期改正; at six months the Art.13 /
党章 Art.9 warning, which the general meeting decides on); the member themself gets a reminder.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.dues import rules
from dangjian.dues.selectors import arrears_watch
from dangjian.notices.inbox import ToDo
from dangjian.orgs.selectors import home_branch

APP = gettext_lazy("Party dues")


def _title(name: str, arrears: rules.Arrears) -> str:
    if arrears.level == rules.WARNING:
        return _("%(name)s: %(n)s months of dues unpaid — 党费规定第十三条 / 党章第九条, for the general meeting") % {
            "name": name,
            "n": arrears.consecutive,
        }
    return _("%(name)s: %(n)s months of dues unpaid — talk with them (批评教育)") % {
        "name": name,
        "n": arrears.consecutive,
    }


def arrears_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Members behind by three months or more where the actor collects, and the actor's own arrears."""
    watch = arrears_watch(actor=actor, today=today)
    todos: list[ToDo] = []
    for item in watch.managed:
        branch = home_branch(item.member.org)
        todos.append(
            ToDo(
                kind="dues.arrears",
                title=_title(item.member.name, item.arrears),
                url=reverse("dues:payment-record", args=[item.member.pk]),
                due=item.arrears.warning_from,
                overdue=item.arrears.level == rules.WARNING,
                app=APP,
                icon="alert-circle",
                where=branch.name if branch is not None else "",
                action=_("Record a payment"),
            )
        )
    own = watch.own
    if own is not None and own.level in (rules.REMINDER, rules.WARNING):
        todos.append(
            ToDo(
                kind="dues.own_arrears",
                title=_("Your dues are %(n)s months behind: please pay your branch's collector") % {"n": own.behind},
                url=reverse("dues:my-dues"),
                due=own.warning_from,
                overdue=own.level == rules.WARNING,
                app=APP,
                icon="alert-circle",
                action=_("See my dues"),
            )
        )
    return todos
