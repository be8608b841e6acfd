"""Writing notices: sent as part of another action, read by their recipient."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.errors import NotFound, raise_for_errors
from dangjian.members.models import Member
from dangjian.notices.inbox import ToDo, inbox_for, inbox_rows
from dangjian.notices.models import DigestPreference, Notice
from dangjian.notices.selectors import notice_list

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
    before = {"enabled": preference.enabled, "email": preference.email}
    if preference.pk is not None and before == {"enabled": enabled, "email": email}:
        return preference
    preference.enabled = enabled
    preference.email = email
    preference.save()
    changes = {"enabled": [before["enabled"], enabled]} if before["enabled"] != enabled else {}
    if before["email"] != email:
        changes["email"] = [_masked(before["email"]), _masked(email)]
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
