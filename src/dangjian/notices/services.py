"""Writing notices (sent as part of another action, read by their recipient), announcements
(通知公告: published by officers to their subtree, read and confirmed by members) and the daily
e-mail digest a person may ask for.

Publishing, changing, withdrawing and confirming an announcement are audited. Reading is not:
whether someone has read a message is nobody else's business (officers see counts only).
"""

import datetime
import logging
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, NotFound, raise_for_errors
from dangjian.core.files import FileRefused, ReadLimits, check_archive, image_extension, is_pdf, is_zip
from dangjian.core.unset import UNSET, Unset, given
from dangjian.members.audience import Audience
from dangjian.members.models import Member
from dangjian.notices import rules, selectors
from dangjian.notices.inbox import ToDo, inbox_for, inbox_rows
from dangjian.notices.models import Announcement, AnnouncementAttachment, AnnouncementRead, DigestPreference, Notice
from dangjian.notices.selectors import notice_list
from dangjian.orgs.models import Organisation, OrgKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    todos: list[ToDo]
    notices: list[Notice]
    unread: int

    @property
    def is_empty(self) -> bool:
        return not self.todos and not self.unread


def notice_send(
    *, recipients: Iterable[User | None], title: str, body: str = "", url: str = "", key: str = ""
) -> list[Notice]:
    """Leave one notice per distinct account (accounts that are None or inactive are skipped).

    With a `key` (what the notice is about, e.g. a reminder's object and period), an account that already
    has a notice with that key gets none: a job that runs twice sends nothing new. Returns the notices sent.

    Runs in the caller's transaction: the notice exists exactly when the action that sent it does.
    It is not audited by itself; the action that sends it is.
    """
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    key = key[:120]
    if key and users:
        already = set(Notice.objects.filter(key=key, recipient__in=users).values_list("recipient_id", flat=True))
        users = [user for user in users if user.pk not in already]
    notices = [
        Notice(recipient=user, title=str(title)[:200], body=str(body), url=url[:300], key=key or None) for user in users
    ]
    return Notice.objects.bulk_create(notices)


def notice_mark_read(*, actor: User, notice_id: int | None = None) -> int:
    """Mark one of the actor's notices (or all of them, without an id) as read; the number marked.

    Not audited: whether someone has read their own messages is nobody else's business.
    """
    notices = Notice.objects.filter(recipient=actor).unread()
    if notice_id is not None:
        if not Notice.objects.filter(recipient=actor, pk=notice_id).exists():
            raise NotFound()
        notices = notices.filter(pk=notice_id)
    return notices.update(read_at=timezone.now())


# --- Announcements ---------------------------------------------------------------------------------

FIELDS = ["org_id", "title", "audience", "pinned", "requires_confirmation", "expires_on"]

# kind → (extension, content type): what an announcement may carry, judged by the file's content.
KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "jpg": (".jpg", "image/jpeg"),
    "png": (".png", "image/png"),
    "webp": (".webp", "image/webp"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
_OFFICE_FOLDERS = {"word": "docx", "xl": "xlsx", "ppt": "pptx"}
_IMAGES = frozenset({"JPEG", "PNG", "WEBP"})


def attachment_kind(upload: BinaryIO) -> str | None:
    """A key of `KINDS` read from the file's content (never its name), or None for anything else.
    An Office file is checked as a zip first (`core.files.check_archive`): a packed bomb is refused."""
    if is_pdf(upload):
        return "pdf"
    if is_zip(upload):
        try:
            check_archive(upload, ReadLimits.from_settings())
            with zipfile.ZipFile(upload) as archive:
                folders = {name.split("/", 1)[0] for name in archive.namelist() if "/" in name}
        except (FileRefused, zipfile.BadZipFile, EOFError, ValueError):
            return None
        finally:
            upload.seek(0)
        return next((kind for folder, kind in _OFFICE_FOLDERS.items() if folder in folders), None)
    return image_extension(upload, _IMAGES)


def _check_files(uploads: list[UploadedFile], already: int = 0) -> list[tuple[UploadedFile, str]]:
    if already + len(uploads) > rules.MAX_ATTACHMENTS:
        raise DomainError(
            _("An announcement can have at most %(count)s attachments.") % {"count": rules.MAX_ATTACHMENTS},
            field="files",
        )
    checked = []
    for upload in uploads:
        if (upload.size or 0) > rules.MAX_ATTACHMENT_BYTES:
            raise DomainError(
                _("%(name)s is larger than %(size)s MB.")
                % {"name": upload.name, "size": rules.MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                field="files",
            )
        kind = attachment_kind(cast(BinaryIO, upload))
        if kind is None:
            raise DomainError(
                _("%(name)s is not a file type we accept: attach a PDF, a photo, or a Word, Excel or PowerPoint file.")
                % {"name": upload.name},
                field="files",
            )
        checked.append((upload, kind))
    return checked


def _save_files(announcement: Announcement, checked: list[tuple[UploadedFile, str]]) -> list[AnnouncementAttachment]:
    saved = []
    for upload, kind in checked:
        extension, content_type = KINDS[kind]
        name = Path(upload.name or "").name[:120] or f"attachment{extension}"
        attachment = AnnouncementAttachment(
            announcement=announcement,
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


def _discard_files(names: Iterable[str | None], storage: Storage) -> None:
    for name in names:
        if name:
            storage.delete(name)


def _check_fields(fields: dict, today: datetime.date, *, kept_expiry: datetime.date | None = None) -> dict:
    """The fields cleaned, or a DomainError naming every problem. A last day equal to `kept_expiry` (the
    one already set, perhaps passed by now) is not checked again: an expired announcement stays editable."""
    errors: dict[str, str] = {}
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            errors["title"] = _("Give the announcement a title.")
        elif len(fields["title"]) > rules.MAX_TITLE:
            errors["title"] = _("The title can be at most %(count)s characters.") % {"count": rules.MAX_TITLE}
    if "body" in fields:
        fields["body"] = (fields["body"] or "").strip()
        if not fields["body"]:
            errors["body"] = _("Write the text of the announcement.")
        elif len(fields["body"]) > rules.MAX_BODY:
            errors["body"] = _("At most %(count)s characters.") % {"count": rules.MAX_BODY}
    if "audience" in fields and fields["audience"] not in Audience.values:
        errors["audience"] = _("Choose who the announcement is for.")
    if "expires_on" in fields and fields["expires_on"] != kept_expiry:
        problem = rules.expiry_error(fields["expires_on"], today)
        if problem == "past":
            errors["expires_on"] = _("The last day cannot be in the past.")
        elif problem == "far":
            errors["expires_on"] = _("The last day can be at most a year ahead.")
    for flag in ("pinned", "requires_confirmation"):
        if flag in fields:
            fields[flag] = bool(fields[flag])
    raise_for_errors(errors)
    return fields


def _check_publish(actor: User, org: Organisation) -> None:
    if not scope_for(actor).allows(selectors.PUBLISH_PERM, org.path):
        raise NotFound(field="org")
    if org.kind == OrgKind.GROUP or org.dissolved_on is not None:
        raise DomainError(_("Choose a committee or branch to publish for."), field="org")


def _audit(actor: User, action: str, announcement: Announcement, **changes: object) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=announcement,
        org_path=announcement.org.path,
        object_repr=announcement.title,
        changes=changes or None,
    )


@transaction.atomic(durable=True)
def announcement_create(
    *,
    actor: User,
    org: Organisation,
    title: str,
    body: str,
    audience: str = Audience.ALL,
    pinned: bool = False,
    requires_confirmation: bool = False,
    expires_on: datetime.date | None = None,
    uploads: Iterable[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Announcement:
    """An officer publishes an announcement for an organisation of their scope, to its whole subtree."""
    _check_publish(actor, org)
    today = today or timezone.localdate()
    fields = _check_fields(
        {
            "title": title,
            "body": body,
            "audience": audience,
            "pinned": pinned,
            "requires_confirmation": requires_confirmation,
            "expires_on": expires_on,
        },
        today,
    )
    checked = _check_files(list(uploads))
    announcement = Announcement.objects.create(org=org, author=actor, **fields)
    attachments = _save_files(announcement, checked)
    try:
        _audit(
            actor,
            "announcement.publish",
            announcement,
            **audit.snapshot(announcement, FIELDS),
            attachments=[a.name for a in attachments],
        )
    except Exception:
        _discard_files([a.file.name for a in attachments], AnnouncementAttachment.file.field.storage)
        raise
    return announcement


def _lock(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update().select_related("org").get(pk=announcement.pk)


@transaction.atomic(durable=True)
def announcement_update(
    *,
    actor: User,
    announcement: Announcement,
    title: str | Unset = UNSET,
    body: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    pinned: bool | Unset = UNSET,
    requires_confirmation: bool | Unset = UNSET,
    expires_on: datetime.date | None | Unset = UNSET,
    uploads: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[int] = (),
    today: datetime.date | None = None,
) -> Announcement:
    """Change what is given of a published announcement, add files and remove some; not once withdrawn."""
    announcement = _lock(announcement)
    if not selectors.can_manage(actor, announcement):
        raise NotFound()
    if announcement.is_withdrawn:
        raise DomainError(_("A withdrawn announcement can no longer be changed."))
    today = today or timezone.localdate()
    fields = _check_fields(
        given(
            title=title,
            body=body,
            audience=audience,
            pinned=pinned,
            requires_confirmation=requires_confirmation,
            expires_on=expires_on,
        ),
        today,
        kept_expiry=announcement.expires_on,
    )
    before = audit.snapshot(announcement, FIELDS)
    body_changed = "body" in fields and fields["body"] != announcement.body
    removing = list(announcement.attachments.filter(pk__in=list(remove_attachments)))
    uploads = list(uploads)
    checked = _check_files(uploads, already=announcement.attachments.count() - len(removing))
    for name, value in fields.items():
        setattr(announcement, name, value)
    announcement.save()
    attachments = _save_files(announcement, checked)
    try:
        changes = audit.diff(before, audit.snapshot(announcement, FIELDS))
        if body_changed:
            changes["body"] = _("changed")
        if attachments:
            changes["attachments_added"] = [a.name for a in attachments]
        if removing:
            changes["attachments_removed"] = [a.name for a in removing]
        removed_files = [a.file.name for a in removing]
        AnnouncementAttachment.objects.filter(pk__in=[a.pk for a in removing]).delete()
        if changes:
            _audit(actor, "announcement.update", announcement, **changes)
    except Exception:
        _discard_files([a.file.name for a in attachments], AnnouncementAttachment.file.field.storage)
        raise
    storage = AnnouncementAttachment.file.field.storage
    transaction.on_commit(lambda: _discard_files(removed_files, storage))
    return announcement


@transaction.atomic(durable=True)
def announcement_withdraw(*, actor: User, announcement: Announcement) -> Announcement:
    """Take an announcement back: members no longer see it, officers still do (marked withdrawn)."""
    announcement = _lock(announcement)
    if not selectors.can_manage(actor, announcement):
        raise NotFound()
    if announcement.is_withdrawn:
        raise DomainError(_("The announcement has already been withdrawn."))
    announcement.withdrawn_at = timezone.now()
    announcement.save(update_fields=["withdrawn_at", "updated_at"])
    _audit(actor, "announcement.withdraw", announcement)
    return announcement


def announcement_mark_read(*, actor: User, announcement: Announcement) -> AnnouncementRead | None:
    """Record that the actor has read an announcement addressed to them (once; later reads change
    nothing). None when it does not address them (an officer looking at their branch's notice).

    Not audited: whether someone has read a notice is nobody else's business.
    """
    if not selectors.is_addressed_to(actor, announcement):
        return None
    read = AnnouncementRead.objects.filter(announcement=announcement, user=actor).first()
    if read is not None:
        return read
    try:
        with transaction.atomic():
            return AnnouncementRead.objects.create(announcement=announcement, user=actor)
    except IntegrityError:  # read twice at once: the first one counts
        return AnnouncementRead.objects.get(announcement=announcement, user=actor)


@transaction.atomic(durable=True)
def announcement_confirm(
    *, actor: User, announcement: Announcement, today: datetime.date | None = None
) -> AnnouncementRead:
    """The member confirms an announcement that asks for it (确认收到); confirming again changes nothing."""
    today = today or timezone.localdate()
    announcement = Announcement.objects.select_related("org").get(pk=announcement.pk)  # as it is now
    if not selectors.is_addressed_to(actor, announcement, today):
        raise DomainError(_("This announcement is not addressed to you, so there is nothing to confirm."))
    if not announcement.requires_confirmation:
        raise DomainError(_("This announcement does not ask for confirmation."))
    if not announcement.is_live(today):
        raise DomainError(_("This announcement has been withdrawn or has expired."))
    now = timezone.now()
    read, _created = AnnouncementRead.objects.select_for_update().get_or_create(
        announcement=announcement, user=actor, defaults={"read_at": now}
    )
    if read.confirmed_at is None:
        read.confirmed_at = max(now, read.read_at)
        read.save(update_fields=["confirmed_at"])
        _audit(actor, "announcement.confirm", announcement)
    return read


# --- The daily e-mail digest ---------------------------------------------------------------------------


def _masked(email: str) -> str:
    """An address as the audit log keeps it: the first letter of the name and the domain (z***@example.com)."""
    name, at, domain = email.partition("@")
    return f"{name[:1]}***{at}{domain}" if email else ""


def _org_path(actor: User) -> str:
    member = Member.objects.filter(user=actor).select_related("org").first()
    return member.org.path if member is not None and member.org is not None else ""


@transaction.atomic
def digest_preference_set(*, actor: User, enabled: bool, email: str) -> DigestPreference:
    """Turn the actor's own daily e-mail digest on (to `email`) or off. Audited, the address masked."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise_for_errors({"email": _("Enter a valid e-mail address.")})
        if len(email) > 254:
            raise_for_errors({"email": _("Enter a valid e-mail address.")})
    if enabled and not email:
        raise_for_errors({"email": _("Give the address the digest goes to.")})
    preference = DigestPreference.objects.select_for_update().filter(user=actor).first() or DigestPreference(user=actor)
    was_enabled, was_email = preference.enabled, preference.email
    if preference.pk is not None and (was_enabled, was_email) == (enabled, email):
        return preference
    preference.enabled = enabled
    preference.email = email
    preference.save()
    changes: dict[str, list[object]] = {"enabled": [was_enabled, enabled]} if was_enabled != enabled else {}
    if was_email != email:
        changes["email"] = [_masked(was_email), _masked(email)]
    audit.record(actor=actor, action="digest.update", obj=preference, org_path=_org_path(actor), changes=changes)
    return preference


def email_configured() -> bool:
    """Whether e-mail may go out at all (SMTP set up, or the console backend asked for)."""
    return bool(getattr(settings, "DANGJIAN_EMAIL_ENABLED", False))


@dataclass
class DigestResult:
    """What one run of the digest did: mails sent, and people skipped because nothing waited for them."""

    sent: int = 0
    empty: int = 0
    failed: int = 0
    configured: bool = True


DIGEST_MAX_NOTICES = 20  # the newest unread notices listed; the count says how many there are


def digest_for(user: User, today: datetime.date) -> Digest:
    """What a person's digest says today: their open to-dos and their unread notices."""
    unread = notice_list(actor=user, unread_only=True)
    return Digest(todos=inbox_for(user, today), notices=list(unread[:DIGEST_MAX_NOTICES]), unread=unread.count())


def digest_send(*, today: datetime.date | None = None) -> DigestResult:
    """The daily job: e-mail each person who turned the digest on their open to-dos and unread notices, at most
    once a day. Nothing goes out when e-mail is not configured, nor to someone for whom nothing waits."""
    today = today or timezone.localdate()
    if not email_configured():
        return DigestResult(configured=False)
    result = DigestResult()
    due = (
        DigestPreference.objects.filter(enabled=True, user__is_active=True)
        .exclude(email="")
        .exclude(last_sent_on__gte=today)
        .select_related("user")
        .order_by("pk")
    )
    for preference in due:
        digest = digest_for(preference.user, today)
        if digest.is_empty:
            result.empty += 1
            continue
        # Marked first, in a transaction of its own, so a second run on the day sends nothing; a mail that
        # fails is unmarked, to go out with the next run.
        if not _digest_mark(preference.pk, today, before=preference.last_sent_on):
            continue
        try:
            digest_message(preference.user, preference.email, digest, today).send()
        except Exception:
            logger.exception("the daily digest to account %s could not be sent", preference.user_id)
            _digest_mark(preference.pk, preference.last_sent_on, before=today)
            result.failed += 1
        else:
            result.sent += 1
    return result


@transaction.atomic(durable=True)
def _digest_mark(preference_id: int, day: datetime.date | None, *, before: datetime.date | None) -> bool:
    """Move the day of the last digest from `before` to `day`; False when another run already moved it."""
    return bool(DigestPreference.objects.filter(pk=preference_id, last_sent_on=before).update(last_sent_on=day))


def digest_message(user: User, email: str, digest: Digest, today: datetime.date) -> EmailMultiAlternatives:
    """The digest as an e-mail in Chinese, plain text and HTML, links made absolute with DANGJIAN_SITE_URL."""
    site = getattr(settings, "DANGJIAN_SITE_URL", "")
    with translation.override("zh-hans"):
        context = {
            "user": user,
            "today": today,
            "rows": inbox_rows(digest.todos, today),
            "notices": digest.notices,
            "unread": digest.unread,
            "site": site,
            "inbox_url": site + reverse("notices:inbox"),
            "notices_url": site + reverse("notices:list"),
        }
        subject = _("Daily digest: %(todos)d to-dos, %(unread)d unread notices") % {
            "todos": len(digest.todos),
            "unread": digest.unread,
        }
        text = render_to_string("notices/digest.txt", context)
        html = render_to_string("notices/digest.html", context)
    message = EmailMultiAlternatives(subject=str(subject), body=text, to=[email])
    message.attach_alternative(html, "text/html")
    return message
