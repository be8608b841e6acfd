from dangjian.core.audit import RequestOrigin, reset_origin, set_origin


class AuditContextMiddleware:
    """Makes the request's address and user agent available to audit records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_origin(
            RequestOrigin(
                ip_address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)
