from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from dangjian.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(HtmxHttpRequest):
    user: User  # type: ignore[assignment]


__all__ = ["AnonymousUser", "AuthedRequest", "HtmxHttpRequest"]
