"""Rules of announcements (通知公告): who is addressed, and the platform's limits. Pure: no ORM.

No regulation sets numbers for announcements: the limits below are the platform's own, chosen so a
notice reads on a phone and its files download over a weak connection. Who may publish is the
platform's scope rule (rights reach down the tree): an organisation's officers publish to their own
subtree, never to an organisation above or beside them.
"""

import datetime

from dangjian.members.audience import in_audience

# Platform limits (not from a regulation).
MAX_TITLE = 120  # characters: a line and a half on a phone
MAX_BODY = 10_000  # characters: a long meeting notice with its agenda fits several times
MAX_ATTACHMENTS = 5  # files per announcement
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # per file: a scanned document of a few pages
MAX_EXPIRY_DAYS = 366  # an announcement is shown for at most a year after its last day is set
HOME_ITEMS = 3  # announcements on the member's home page


def is_addressed(*, announcement_path: str, member_path: str, audience: str, category: str, is_officer: bool) -> bool:
    """Whether a member (in the organisation at `member_path`) is addressed by an announcement of the
    organisation at `announcement_path` for `audience`: the member sits in its subtree, and in the audience."""
    return member_path.startswith(announcement_path) and in_audience(audience, category, is_officer)


def is_current(*, expires_on: datetime.date | None, withdrawn: bool, today: datetime.date) -> bool:
    """Shown to members: not withdrawn, and its last day (inclusive) not passed."""
    return not withdrawn and (expires_on is None or expires_on >= today)


def expiry_error(expires_on: datetime.date | None, today: datetime.date) -> str | None:
    """Why a last day is refused ("past", "far"), or None when it is acceptable (or not given)."""
    if expires_on is None:
        return None
    if expires_on < today:
        return "past"
    if (expires_on - today).days > MAX_EXPIRY_DAYS:
        return "far"
    return None
