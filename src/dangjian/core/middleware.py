from django.utils.cache import patch_cache_control

from dangjian.core.audit import RequestOrigin, reset_origin, set_origin
from dangjian.core.clientip import client_ip


class AuditContextMiddleware:
    """Makes the request's address and user agent available to audit records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_origin(
            RequestOrigin(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)


class PrivateCacheMiddleware:
    """Keeps pages shown to a logged-in user out of shared and browser caches.

    Every response to an authenticated request that set no cache policy of its own gets
    `Cache-Control: private, no-store`: such pages carry personal data. Anonymous responses (the login
    page) and static files (served before this runs) are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class RetryAfterMiddleware:
    """Says when to come back on every 429: the seconds a view left in `request.retry_after`, else a minute.

    A view that knows there is no point in retrying (a lock-out only an administrator lifts) sets
    `request.retry_after = None`, and no header is sent.
    """

    DEFAULT_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            seconds = getattr(request, "retry_after", self.DEFAULT_SECONDS)
            if seconds is not None:
                response["Retry-After"] = str(max(1, int(seconds)))
        return response
