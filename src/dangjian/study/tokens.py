"""The rotating check-in token.

Design
------
The organiser opens the full-screen check-in page for an activity. It shows a QR code for the URL
``/study/check-in/<activity_id>/<token>/``. The token is ``<period>.<signature>``:

- ``period`` is the number of the current 30-second period since the Unix epoch
  (``rules.attendance.token_period``);
- ``signature`` is Django's ``Signer`` (an HMAC keyed by ``SECRET_KEY``, with a salt of its own)
  over ``"<activity_id>:<period>"``. Nobody without the server's key can make a token, and a token
  for one activity is worthless for another.

The screen asks the server for a fresh QR code (an SVG fragment drawn by ``segno``) every few
seconds with htmx, so the code on the wall changes every 30 seconds. A token is accepted in its
own period and the next one (``rules.attendance.token_period_is_fresh``): a member who scans a
moment before the code changes is not refused, and any token is useless a minute later at most.

Why a forwarded photo does not help a member check in for someone else: check-in binds to the
member who is *logged in* on the phone that opens the link, never to anything in the link, and
each member is recorded once per activity. A photo sent to an absent member gives them nothing to
check in with once its minute has passed, and while it is fresh it can only check in whoever
opens it, under their own account, with their address and device recorded.

A member who is not logged in when they scan would often lose the token while typing their
password. So a fresh scan by an anonymous visitor leaves a proof in *their own* session (the
activity and the moment of the scan; sessions are signed server-side data) before the log-in
page, and the check-in after log-in may rely on that proof for ``rules.attendance.SCAN_GRACE``;
the check-in then counts from the moment of the scan.
"""

import datetime

from django.core.signing import Signer
from django.utils.crypto import constant_time_compare

from dangjian.study.rules.attendance import TOKEN_PERIOD_SECONDS, token_period

_SIGNER = Signer(salt="dangjian.study.check-in")


def _signature(activity_id: int, period: int) -> str:
    return _SIGNER.signature(f"{activity_id}:{period}")


def make_token(activity_id: int, period: int) -> str:
    """The token of `activity_id` for token period `period`."""
    return f"{period}.{_signature(activity_id, period)}"


def current_token(activity_id: int, now: datetime.datetime) -> str:
    return make_token(activity_id, token_period(now))


def token_period_of(activity_id: int, token: str) -> int | None:
    """The period a genuine token of this activity was made for; None when the token is forged,
    damaged or made for another activity."""
    period_text, sep, signature = str(token).partition(".")
    if not sep or not period_text.isdigit() or len(period_text) > 12:
        return None
    period = int(period_text)
    if not constant_time_compare(signature, _signature(activity_id, period)):
        return None
    return period


def seconds_left(now: datetime.datetime) -> int:
    """Seconds until the code on the screen changes."""
    return TOKEN_PERIOD_SECONDS - int(now.timestamp()) % TOKEN_PERIOD_SECONDS
