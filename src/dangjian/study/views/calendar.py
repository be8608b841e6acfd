"""A member's activities in their phone's calendar: a private feed link they make and may revoke.

The link carries a token of its own purpose (`TokenPurpose.CALENDAR`, the platform's one revocable
token mechanism); it opens nothing but this feed, and only the holder's own activities.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts import services as account_services
from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.models import ApiToken, TokenPurpose
from dangjian.accounts.permissions import access_token
from dangjian.edge.http import page
from dangjian.members.selectors import actor_member
from dangjian.study.selectors.activities import calendar_activities
from dangjian.study.services.calendar import calendar_link_create


def feed_url(request: HttpRequest, key: str) -> str:
    return request.build_absolute_uri(reverse("study:calendar-feed", args=[key]))


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, key: str) -> HttpResponse:
    """The feed itself, opened by a calendar app without a login: the key is the only credential."""
    user = account_services.token_user(key, purpose=TokenPurpose.CALENDAR)
    if user is None:
        raise Http404
    member = actor_member(user)
    name = _("Organisational life · %(name)s") % {"name": member.name if member else user.display_name}
    # Imported when used (icalendar): importing it at start-up slows every process.
    from dangjian.study.exporting.calendar_ics import activities_ics

    body = activities_ics(
        calendar_activities(actor=user),
        name=name,
        url_of=lambda activity: request.build_absolute_uri(reverse("study:activity-detail", args=[activity.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dangjian.ics"'
    return response


@page
@never_cache
@require_http_methods(["GET", "POST"])
def calendar_subscription(request: AuthedRequest) -> HttpResponse:
    """Make a feed link (shown once), and see and revoke the ones made before."""
    member = actor_member(request.user)
    new_url = ""
    if request.method == "POST" and member is not None:
        _token, key = calendar_link_create(actor=request.user)
        new_url = feed_url(request, key)
    links = ApiToken.objects.filter(user=request.user, purpose=TokenPurpose.CALENDAR).order_by("-created_at")
    context = {
        "member": member,
        "new_url": new_url,
        "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else "",
        "links": links,
        "days": settings.DANGJIAN_CALENDAR_FEED_DAYS,
    }
    return render(request, "study/calendar_subscription.html", context)


@page
@require_POST
def calendar_link_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    if token.purpose != TokenPurpose.CALENDAR:
        raise Http404
    account_services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The calendar link has been revoked: calendars using it no longer update."))
    return redirect("study:calendar-subscription")


urlpatterns = [
    path("my-calendar/", calendar_subscription, name="calendar-subscription"),
    path("my-calendar/<int:pk>/revoke/", calendar_link_revoke, name="calendar-link-revoke"),
    path("my-calendar/feed/<str:key>.ics", calendar_feed, name="calendar-feed"),
]
