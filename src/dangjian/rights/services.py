"""Opinions and appeals: write one, answer it in writing, accept or withdraw an appeal, remind when overdue.

Anonymity (an anonymous opinion): the service still needs the actor to know where the opinion goes,
but writes nothing that leads back to them — no author, only the day, a random id, and an audit
event without actor and without the request's address and user agent.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.accounts.system import system_actor
from dangjian.core import audit
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.notices.services import notice_send
from dangjian.rights import rules, selectors
from dangjian.rights.models import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealStatus,
    Opinion,
    OpinionKind,
    OpinionStatus,
    OpinionTarget,
)
from dangjian.rights.registry import appealable_kind


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        raise DomainError(problems[0][1], field=problems[0][0], errors=errors)


def _member_of(actor: User) -> Member:
    """The actor's member record, in an organisation now: opinions and appeals go from there."""
    member = actor_member(actor)
    if member is None or member.org_id is None:
        raise DomainError(_("Your account is not linked to a member record of an organisation."))
    return member


# --- Opinions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpinionSubmitted:
    opinion: Opinion
    follow_up_code: str | None  # for an anonymous opinion: show it once; it is not stored


@transaction.atomic(durable=True)
def opinion_create(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str,
    anonymous: bool = False,
    target: str = OpinionTarget.BRANCH,
    today: datetime.date | None = None,
) -> OpinionSubmitted:
    """Send a suggestion (to the branch or the committee) or a criticism/report (one level above the branch)."""
    member = _member_of(actor)
    if kind not in OpinionKind.values:
        raise DomainError(_("Choose a suggestion or a criticism/report."), field="kind")
    if kind == OpinionKind.SUGGESTION and target not in OpinionTarget.values:
        raise DomainError(_("Choose whether it goes to your branch or to the Party committee."), field="target")
    _raise_problems(rules.text_problems(title=title, body=body))
    org = selectors.opinion_destination(member, kind, target)
    code = rules.new_follow_up_code() if anonymous else None
    opinion = Opinion.objects.create(
        kind=kind,
        org=org,
        author=None if anonymous else member,
        title=title.strip(),
        body=body.strip(),
        submitted_on=today or timezone.localdate(),
        follow_up_hash=rules.code_hash(code) if code else None,
    )
    changes = {"kind": kind, "org": org.pk, "anonymous": anonymous}
    if anonymous:
        # Neither the actor nor where the request came from: the event must not lead back to the writer.
        token = audit.set_origin(audit.RequestOrigin())
        try:
            audit.record(actor=None, action="opinion.create", obj=opinion, org_path=org.path, changes=changes)
        finally:
            audit.reset_origin(token)
    else:
        audit.record(actor=actor, action="opinion.create", obj=opinion, org_path=org.path, changes=changes)
    if kind == OpinionKind.SUGGESTION:
        title_text = _("A new suggestion to %(org)s: “%(title)s”") % {"org": org.name, "title": opinion.title}
    else:
        title_text = _("A new criticism or report to %(org)s: “%(title)s”") % {"org": org.name, "title": opinion.title}
    notice_send(
        recipients=selectors.receiving_officers(org),
        title=title_text,
        body=_("Read it and answer it in writing from its page."),
        url=reverse("rights:opinion-detail", args=[opinion.pk]),
    )
    return OpinionSubmitted(opinion=opinion, follow_up_code=code)


@transaction.atomic(durable=True)
def opinion_answer(*, actor: User, opinion: Opinion, answer: str) -> Opinion:
    """Answer an opinion in writing, once; a named author is told."""
    opinion = Opinion.objects.select_for_update(of=("self",)).select_related("org", "author__user").get(pk=opinion.pk)
    if not selectors.can_answer_opinion(actor, opinion):
        raise Forbidden(_("Only the officers of the receiving organisation may answer it."))
    if opinion.status != OpinionStatus.OPEN:
        raise Conflict(_("It has already been answered."))
    _raise_problems(rules.text_problems(body=answer, body_field="answer"))
    opinion.answer = answer.strip()
    opinion.status = OpinionStatus.ANSWERED
    opinion.answered_by = actor
    opinion.answered_at = timezone.now()
    opinion.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    audit.record(
        actor=actor, action="opinion.answer", obj=opinion, org_path=opinion.org.path, changes={"status": "answered"}
    )
    if opinion.author is not None:
        notice_send(
            recipients=[opinion.author.user],
            title=_("Your opinion “%(title)s” has been answered") % {"title": opinion.title},
            url=reverse("rights:opinion-detail", args=[opinion.pk]),
        )
    return opinion


# --- Appeals -----------------------------------------------------------------------------------


def _appeal_url(appeal: Appeal) -> str:
    return reverse("rights:appeal-detail", args=[appeal.pk])


@transaction.atomic(durable=True)
def appeal_create(
    *, actor: User, kind: str, object_id: int, reasons: str, today: datetime.date | None = None
) -> Appeal:
    """Appeal a decision about oneself; it goes to the organisation above the one that decided."""
    member = _member_of(actor)
    today = today or timezone.localdate()
    registered = appealable_kind(kind)
    if registered is None:
        raise DomainError(_("There is no such kind of decision to appeal."), field="decision")
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        raise DomainError(_("This decision does not exist."), field="decision")
    subject = registered.resolve(object_id)
    if subject is None:
        raise DomainError(_("This decision does not exist."), field="decision")
    if subject.member_id != member.pk:
        raise DomainError(_("You may appeal only a decision about yourself."), field="decision")
    if object_id not in {pk for pk, _subject in registered.choices_for(member.pk)}:
        raise DomainError(_("This decision cannot be appealed now."), field="decision")
    _raise_problems(rules.text_problems(body=reasons, body_field="reasons"))
    earlier = Appeal.objects.filter(appellant=member, kind=kind, object_id=object_id)
    if earlier.filter(status__in=OPEN_APPEAL_STATUSES).exists():
        raise Conflict(_("You already have an open appeal against this decision."), field="decision")
    org = selectors.appeal_destination(subject, earlier.filter(status=AppealStatus.ANSWERED).count())
    rule = selectors.appeal_deadline_rule()
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                appellant=member,
                kind=kind,
                object_id=object_id,
                decision=str(subject.description)[:200],
                decided_on=subject.decided_on,
                decision_url=subject.url[:300],
                decided_by=subject.org,
                org=org,
                reasons=reasons.strip(),
                submitted_on=today,
                due_on=rules.appeal_due_on(today, working_calendar(), rule.working_days),
            )
    except IntegrityError:  # the same appeal sent twice at once
        raise Conflict(_("You already have an open appeal against this decision."), field="decision") from None
    audit.record(
        actor=actor,
        action="appeal.create",
        obj=appeal,
        org_path=org.path,
        changes=audit.snapshot(appeal, ["kind", "object_id", "decided_by", "org", "due_on"]),
    )
    notice_send(
        recipients=selectors.receiving_officers(org),
        title=_("%(name)s appealed against “%(decision)s” to %(org)s: answer by %(due)s")
        % {"name": appeal.appellant.name, "decision": appeal.decision, "org": org.name, "due": appeal.due_on},
        body=_("Accept the appeal, then answer it in writing by %(due)s.") % {"due": appeal.due_on},
        url=_appeal_url(appeal),
    )
    return appeal


def _locked_appeal(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("org", "appellant__user").get(pk=appeal.pk)


def _check_handler(actor: User, appeal: Appeal) -> None:
    if not selectors.can_handle_appeal(actor, appeal):
        raise Forbidden(_("Only the officers of the receiving organisation may handle this appeal."))


def _check_open(appeal: Appeal) -> None:
    if not appeal.is_open:
        raise Conflict(_("This appeal is closed: it has been answered or withdrawn."))


@transaction.atomic(durable=True)
def appeal_accept(*, actor: User, appeal: Appeal) -> Appeal:
    """Record that the receiving organisation has taken the appeal up (受理); the deadline stays."""
    appeal = _locked_appeal(appeal)
    _check_handler(actor, appeal)
    _check_open(appeal)
    if appeal.status == AppealStatus.ACCEPTED:
        raise Conflict(_("This appeal has already been accepted."))
    appeal.status = AppealStatus.ACCEPTED
    appeal.accepted_at = timezone.now()
    appeal.accepted_by = actor
    appeal.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    audit.record(
        actor=actor, action="appeal.accept", obj=appeal, org_path=appeal.org.path, changes={"status": "accepted"}
    )
    notice_send(
        recipients=[appeal.appellant.user],
        title=_("Your appeal against “%(decision)s” has been accepted by %(org)s")
        % {"decision": appeal.decision, "org": appeal.org.name},
        body=_("It will be answered in writing by %(due)s.") % {"due": appeal.due_on},
        url=_appeal_url(appeal),
    )
    return appeal


@transaction.atomic(durable=True)
def appeal_answer(*, actor: User, appeal: Appeal, answer: str) -> Appeal:
    """Answer an open appeal in writing; the appellant is told."""
    appeal = _locked_appeal(appeal)
    _check_handler(actor, appeal)
    _check_open(appeal)
    _raise_problems(rules.text_problems(body=answer, body_field="answer"))
    before = appeal.status
    appeal.status = AppealStatus.ANSWERED
    appeal.answer = answer.strip()
    appeal.answered_at = timezone.now()
    appeal.answered_by = actor
    appeal.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    audit.record(
        actor=actor,
        action="appeal.answer",
        obj=appeal,
        org_path=appeal.org.path,
        changes={"status": [before, "answered"]},
    )
    notice_send(
        recipients=[appeal.appellant.user],
        title=_("Your appeal against “%(decision)s” has been answered by %(org)s")
        % {"decision": appeal.decision, "org": appeal.org.name},
        body=_("Read the written answer on the appeal's page."),
        url=_appeal_url(appeal),
    )
    return appeal


@transaction.atomic(durable=True)
def appeal_withdraw(*, actor: User, appeal: Appeal) -> Appeal:
    """The appellant withdraws their open appeal."""
    appeal = _locked_appeal(appeal)
    if appeal.appellant_id != scope_for(actor).member_id:
        raise Forbidden(_("Only the appellant may withdraw an appeal."))
    _check_open(appeal)
    before = appeal.status
    appeal.status = AppealStatus.WITHDRAWN
    appeal.withdrawn_at = timezone.now()
    appeal.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit.record(
        actor=actor,
        action="appeal.withdraw",
        obj=appeal,
        org_path=appeal.org.path,
        changes={"status": [before, "withdrawn"]},
    )
    notice_send(
        recipients=selectors.receiving_officers(appeal.org),
        title=_("%(name)s withdrew the appeal against “%(decision)s”")
        % {"name": appeal.appellant.name, "decision": appeal.decision},
        body=_("Nothing more needs to be done about it."),
        url=_appeal_url(appeal),
    )
    return appeal


@transaction.atomic(durable=True)
def appeals_remind_overdue(*, today: datetime.date | None = None) -> int:
    """Tell the receiving officers of each overdue open appeal, once a day at most; how many were reminded."""
    today = today or timezone.localdate()
    due = list(
        Appeal.objects.overdue(today)
        .exclude(reminded_on__gte=today)
        .select_related("org")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    system = system_actor() if due else None
    for appeal in due:
        notice_send(
            recipients=selectors.receiving_officers(appeal.org),
            title=_("An appeal against “%(decision)s” is overdue: the answer was due on %(due)s")
            % {"decision": appeal.decision, "due": appeal.due_on},
            body=_("%(name)s is waiting for the written answer.") % {"name": appeal.appellant.name},
            url=_appeal_url(appeal),
        )
        appeal.reminded_on = today
        appeal.save(update_fields=["reminded_on", "updated_at"])
        audit.record(actor=system, action="appeal.remind_overdue", obj=appeal, org_path=appeal.org.path)
    return len(due)
