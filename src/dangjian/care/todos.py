"""Care's part of the to-do inbox: needs to accept or answer (officers, working-day deadlines),
answers for the member to confirm, and the required heart-to-heart talks (谈心谈话) still to hold."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.care.models import NeedState
from dangjian.care.selectors.needs import Access, NeedFilters, my_needs, officer_needs
from dangjian.care.selectors.talks import todo_list
from dangjian.notices.inbox import ToDo

APP = gettext_lazy("Member care")


def need_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Open needs the actor handles or oversees, as on the needs page, each against its current deadline."""
    items = []
    for need in officer_needs(actor, NeedFilters(state="open"), today=today):
        full = need.access == Access.FULL
        title = need.title if full else _("Need #%(pk)s") % {"pk": need.pk}
        items.append(
            ToDo(
                kind="care.need_accept" if need.state == NeedState.SUBMITTED else "care.need_answer",
                title=title,
                url=reverse("care:need-detail", args=[need.pk]),
                due=need.due(),
                overdue=need.is_overdue(today),
                app=APP,
                icon="heart",
                where=need.org.name,
                action=_("Accept") if need.state == NeedState.SUBMITTED else _("Answer"),
            )
        )
    return items


def confirm_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """The member's own needs that were answered and wait for their word."""
    return [
        ToDo(
            kind="care.need_confirm",
            title=need.title,
            url=reverse("care:need-detail", args=[need.pk]),
            due=None,
            overdue=False,
            app=APP,
            icon="heart-handshake",
            action=_("Confirm"),
        )
        for need in my_needs(actor).filter(state=NeedState.ANSWERED)
    ]


def talk_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Required talks still to hold that are the actor's own or nobody's yet, in the actor's scope."""
    member_id = scope_for(actor).member_id
    todos = todo_list(actor).filter(Q(assignee__isnull=True) | Q(assignee_id=member_id))
    return [
        ToDo(
            kind="care.talk",
            title=_("Talk with %(member)s") % {"member": todo.member.name},
            url=f"{reverse('care:talk-create')}?todo={todo.pk}",
            due=todo.due_on,
            overdue=today > todo.due_on,
            app=APP,
            icon="message-circle",
            where=todo.get_reason_display(),
            action=_("Record the talk"),
        )
        for todo in todos
    ]
