"""The one NinjaAPI: routers from each app, bearer-token and session auth, errors as JSON."""

import json

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from dangjian.accounts.services import api_token_user
from dangjian.config.errors import api_exception, error_json
from dangjian.core.errors import DomainError, Forbidden, NotFound


class CsrfFailed(Forbidden):
    default_message = gettext_lazy(
        "The request was refused because its CSRF token is missing or wrong. Reload the page and try again."
    )


class PasswordChangeRequired(Forbidden):
    default_message = gettext_lazy(
        "Change your one-time password first (auth_password_change); until then only that and me_get answer."
    )


# What an account that still has its one-time password may call, as the pages send it to the password form.
ONE_TIME_PASSWORD_PATHS = frozenset({"/api/v1/auth/password", "/api/v1/me"})


def _with_own_password(request: HttpRequest, user):
    if user is not None and user.must_change_password and request.path not in ONE_TIME_PASSWORD_PATHS:
        raise PasswordChangeRequired()
    return user


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return _with_own_password(request, user)


class ActiveSessionAuth(SessionAuth):
    """Session login, for pages that call the API; CSRF is checked on unsafe methods.

    The check runs only for a logged-in session, so a request with no credentials at all gets
    401 rather than a CSRF failure.
    """

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return _with_own_password(request, super().__call__(request))

    def _get_key(self, request: HttpRequest):
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)


class JsonParser(Parser):
    """JSON bodies as Django Ninja reads them, refusing text no database can store: a lone UTF-16
    surrogate (`"\\ud800"`) is valid JSON but not Unicode text. The refusal is a 400 like any
    unreadable body."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError for a lone surrogate
        return data


STATUS_CODES = """Status codes, the same for every operation:

- 401: no valid bearer token and no logged-in session.
- 404: the object does not exist, or it lies outside the caller's scope; the two look the same.
  An operation whose permission the caller holds nowhere (the audit log for a branch secretary)
  also answers 404, as the pages do.
- 403: the caller may see the object but not do this to it; or a session request without a valid
  CSRF token on an unsafe method; or, on any operation but `auth_password_change` and `me_get`, an
  account that has not yet replaced its one-time password.
- 400: the request breaks a business rule (`errors` lists problems per field), or its body is
  not JSON at all.
- 409: the request conflicts with what is already recorded (the same file uploaded twice, a second
  campaign for a branch and year).
- 422: the request does not match the schema (a missing field, a date that is not a date, a year
  outside 2000–2100, an offset past 1,000,000).
- 429: too many failed logins (`auth_token_create`); `Retry-After` says in how many seconds to try again (none when only an administrator can lift the lock-out).

Every error body is `ErrorOut`: `{"detail": "...", "field": ..., "errors": {field: [messages]}}`,
with `detail` in the user's language.
"""


class BundledSwagger(Swagger):
    """Swagger UI from Django Ninja's bundled files, which the settings add to the template and static
    folders. Ninja renders them only when "ninja" is an installed app (else from a CDN), and it is not
    one, so that starting a process does not import it."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="dangjian API",
    version="1",
    description=(
        "基层党建工作平台 API. Every operation is limited to the caller's scope in the organisation tree.\n\n"
        "Log in with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`; pages of the "
        "platform may also call the API with their session (unsafe methods then need the CSRF token).\n\n"
        + STATUS_CODES
    ),
    auth=[BearerAuth(), ActiveSessionAuth()],
    parser=JsonParser(),
    docs=BundledSwagger(),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    body: dict = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    # DomainError has already shaped its errors as {field: [message, …]}.
    errors = exc.errors or ({exc.field: [exc.message]} if exc.field else None)
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=exc.status_code)


# Pydantic's messages are English; the common ones are said again through gettext.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not allowed."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("The text is too long."),
    "string_too_short": gettext_lazy("The text is too short."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "literal_error": gettext_lazy("Choose one of the allowed values."),
    "local_time": gettext_lazy("Enter a time of day as HH:MM, without a time zone."),
    "time_parsing": gettext_lazy("Enter a time of day as HH:MM."),
    "time_type": gettext_lazy("Enter a time of day as HH:MM."),
    "enum": gettext_lazy("Choose one of the allowed values."),
    "greater_than_equal": gettext_lazy("The number is too small."),
    "less_than_equal": gettext_lazy("The number is too large."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        message = VALIDATION_MESSAGES.get(error.get("type", ""))
        errors.setdefault(".".join(location) or "request", []).append(str(message or error.get("msg", "")))
    return api.create_response(request, {"detail": _("The request data is not valid."), "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": _("Please log in or send a valid token.")}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(NotFound.default_message)}, status=404)


# Django Ninja raises HttpError itself only with English text; say it in the user's language.
HTTP_ERROR_MESSAGES = {
    400: gettext_lazy("The request body could not be read. Send valid JSON."),
    403: gettext_lazy("You do not have permission to do this."),
    404: NotFound.default_message,
    405: gettext_lazy("This method is not allowed here."),
    429: gettext_lazy("Too many requests. Try again later."),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    message = HTTP_ERROR_MESSAGES.get(exc.status_code) or _("The request could not be carried out.")
    return api.create_response(request, {"detail": str(message)}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(Forbidden.default_message)}, status=403)


def unreadable_request(request: HttpRequest, exc: Exception):
    # Too many fields, a body over the size limit, a file name that tries to leave its folder, a
    # multipart body without its boundary.
    return error_json(_("The request could not be read."), 400)


api.add_exception_handler(SuspiciousOperation, unreadable_request)
api.add_exception_handler(MultiPartParserError, unreadable_request)


# Anything else: the JSON error body, 503 while nothing can be written, else 500 (and logged).
api.add_exception_handler(Exception, api_exception)

# Django Ninja builds a pydantic model for each declared status code of each operation, wrapping its
# schema: 1,054 for 174 operations, about 870 of them around the same `ErrorOut`, a third of the time
# it takes to load the API (in every web worker's first request and in `dangjian check`). The model
# depends on the declared type alone, so one is built per type and shared by the operations.
_response_models: dict = {}
_build_response_model = Operation._create_response_model


def _shared_response_model(operation: Operation, response_param):
    try:
        return _response_models[response_param]
    except KeyError:
        model = _response_models[response_param] = _build_response_model(operation, response_param)
        return model
    except TypeError:  # a declaration that cannot be a dictionary key: built for this operation
        return _build_response_model(operation, response_param)


Operation._create_response_model = _shared_response_model  # type: ignore[method-assign]

api.add_router("/", "dangjian.accounts.api.router")
api.add_router("/", "dangjian.members.api.me_router")
api.add_router("/", "dangjian.orgs.api.roles_router")
api.add_router("/orgs", "dangjian.orgs.api.router")
api.add_router("/members", "dangjian.members.api.router")
api.add_router("/study", "dangjian.study.api.router")
api.add_router("/library", "dangjian.library.api.router")
api.add_router("/notices", "dangjian.notices.api.router")
api.add_router("/", "dangjian.notices.api.inbox_router")
api.add_router("/announcements", "dangjian.notices.api.announcement_router")
api.add_router("/care", "dangjian.care.api.router")
api.add_router("/rights", "dangjian.rights.api.router")
api.add_router("/evaluation", "dangjian.evaluation.api.router")
api.add_router("/compliance", "dangjian.compliance.api.router")
api.add_router("/development", "dangjian.development.api.router")
api.add_router("/dues", "dangjian.dues.api.router")
api.add_router("/dashboard", "dangjian.web.api.router")
api.add_router("/audit", "dangjian.accounts.api.audit_router")
