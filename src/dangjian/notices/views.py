"""The member's messages (我的消息): notices left by the platform, newest first."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.edge.http import page
from dangjian.edge.paging import paginate
from dangjian.notices import selectors, services
from dangjian.notices.inbox import inbox_for_request, inbox_rows


@page
@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    notices = paginate(request, selectors.notice_list(actor=request.user), per_page=30)
    return render(request, "notices/notice_list.html", {"page_obj": notices})


@page
@require_POST
def notice_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark a notice read and follow its link (or come back to the list)."""
    services.notice_mark_read(actor=request.user, notice_id=pk)
    notice = selectors.notice_list(actor=request.user).get(pk=pk)
    # Links are written by the platform, but a stored link is still only followed within the site.
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("notices:list")


@page
@require_POST
def notice_read_all(request: AuthedRequest) -> HttpResponse:
    services.notice_mark_read(actor=request.user)
    return redirect("notices:list")


@page
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    """待办: all that waits for the user across the platform, the most urgent first."""
    rows = inbox_rows(inbox_for_request(request), timezone.localdate())
    return render(request, "notices/inbox.html", {"rows": rows})


@page
@require_GET
def inbox_count(request: AuthedRequest) -> HttpResponse:
    """The navigation's 待办 count, asked for after a page has loaded: the sidebar's badge, and the phone bar's
    swapped in out of band."""
    return render(request, "notices/_inbox_count.html", {"count": len(inbox_for_request(request))})
