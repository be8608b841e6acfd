"""The one NinjaAPI: routers from each app, bearer-token and session auth, errors as JSON."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from dangjian.accounts.services import api_token_user
from dangjian.core.errors import DomainError


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Session login, for pages that call the API; CSRF is checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="dangjian API",
    version="1",
    description="基层党建工作平台 API. Every operation is limited to the caller's scope in the organisation tree.",
    auth=[BearerAuth(), ActiveSessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    if exc.errors:
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(location) or "request", []).append(error.get("msg", ""))
    return api.create_response(request, {"detail": _("The request data is not valid."), "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": _("Please log in or send a valid token.")}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


api.add_router("/", "dangjian.accounts.api.router")
api.add_router("/orgs", "dangjian.orgs.api.router")
api.add_router("/members", "dangjian.members.api.router")
