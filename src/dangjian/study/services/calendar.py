"""A member's calendar feed link: made by the member for their own activities, revocable like any token."""

from django.conf import settings
from django.utils.translation import gettext as _

from dangjian.accounts.models import ApiToken, TokenPurpose, User
from dangjian.accounts.services import token_issue
from dangjian.core.errors import DomainError
from dangjian.members.selectors import actor_member


class NoMemberRecord(DomainError):
    status_code = 400


def calendar_link_create(*, actor: User) -> tuple[ApiToken, str]:
    """A new feed link for the actor's own activities: (the token, its key, shown once). Audited as
    `token.calendar.create`; an account without a member record has no activities to subscribe to."""
    if actor_member(actor) is None:
        raise NoMemberRecord(_("Only a Party member's own activities can be subscribed to."))
    return token_issue(
        actor=actor, purpose=TokenPurpose.CALENDAR, days=settings.DANGJIAN_CALENDAR_FEED_DAYS, name=_("Calendar feed")
    )
