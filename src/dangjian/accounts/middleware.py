from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Sends an account that must change its password to the change form before anything else.

    A request htmx makes from the change page itself (the navigation's to-do count, fetched after
    load) gets "204 No Content": a redirect would put the whole change page into the badge."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password-change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/api/")):
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=204)
                return redirect("accounts:password-change")
        return self.get_response(request)
