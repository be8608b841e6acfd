"""A need's life: submitted by the member, accepted, worked on, answered, confirmed and rated (or
reopened) — with deadlines in working days and escalation to the organisation above when one passes.

Every step is written to the need's own history (`NeedEvent`, which the member reads) and to the
audit trail. The audit trail never carries the need's text. A notice names the need by its subject and
says what happened only to those who may read the need in full (its member, the branch officers who
handle it); the organisation above, told of an overdue need, reads its category and dates only.
"""

import datetime
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.system import system_actor
from dangjian.care import files, rules
from dangjian.care.models import (
    Need,
    NeedAttachment,
    NeedCategory,
    NeedEvent,
    NeedEventKind,
    NeedState,
    NeedVisibility,
    TodoReason,
)
from dangjian.care.selectors.common import CARE_ROLES, branch_secretary, member_branch, officer_accounts
from dangjian.care.selectors.needs import can_handle_need
from dangjian.care.selectors.settings import effective_care_settings
from dangjian.care.services.talks import talk_todo_open
from dangjian.core import audit
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.notices.services import notice_send
from dangjian.orgs.models import OfficerTerm

MAX_TITLE = 80
MAX_TEXT = 5000


def _url(need: Need) -> str:
    return reverse("care:need-detail", kwargs={"pk": need.pk})


def _named(need: Need) -> dict[str, str]:
    """What a notice names the need by, for those who may read it: its subject and category."""
    return {"subject": need.title, "category": str(need.get_category_display())}


def _event(need: Need, kind: str, by: User | None, text: str = "", **data: object) -> NeedEvent:
    """A step in the need's own history, which its member reads: who took it, or None for the platform's
    own steps (escalation), which the history shows as the platform's (the audit names the system actor)."""
    return NeedEvent.objects.create(
        need=need,
        kind=kind,
        actor=by,
        actor_name=(by.display_name or by.username) if by is not None else "",
        state=need.state,
        text=text,
        data={key: audit._plain(value) for key, value in data.items()},
    )


def _audit(actor: User, action: str, need: Need, **changes: object) -> None:
    audit.record(
        actor=actor, action=action, obj=need, org_path=need.org.path, changes=changes, object_repr=f"#{need.pk}"
    )


def _transition(need: Need, action: str) -> str:
    try:
        return rules.next_state(need.state, action)
    except rules.TransitionRefused as exc:
        raise DomainError(exc.message) from None


def _lock(need: Need) -> Need:
    locked = Need.objects.select_for_update(of=("self",)).select_related("org", "member", "handler").get(pk=need.pk)
    locked.access = getattr(need, "access", None)
    return locked


def _require_handler(actor: User, need: Need) -> None:
    if not can_handle_need(actor, need):
        raise Forbidden(_("You may handle only the needs of members you look after, and not your own."))


def _require_owner(actor: User, need: Need) -> None:
    member = actor_member(actor)
    if member is None or member.pk != need.member_id:
        raise Forbidden(_("Only the member who raised the need may do this."))


def _clean_text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > MAX_TEXT:
        raise DomainError(_("At most %(count)s characters.") % {"count": MAX_TEXT}, field=field)
    return value


def handler_accounts(need: Need) -> list[User]:
    """Who is told about a new need: the delegated officer, else the branch's own care officers and secretary."""
    handler = need.handler if need.handler_id else None
    if handler is not None and handler.user is not None:
        return [handler.user]
    on = timezone.localdate()
    users = list(
        User.objects.filter(
            pk__in=RoleGrant.objects.current(on).filter(org=need.org, role__in=CARE_ROLES).values("user_id"),
            is_active=True,
        ).order_by("pk")
    )
    secretary = branch_secretary(need.org, on)
    if secretary is not None and secretary.user is not None:
        users.append(secretary.user)
    return [user for user in users if getattr(getattr(user, "member", None), "pk", None) != need.member_id]


# ---------------------------------------------------------------------------------------------
# Attachments


def _check_files(uploads: list[UploadedFile], already: int = 0) -> list[tuple[UploadedFile, str]]:
    if already + len(uploads) > files.MAX_ATTACHMENTS:
        raise DomainError(
            _("A need can have at most %(count)s attachments.") % {"count": files.MAX_ATTACHMENTS}, field="files"
        )
    checked = []
    for upload in uploads:
        if (upload.size or 0) > files.MAX_ATTACHMENT_BYTES:
            raise DomainError(
                _("%(name)s is larger than %(size)s MB.")
                % {"name": upload.name, "size": files.MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                field="files",
            )
        kind = files.sniff(cast(BinaryIO, upload))  # an upload reads as a binary file
        if kind is None:
            raise DomainError(
                _("%(name)s is not a file type we accept: attach a photo, a PDF, a Word, Excel or text file.")
                % {"name": upload.name},
                field="files",
            )
        checked.append((upload, kind))
    return checked


def _save_files(need: Need, checked: list[tuple[UploadedFile, str]]) -> list[NeedAttachment]:
    saved = []
    for upload, kind in checked:
        extension, content_type = files.KINDS[kind]
        name = Path(upload.name or "").name[:120] or f"attachment{extension}"
        attachment = NeedAttachment(
            need=need,
            token=secrets.token_hex(16),
            extension=extension,
            name=name,
            content_type=content_type,
            size=upload.size or 0,
        )
        attachment.file.save("upload", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def _discard_files(attachments: list[NeedAttachment]) -> None:
    """Remove stored files whose rows are about to be rolled back."""
    for attachment in attachments:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


# ---------------------------------------------------------------------------------------------
# The member's steps


@transaction.atomic(durable=True)
def need_submit(
    *,
    actor: User,
    category: str,
    title: str,
    description: str,
    visibility: str = NeedVisibility.SECRETARY,
    uploads: Iterable[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Need:
    """The member raises a need with their branch; the branch's officers are told."""
    member = actor_member(actor)
    if member is None:
        raise Forbidden(_("Only a member can raise a need."))
    branch = member_branch(member)
    if branch is None:
        raise DomainError(_("You do not belong to any organisation now, so there is no branch to raise a need with."))
    errors: dict[str, str] = {}
    if category not in NeedCategory.values:
        errors["category"] = _("Choose a category.")
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the need a short subject.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The subject can be at most %(count)s characters.") % {"count": MAX_TITLE}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe what you need.")
    elif len(description) > MAX_TEXT:
        errors["description"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if visibility not in NeedVisibility.values:
        errors["visibility"] = _("Choose who may read the need.")
    raise_for_errors(errors)
    checked = _check_files(list(uploads))
    today = today or timezone.localdate()
    accept_due, answer_due = rules.need_due_dates(working_calendar(), today, effective_care_settings(branch).deadlines)
    need = Need.objects.create(
        member=member,
        org=branch,
        category=category,
        title=title,
        description=description,
        visibility=visibility,
        submitted_on=today,
        accept_due=accept_due,
        answer_due=answer_due,
    )
    attachments = _save_files(need, checked)
    try:
        _event(need, NeedEventKind.SUBMITTED, actor, accept_due=accept_due, answer_due=answer_due)
        _audit(
            actor,
            "need.submit",
            need,
            category=category,
            visibility=visibility,
            attachments=len(attachments),
            accept_due=accept_due,
            answer_due=answer_due,
        )
    except Exception:
        _discard_files(attachments)
        raise
    notice_send(
        recipients=handler_accounts(need),
        title=_("%(name)s raised a need: “%(subject)s” (%(category)s)") % (_named(need) | {"name": member.name}),
        body=_("Please accept it by %(day)s.") % {"day": accept_due.isoformat()},
        url=_url(need),
    )
    return need


@transaction.atomic(durable=True)
def need_attachment_add(*, actor: User, need: Need, uploads: Iterable[UploadedFile]) -> list[NeedAttachment]:
    """The member adds files to their need while it is not closed."""
    need = _lock(need)
    _require_owner(actor, need)
    if need.state == NeedState.CLOSED:
        raise DomainError(_("A closed need takes no more attachments."), field="files")
    uploads = list(uploads)
    if not uploads:
        raise DomainError(_("Choose a file to attach."), field="files")
    checked = _check_files(uploads, already=need.attachments.count())
    attachments = _save_files(need, checked)
    try:
        _event(need, NeedEventKind.NOTE, actor, files=[a.name for a in attachments])
        _audit(actor, "need.attach", need, attachments=[a.pk for a in attachments])
    except Exception:
        _discard_files(attachments)
        raise
    return attachments


@transaction.atomic(durable=True)
def need_confirm(*, actor: User, need: Need, rating: int, comment: str = "") -> Need:
    """The member confirms the answer and rates it from 1 to 5; the need is closed."""
    need = _lock(need)
    _require_owner(actor, need)
    state = _transition(need, "confirm")
    if not rules.rating_is_valid(rating):
        raise DomainError(
            _("Rate the answer from %(low)s to %(high)s.") % {"low": rules.MIN_RATING, "high": rules.MAX_RATING},
            field="rating",
        )
    comment = (comment or "").strip()[:MAX_TEXT]
    need.state, need.rating, need.closed_on = state, rating, timezone.localdate()
    need.save(update_fields=["state", "rating", "closed_on", "updated_at"])
    _event(need, NeedEventKind.CONFIRMED, actor, comment, rating=rating)
    _audit(actor, "need.confirm", need, rating=rating)
    return need


@transaction.atomic(durable=True)
def need_reopen(*, actor: User, need: Need, reason: str, today: datetime.date | None = None) -> Need:
    """The member is not satisfied: the need goes back to the branch with a fresh answer deadline."""
    need = _lock(need)
    _require_owner(actor, need)
    state = _transition(need, "reopen")
    reason = _clean_text(reason, "reason", _("Say why the answer does not settle your need."))
    today = today or timezone.localdate()
    need.state = state
    need.answered_on = None
    need.answer_due = rules.reopened_answer_due(working_calendar(), today, effective_care_settings(need.org).deadlines)
    need.save(update_fields=["state", "answered_on", "answer_due", "updated_at"])
    _event(need, NeedEventKind.REOPENED, actor, reason, answer_due=need.answer_due)
    _audit(actor, "need.reopen", need, answer_due=need.answer_due)
    notice_send(
        recipients=handler_accounts(need),
        title=_("%(name)s reopened the need “%(subject)s” (%(category)s)")
        % (_named(need) | {"name": need.member.name}),
        body=_("Reason: %(reason)s\nPlease answer it again by %(day)s.")
        % {"reason": reason, "day": need.answer_due.isoformat()},
        url=_url(need),
    )
    return need


@transaction.atomic(durable=True)
def need_widen(*, actor: User, need: Need) -> Need:
    """The member lets the committee read the need in full (it cannot be narrowed again)."""
    need = _lock(need)
    _require_owner(actor, need)
    _transition(need, "widen")
    if need.visibility == NeedVisibility.COMMITTEE:
        raise DomainError(_("The committee can already read this need."))
    need.visibility = NeedVisibility.COMMITTEE
    need.save(update_fields=["visibility", "updated_at"])
    _event(need, NeedEventKind.WIDENED, actor)
    _audit(actor, "need.widen", need, visibility=[NeedVisibility.SECRETARY, NeedVisibility.COMMITTEE])
    return need


# ---------------------------------------------------------------------------------------------
# The officer's steps


@transaction.atomic(durable=True)
def need_accept(*, actor: User, need: Need, today: datetime.date | None = None) -> Need:
    """The branch takes the need on; the member is told."""
    need = _lock(need)
    _require_handler(actor, need)
    need.state = _transition(need, "accept")
    need.accepted_on = today or timezone.localdate()
    need.save(update_fields=["state", "accepted_on", "updated_at"])
    _event(need, NeedEventKind.ACCEPTED, actor, answer_due=need.answer_due)
    _audit(actor, "need.accept", need, accepted_on=need.accepted_on)
    notice_send(
        recipients=[need.member.user],
        title=_("Your need “%(subject)s” has been accepted by %(branch)s") % (_named(need) | {"branch": need.org.name}),
        body=_("%(name)s took it on; the branch will answer it by %(day)s.")
        % {"name": actor.display_name or actor.username, "day": need.answer_due.isoformat()},
        url=_url(need),
    )
    return need


def is_delegable_officer(officer: Member, need: Need) -> bool:
    """An officer of the need's branch: holds an office there, or a care role bound there."""
    on = timezone.localdate()
    if OfficerTerm.objects.current(on).filter(org=need.org, member=officer).exists():
        return True
    return bool(
        officer.user_id
        and RoleGrant.objects.current(on).filter(org=need.org, user_id=officer.user_id, role__in=CARE_ROLES).exists()
    )


@transaction.atomic(durable=True)
def need_assign(*, actor: User, need: Need, officer: Member) -> Need:
    """Delegate the need to another officer of its branch, who is told."""
    need = _lock(need)
    _require_handler(actor, need)
    _transition(need, "assign")
    if officer.pk == need.member_id:
        raise DomainError(_("A need cannot be delegated to the member who raised it."), field="officer")
    if not is_delegable_officer(officer, need):
        raise DomainError(
            _("%(name)s is not an officer of %(branch)s.") % {"name": officer.name, "branch": need.org.name},
            field="officer",
        )
    if officer.user is None or not officer.user.is_active:
        raise DomainError(
            _("%(name)s has no account to handle the need with.") % {"name": officer.name}, field="officer"
        )
    if need.handler_id == officer.pk:
        raise DomainError(_("The need is already delegated to %(name)s.") % {"name": officer.name}, field="officer")
    before = need.handler_id
    need.handler = officer
    need.save(update_fields=["handler", "updated_at"])
    _event(need, NeedEventKind.ASSIGNED, actor, officer=officer.name)
    _audit(actor, "need.assign", need, handler=[before, officer.pk])
    notice_send(
        recipients=[officer.user],
        title=_("A need was delegated to you: “%(subject)s” (%(category)s)") % _named(need),
        body=_("Answer it by %(day)s.") % {"day": need.answer_due.isoformat()},
        url=_url(need),
    )
    return need


@transaction.atomic(durable=True)
def need_note(*, actor: User, need: Need, text: str) -> Need:
    """A progress note for the member; the need is then in progress."""
    need = _lock(need)
    _require_handler(actor, need)
    state = _transition(need, "note")
    text = _clean_text(text, "text", _("Write the progress note."))
    need.state = state
    need.save(update_fields=["state", "updated_at"])
    _event(need, NeedEventKind.NOTE, actor, text)
    _audit(actor, "need.note", need)
    notice_send(
        recipients=[need.member.user],
        title=_("Progress on your need “%(subject)s”: a note from %(name)s")
        % (_named(need) | {"name": actor.display_name or actor.username}),
        body=text,
        url=_url(need),
    )
    return need


@transaction.atomic(durable=True)
def need_answer(*, actor: User, need: Need, answer: str, today: datetime.date | None = None) -> Need:
    """The branch answers; the member confirms and rates it, or reopens it."""
    need = _lock(need)
    _require_handler(actor, need)
    state = _transition(need, "answer")
    answer = _clean_text(answer, "answer", _("Write the answer."))
    need.state, need.answer, need.answered_on = state, answer, today or timezone.localdate()
    need.save(update_fields=["state", "answer", "answered_on", "updated_at"])
    _event(need, NeedEventKind.ANSWERED, actor, answer)
    _audit(actor, "need.answer", need, answered_on=need.answered_on)
    notice_send(
        recipients=[need.member.user],
        title=_("Your need “%(subject)s” has been answered by %(branch)s") % (_named(need) | {"branch": need.org.name}),
        body=_("Please read the answer, then confirm and rate it, or reopen the need."),
        url=_url(need),
    )
    return need


@transaction.atomic(durable=True)
def need_mark_hardship(*, actor: User, need: Need) -> Need:
    """The handling officer marks the need as a hardship: a required talk with the member is opened."""
    need = _lock(need)
    _require_handler(actor, need)
    _transition(need, "hardship")
    if need.hardship:
        raise DomainError(_("The need is already marked as a hardship."))
    need.hardship = True
    need.save(update_fields=["hardship", "updated_at"])
    todo = talk_todo_open(
        actor=actor,
        member=need.member,
        reason=TodoReason.HARDSHIP_NEED,
        # Not the need's text: the to-do list is read by the branch's officers.
        detail=_("A hardship need (%(category)s) raised on %(day)s")
        % {"category": need.get_category_display(), "day": need.submitted_on.isoformat()},
        source_key=f"need:{need.pk}",
    )
    _event(need, NeedEventKind.HARDSHIP, actor, todo=todo.pk)
    _audit(actor, "need.hardship", need, hardship=[False, True], todo=todo.pk)
    return need


# ---------------------------------------------------------------------------------------------
# Escalation (the daily job)


def _escalate_one(need_id: int, today: datetime.date, system: User) -> bool:
    with transaction.atomic():
        need = (
            Need.objects.select_for_update(of=("self",)).select_related("org", "org__parent", "member").get(pk=need_id)
        )
        due = need.due()
        if due is None or today <= due:
            return False
        stage = "accept" if need.state == NeedState.SUBMITTED else "answer"
        key = f"{stage}:{due.isoformat()}"
        if need.escalation_key == key:
            return False
        upper = need.org.parent
        need.escalation_key = key
        need.escalated_to = upper or need.escalated_to
        need.escalated_on = today
        need.save(update_fields=["escalation_key", "escalated_to", "escalated_on", "updated_at"])
        _event(need, NeedEventKind.ESCALATED, None, stage=stage, due=due, to=upper.name if upper else "")
        _audit(system, "need.escalate", need, stage=stage, due=due, escalated_to=upper)
        facts = {
            "branch": need.org.name,
            "category": need.get_category_display(),
            "submitted": need.submitted_on.isoformat(),
            "due": due.isoformat(),
        }
        if upper is not None:
            # The outline only: a need for the branch secretary's eyes keeps its text there.
            notice_send(
                recipients=[u for u in officer_accounts(upper, today) if getattr(u, "member", None) != need.member],
                title=_("A need at %(branch)s is overdue (%(category)s, due %(due)s)") % facts,
                body=_("A need (%(category)s) submitted on %(submitted)s was due on %(due)s and is overdue.") % facts,
                url=_url(need),
            )
        if need.visibility == NeedVisibility.SECRETARY:
            body = (
                _(
                    "Your need was due on %(due)s and has been reported to the organisation above. It sees only that "
                    "the need is overdue, not what you wrote; you can let the committee read it from the need's page."
                )
                % facts
            )
        else:
            body = _("Your need was due on %(due)s and has been reported to the organisation above.") % facts
        notice_send(
            recipients=[need.member.user],
            title=(
                _("Your need “%(subject)s” is overdue and has been reported to %(upper)s")
                % (_named(need) | {"upper": upper.name})
                if upper is not None
                else _("Your need “%(subject)s” is overdue") % _named(need)
            ),
            body=body,
            url=_url(need),
        )
        return True


def need_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate every need past its deadline to the organisation above its branch, once per missed
    deadline; the number escalated now. Safe to run again the same day or the next."""
    today = today or timezone.localdate()
    ids = list(Need.objects.open().overdue(today).order_by("pk").values_list("pk", flat=True))
    system = system_actor()
    return sum(_escalate_one(need_id, today, system) for need_id in ids)
