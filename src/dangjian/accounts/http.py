from dangjian.accounts.models import User
from dangjian.edge.http import HtmxHttpRequest


class AuthedRequest(HtmxHttpRequest):
    """A request that `page` let through: its user is logged in."""

    user: User  # type: ignore[assignment]
