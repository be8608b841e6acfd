"""The product's URLs plus the baseline of the check-in storm: one authenticated INSERT in a transaction."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import include, path
from django.views.decorators.cache import never_cache

from dangjian.core.models import AuditEvent

BASELINE_ACTION = "bench.baseline"


@never_cache
def baseline_insert(request: HttpRequest, n: int) -> HttpResponse:
    """The least a check-in must do: know the logged-in account and write one row in a transaction."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden("log in")
    with transaction.atomic():
        AuditEvent.objects.create(
            actor=request.user,
            actor_name=request.user.get_username(),
            action=BASELINE_ACTION,
            object_type="bench",
            object_id=str(n),
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/baseline/<int:n>/", baseline_insert, name="bench-baseline"),
    path("", include("dangjian.config.urls")),
]
