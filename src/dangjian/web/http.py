"""Turning domain errors into HTTP for the pages: 404, 403 and form errors.

Every page view goes through `page` (login required, optional permission needed somewhere,
`NotFound` → 404, `Forbidden` → 403). Forms show a `DomainError` with `add_domain_error`.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, Forbidden, NotFound


def page(view: Callable | None = None, *, perm: Perm | None = None):
    """Decorate a page view: anonymous → login; `perm` held nowhere → 404; domain 404/403 → HTTP."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                login = redirect_to_login(request.get_full_path())
                # An HTMX swap would put the log-in page inside the region: reload the whole page.
                return HttpResponseClientRedirect(login.url) if getattr(request, "htmx", False) else login
            try:
                if perm is not None and not scope_for(request.user).has_anywhere(perm):
                    raise NotFound()
                return func(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc

        return wrapper

    return decorate(view) if view is not None else decorate


def add_domain_error(form: Form, exc: DomainError) -> None:
    """Put a domain error's messages on the form fields they name (or on the form as a whole)."""
    errors = exc.errors or {exc.field: [exc.message]}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
