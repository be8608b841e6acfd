"""Reads of notices: only ever the actor's own."""

from django.db.models import QuerySet

from dangjian.accounts.models import User
from dangjian.notices.models import DigestPreference, Notice


def notice_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notice]:
    """The actor's notices, newest first."""
    notices = Notice.objects.filter(recipient=actor)
    return notices.unread() if unread_only else notices


def unread_count(*, actor: User) -> int:
    return Notice.objects.filter(recipient=actor).unread().count()


def digest_preference(*, actor: User) -> DigestPreference:
    """The actor's own digest preference, or an unsaved one (off) when they never set it."""
    return DigestPreference.objects.filter(user=actor).first() or DigestPreference(user=actor)
