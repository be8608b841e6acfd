"""The member's messages (我的消息): notices left by the platform, newest first."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.notices import selectors, services
from dangjian.notices.forms import DigestForm
from dangjian.notices.inbox import inbox_for_request, inbox_rows


def _notice_list(request: AuthedRequest, digest_form: DigestForm | None = None, status: int = 200) -> HttpResponse:
    notices = paginate(request, selectors.notice_list(actor=request.user), per_page=30)
    if digest_form is None:
        preference = selectors.digest_preference(actor=request.user)
        digest_form = DigestForm(initial={"enabled": preference.enabled, "email": preference.email})
    context = {"page_obj": notices, "digest_form": digest_form, "email_configured": services.email_configured()}
    return render(request, "notices/notice_list.html", context, status=status)


@page
@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    return _notice_list(request)


@page
@require_POST
def digest_preference(request: AuthedRequest) -> HttpResponse:
    """Turn one's own daily e-mail digest on or off."""
    form = DigestForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.digest_preference_set(actor=request.user, enabled=data["enabled"], email=data["email"]),
        success=lambda preference: (
            _("The daily digest will be sent to %(email)s.") % {"email": preference.email}
            if preference.enabled
            else _("The daily digest is off.")
        ),
    ):
        return redirect("notices:list")
    return _notice_list(request, form, status=400)


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
