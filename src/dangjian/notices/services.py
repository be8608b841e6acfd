"""Writing notices: sent as part of another action, read by their recipient."""

from collections.abc import Iterable

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.errors import NotFound
from dangjian.notices.models import Notice


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
