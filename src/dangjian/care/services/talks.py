"""Recording heart-to-heart talks, and the required-talk to-dos that events open."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.care import rules
from dangjian.care.models import Talk, TalkKind, TalkTodo, TodoReason
from dangjian.care.selectors.common import (
    branch_of,
    branch_secretary,
    can_care_at,
    is_branch_officer,
    member_branch,
    officer_accounts,
)
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.members.models import Member, Membership
from dangjian.members.selectors import actor_member
from dangjian.notices.services import notice_send
from dangjian.orgs.models import Organisation

MAX_SUMMARY = 5000


def _branch_or_error(member: Member) -> Organisation:
    branch = member_branch(member)
    if branch is None:
        raise DomainError(
            _("%(name)s does not belong to any organisation now.") % {"name": member.name}, field="member"
        )
    return branch


@transaction.atomic
def talk_todo_open(
    *,
    actor: User,
    member: Member,
    reason: str,
    detail: str,
    source_key: str,
    due_on: datetime.date | None = None,
) -> TalkTodo:
    """Open a required-talk to-do for `member` (or return the one already opened for this source).

    A building block other services call inside their own transaction, after their own checks: it
    does not check the actor's scope itself. The branch secretary is asked to talk; a notice tells them.
    """
    if reason not in TodoReason.values:
        raise ValueError(f"unknown to-do reason {reason!r}")
    existing = TalkTodo.objects.filter(member=member, reason=reason, source_key=source_key).first()
    if existing is not None:
        return existing
    branch = _branch_or_error(member)
    today = timezone.localdate()
    assignee = branch_secretary(branch, today)
    if assignee is not None and assignee.pk == member.pk:
        assignee = None  # the secretary's own required talk goes to the branch's other officers
    todo, created = TalkTodo.objects.get_or_create(
        member=member,
        reason=reason,
        source_key=source_key[:100],
        defaults=dict(
            org=branch,
            detail=(detail or "")[:200],
            assignee=assignee,
            due_on=due_on or today + datetime.timedelta(days=rules.REQUIRED_TALK_DAYS),
        ),
    )
    if not created:
        return todo
    audit.record(
        actor=actor,
        action="talk_todo.open",
        obj=todo,
        org_path=branch.path,
        changes={
            "member": member.pk,
            "reason": reason,
            "source": todo.source_key,
            "assignee": assignee,
            "due_on": todo.due_on,
        },
    )
    if assignee is not None:
        recipients = [assignee.user] if assignee.user_id else []
    else:
        recipients = [user for user in officer_accounts(branch, today) if getattr(user, "member", None) != member]
    notice_send(
        recipients=recipients,
        title=_("A required talk with %(name)s: %(reason)s")
        % {"name": member.name, "reason": todo.get_reason_display()},
        body=_("Please talk with %(name)s by %(due)s and record the talk from the to-do list.")
        % {"name": member.name, "due": todo.due_on.isoformat()},
        url=reverse("care:todo-list"),
    )
    return todo


def _check_talk(
    *,
    actor: User,
    member: Member,
    officer: Member,
    held_on: datetime.date,
    kind: str,
    summary: str,
    todo: TalkTodo | None,
) -> Organisation:
    branch = _branch_or_error(member)
    own = actor_member(actor)
    # Who may record: an officer with care rights over the branch, or the officer who held the talk.
    if not can_care_at(actor, branch) and (own is None or own.pk != officer.pk):
        raise Forbidden(_("You may record talks only with members of organisations you look after."))
    errors: dict[str, str] = {}
    if officer.pk == member.pk:
        errors["officer"] = _("An officer cannot record a talk with themself.")
    elif not (can_care_at(officer.user, branch) if officer.user_id else False) and not is_branch_officer(
        officer.pk, branch
    ):
        errors["officer"] = _("%(name)s is not an officer of %(branch)s and does not look after its members.") % {
            "name": officer.name,
            "branch": branch.name,
        }
    if held_on > timezone.localdate():
        errors["held_on"] = _("A talk cannot be recorded before it is held: the date is in the future.")
    if kind not in TalkKind.values:
        errors["kind"] = _("Choose the kind of talk.")
    if not (summary or "").strip():
        errors["summary"] = _("Write a short summary of the talk.")
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = _("The summary can be at most %(count)s characters.") % {"count": MAX_SUMMARY}
    if todo is not None:
        if todo.member_id != member.pk:
            errors["todo"] = _("This to-do is about another member.")
        elif not todo.is_open:
            errors["todo"] = _("This to-do is already done or cancelled.")
    raise_for_errors(errors)
    return branch


@transaction.atomic
def talk_record(
    *,
    actor: User,
    member: Member,
    officer: Member,
    held_on: datetime.date,
    kind: str,
    summary: str,
    follow_up: str = "",
    todo: TalkTodo | None = None,
) -> Talk:
    """Record a talk `officer` held with `member`; done from a to-do, it closes the to-do."""
    if todo is not None:
        todo = TalkTodo.objects.select_for_update().get(pk=todo.pk)
    branch = _check_talk(
        actor=actor, member=member, officer=officer, held_on=held_on, kind=kind, summary=summary, todo=todo
    )
    talk = Talk.objects.create(
        org=branch,
        officer=officer,
        member=member,
        held_on=held_on,
        kind=kind,
        summary=summary.strip(),
        follow_up=(follow_up or "").strip(),
        recorded_by=actor,
    )
    if todo is not None:
        todo.talk = talk
        todo.save(update_fields=["talk"])
    # The summary is confidential: the audit trail says that a talk was recorded, never what was said.
    audit.record(
        actor=actor,
        action="talk.record",
        obj=talk,
        org_path=branch.path,
        changes={"officer": officer.pk, "member": member.pk, "held_on": held_on, "kind": kind, "todo": todo},
    )
    return talk


@transaction.atomic(durable=True)
def talk_todo_cancel(*, actor: User, todo: TalkTodo, reason: str) -> TalkTodo:
    """Cancel an open to-do with a reason (the member left, the talk happened elsewhere …)."""
    todo = TalkTodo.objects.select_for_update(of=("self",)).select_related("org").get(pk=todo.pk)
    if not can_care_at(actor, todo.org):
        raise Forbidden(_("You may cancel to-dos only in organisations you look after."))
    if not todo.is_open:
        raise DomainError(_("This to-do is already done or cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the talk is no longer needed."), field="reason")
    todo.cancelled_reason = reason[:200]
    todo.save(update_fields=["cancelled_reason"])
    audit.record(actor=actor, action="talk_todo.cancel", obj=todo, org_path=todo.org.path, changes={"reason": reason})
    return todo


def _arrival_reason(membership: Membership) -> str | None:
    """Why the member's current membership calls for a talk, or None when it does not.

    A member moved between groups of one branch has not arrived anywhere. A first membership is a new
    member's when they joined the Party lately; otherwise it is a roster entry for someone long in the
    Party (the first load of the roster, which cannot be told from an arrival), and opens nothing.
    """
    previous = (
        Membership.objects.filter(member_id=membership.member_id, since__lte=membership.since)
        .exclude(pk=membership.pk)
        .select_related("org", "org__parent")
        .order_by("-since", "-pk")
        .first()
    )
    if previous is not None:
        if branch_of(previous.org) == branch_of(membership.org):
            return None
        return TodoReason.TRANSFERRED_IN
    if membership.member.joined_on >= membership.since - datetime.timedelta(days=rules.NEW_ARRIVAL_DAYS):
        return TodoReason.NEW_MEMBER
    return None


@transaction.atomic(durable=True)
def talk_todos_sync(*, today: datetime.date | None = None) -> int:
    """Open a required-talk to-do for each member who joined or transferred into a branch in the
    last `rules.NEW_ARRIVAL_DAYS` days; idempotent (one to-do per membership). The number opened."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=rules.NEW_ARRIVAL_DAYS)
    arrivals = (
        Membership.objects.current()
        .filter(since__gte=since, since__lte=today, member__org__isnull=False)
        .select_related("member", "member__org", "member__org__parent", "org", "org__parent")
        .order_by("since", "pk")
    )
    opened = 0
    system = None
    for membership in arrivals:
        reason = _arrival_reason(membership)
        if reason is None:
            continue
        key = f"membership:{membership.pk}"
        if TalkTodo.objects.filter(member=membership.member, reason=reason, source_key=key).exists():
            continue
        if reason == TodoReason.NEW_MEMBER:
            detail = _("Joined %(org)s on %(day)s") % {"org": membership.org.name, "day": membership.since.isoformat()}
        else:
            detail = _("Transferred into %(org)s on %(day)s") % {
                "org": membership.org.name,
                "day": membership.since.isoformat(),
            }
        system = system or system_actor()
        talk_todo_open(actor=system, member=membership.member, reason=reason, detail=detail, source_key=key)
        opened += 1
    return opened
