"""Study's part of the to-do inbox: leave to decide and make-ups to review (officers), make-ups to
hand in and reading lists to study by their due day (the member), study plans still in draft (officers)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.notices.inbox import ToDo
from dangjian.study.rules import attendance as rules
from dangjian.study.selectors.activities import make_ups_to_hand_in, review_queue
from dangjian.study.selectors.plans import plans_to_publish
from dangjian.study.selectors.selfstudy import reading_lists_due

APP = gettext_lazy("Study")


def officer_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Leave requests to decide (before the activity starts) and make-ups handed in to review."""
    queue = review_queue(actor=actor)
    items = []
    for leave in queue.leave_requests:
        day = timezone.localdate(leave.activity.starts_at)  # the day it starts where the branch is
        items.append(
            ToDo(
                kind="study.leave_decide",
                title=_("Leave request of %(member)s") % {"member": leave.member.name},
                url=reverse("study:leave-decide", args=[leave.pk]),
                due=day,
                overdue=today > day,
                app=APP,
                icon="calendar-check",
                where=leave.activity.theme,
                action=_("Decide"),
            )
        )
    items.extend(
        ToDo(
            kind="study.make_up_review",
            title=_("Make-up study of %(member)s") % {"member": make_up.attendance.member.name},
            url=reverse("study:make-up-review", args=[make_up.pk]),
            due=None,
            overdue=False,
            app=APP,
            icon="checks",
            where=make_up.attendance.activity.theme,
            action=_("Review"),
        )
        for make_up in queue.make_ups
    )
    return items


def member_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """The member's own make-up study to hand in, by its due day."""
    return [
        ToDo(
            kind="study.make_up_submit",
            title=_("Make-up study for %(activity)s") % {"activity": make_up.attendance.activity.theme},
            url=reverse("study:make-up-submit", args=[make_up.pk]),
            due=make_up.due_on,
            overdue=rules.make_up_overdue(make_up.status, make_up.due_on, today),
            app=APP,
            icon="notebook",
            action=_("Hand in"),
        )
        for make_up in make_ups_to_hand_in(actor=actor)
    ]


def plan_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Draft study plans the actor's organisations should publish, by the first day of their semester."""
    return [
        ToDo(
            kind="study.plan_publish",
            title=_("Publish the study plan: %(title)s") % {"title": plan.title},
            url=reverse("study:plan-detail", args=[plan.pk]),
            due=plan.semester.starts_on,
            overdue=today > plan.semester.starts_on,
            app=APP,
            icon="list-check",
            where=plan.org.name,
            action=_("Publish"),
        )
        for plan in plans_to_publish(actor=actor, today=today)
    ]


def reading_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Reading lists assigned to the member with required items still to study, by their due day."""
    return [
        ToDo(
            kind="study.reading_list",
            title=_("Reading list: %(title)s (%(left)d required left)")
            % {"title": progress.reading_list.title, "left": progress.required_left},
            url=reverse("study:readinglist-list"),
            due=progress.reading_list.due_on,
            overdue=progress.reading_list.due_on is not None and today > progress.reading_list.due_on,
            app=APP,
            icon="book",
            where=progress.reading_list.org.name,
            action=_("Study"),
        )
        for progress in reading_lists_due(actor=actor, today=today)
    ]
