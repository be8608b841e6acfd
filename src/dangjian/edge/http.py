"""The pages' side of the edge: `page` for every view, and `submit` for every form that calls a service.

`page` turns the domain's errors into HTTP (login required, `NotFound` → 404, `Forbidden` → 403)
and checks a permission through Django's `user.has_perm`, which accounts answers from the scope.
`submit` runs a bound form's service and puts a refusal on the form (`act` does the same for a button
without a form, with messages), so a view reads:

    form = NoteForm(request.POST or None)
    if done := submit(request, form, lambda data: services.note_add(actor=request.user, **data),
                      success=_("The note has been added.")):
        return redirect("…", pk=done.result.pk)
    return render(request, "…", {"form": form}, status=form_status(form))
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from dangjian.core.errors import DomainError, Forbidden, NotFound


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def page(view: Callable | None = None, *, perm: str | None = None):
    """Decorate a page view: anonymous → login; `perm` held nowhere → 404; domain 404/403 → HTTP."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                login = redirect_to_login(request.get_full_path())
                # An HTMX swap would put the log-in page inside the region: reload the whole page.
                return HttpResponseClientRedirect(login.url) if getattr(request, "htmx", False) else login
            try:
                if perm is not None and not request.user.has_perm(perm):
                    raise NotFound()
                return func(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc

        return wrapper

    return decorate(view) if view is not None else decorate


def add_domain_error(form: BaseForm, exc: DomainError) -> None:
    """Put a domain error's messages on the form fields they name (or on the form as a whole)."""
    errors = exc.errors or {exc.field: [exc.message]}
    for field, messages_ in errors.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, str(message))


@dataclass(frozen=True)
class Done:
    """A form's service ran; `result` is what it returned. Always true, so `if done := submit(…)` reads."""

    result: Any


def submit(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[dict[str, Any]], Any],
    *,
    success: str | Promise | Callable[[Any], str] | None = None,
    also: Iterable[BaseForm | BaseFormSet] = (),
) -> Done | None:
    """Run `action(form.cleaned_data)` when the request is a POST and the form (and `also`) are valid.

    A refusal the user can mend (a `DomainError` with status 400 or 409) goes onto the form and the
    answer is None; 404 and 403 pass on to `page`. On success the message `success` (or `success(result)`)
    is shown and the result comes back wrapped in `Done`.
    """
    if request.method != "POST" or not form.is_bound:
        return None
    valid = form.is_valid()
    for other in also:  # every form validates, so every one shows its errors
        valid = other.is_valid() and valid
    if not valid:
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        add_domain_error(form, exc)
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Done(result)


def form_status(*forms: BaseForm | BaseFormSet) -> int:
    """400 when a submitted form came back with errors, so scripts and tests can tell; otherwise 200."""
    return 400 if any(form.is_bound and not form.is_valid() for form in forms) else 200


def act(request: HttpRequest, action: Callable[[], Any], *, success: str | Promise) -> bool:
    """Run a button's service (a POST without a form): on success show `success`; a refusal the user can
    read (a `DomainError` with status 400) is shown as an error message instead, and nothing has changed.
    404 and 403 pass on to `page`. The answer says whether the action was done."""
    try:
        action()
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
