"""Errors outside the API's own handlers: unknown `/api/` paths, unhandled exceptions, and a data
folder or database that has become read-only. The API always answers with the JSON error body
(`ErrorOut`), the pages with their templates."""

import logging
import sys

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from dangjian.core.datadir import is_read_only, read_only_message
from dangjian.core.errors import NotFound

logger = logging.getLogger("dangjian")

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def server_error_message() -> str:
    return _("Something went wrong on the server; it has been logged. Try again later.")


def error_json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def is_number_out_of_range(exc: BaseException) -> bool:
    """A whole number too large for the database's integers (SQLite says OverflowError, PostgreSQL
    "out of range"): bad input that the schema's bounds did not catch, such as an id."""
    if isinstance(exc, OverflowError):
        return True
    return isinstance(exc, DataError) and "out of range" in str(exc)


def api_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An exception no other handler of the API took: 422 for a number no database column holds,
    503 when writing is impossible, else 500."""
    if is_number_out_of_range(exc):
        return error_json(_("A number in the request is out of range."), 422)
    if is_read_only(exc):
        logger.warning("Refused a write on %s: %s", request.path, exc)
        return error_json(read_only_message(), 503)
    logger.error("Internal Server Error: %s", request.path, exc_info=exc)
    return error_json(server_error_message(), 500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_json(_("The request could not be read."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_json(_("You do not have permission to do this."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_json(str(NotFound.default_message), 404)
    return defaults.page_not_found(request, exception)


def read_only_page(request: HttpRequest) -> HttpResponse:
    return render(request, "503.html", {"message": read_only_message()}, status=503)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while it handles the exception, so the exception is at hand.
    read_only = is_read_only(sys.exc_info()[1] or Exception())
    if is_api(request):
        return error_json(read_only_message(), 503) if read_only else error_json(server_error_message(), 500)
    if read_only:
        try:
            return read_only_page(request)
        except Exception:  # noqa: BLE001 - the page itself may need what failed; fall back to the plain one
            logger.exception("The read-only page could not be shown")
    return defaults.server_error(request)


class ErrorMiddleware:
    """A page whose write fails because nothing may be written says so (503) instead of failing.

    Also gives the API's "method not allowed" (Django Ninja answers it in English, as text) the
    JSON error body, keeping its Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            response = error_json(_("This method is not allowed here."), 405)
            response["Allow"] = allowed
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_read_only(exception):
            return None
        logger.warning("Refused a write on %s: %s", request.path, exception)
        if is_api(request):
            return error_json(read_only_message(), 503)
        return read_only_page(request)
