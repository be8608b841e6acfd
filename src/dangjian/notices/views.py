"""The member's messages (我的消息): notices left by the platform, newest first; and announcements
(通知公告): the list, one announcement, the officers' form, withdrawal and read counts."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import scope_for
from dangjian.edge.http import act, form_status, page, submit
from dangjian.edge.paging import paginate
from dangjian.notices import selectors, services
from dangjian.notices.forms import AnnouncementForm, DigestForm
from dangjian.notices.inbox import inbox_for_request, inbox_rows
from dangjian.notices.models import Announcement


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


# --- Announcements (通知公告) ------------------------------------------------------------------------


@page
@require_GET
def announcement_list(request: AuthedRequest) -> HttpResponse:
    """Announcements addressed to the user, and those of the organisations they publish for."""
    announcements = paginate(request, selectors.announcement_list(actor=request.user), per_page=20)
    context = {
        "page_obj": announcements,
        "can_publish": scope_for(request.user).has_anywhere(selectors.PUBLISH_PERM),
        "today": timezone.localdate(),
    }
    return render(request, "notices/announcement_list.html", context)


@page
@require_GET
def announcement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One announcement; opening it is reading it (for those it addresses)."""
    announcement = selectors.access_announcement(request.user, pk)
    today = timezone.localdate()
    read = (
        services.announcement_mark_read(actor=request.user, announcement=announcement)
        if (announcement.is_addressed)
        else None
    )
    context = {
        "announcement": announcement,
        "attachments": list(announcement.attachments.all()),
        "can_manage": selectors.can_manage(request.user, announcement),
        "read": read,
        "may_confirm": read is not None
        and announcement.requires_confirmation
        and read.confirmed_at is None
        and announcement.is_live(today),
        "today": today,
    }
    return render(request, "notices/announcement_detail.html", context)


def _form_page(request: AuthedRequest, form: AnnouncementForm, announcement: Announcement | None) -> HttpResponse:
    context = {"form": form, "announcement": announcement}
    return render(request, "notices/announcement_form.html", context, status=form_status(form))


@page(perm=selectors.PUBLISH_PERM)
@require_http_methods(["GET", "POST"])
def announcement_create(request: AuthedRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST or None, request.FILES or None, actor=request.user)
    if done := submit(
        request,
        form,
        lambda data: services.announcement_create(actor=request.user, **form.service_data()),
        success=_("The announcement has been published."),
    ):
        return redirect("notices:announcement-detail", pk=done.result.pk)
    return _form_page(request, form, None)


@page(perm=selectors.PUBLISH_PERM)
@require_http_methods(["GET", "POST"])
def announcement_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    announcement = selectors.access_announcement(request.user, pk, manage=True)
    initial = {
        "title": announcement.title,
        "body": announcement.body,
        "audience": announcement.audience,
        "pinned": announcement.pinned,
        "requires_confirmation": announcement.requires_confirmation,
        "expires_on": announcement.expires_on,
    }
    form = AnnouncementForm(
        request.POST or None, request.FILES or None, actor=request.user, announcement=announcement, initial=initial
    )
    if done := submit(
        request,
        form,
        lambda data: services.announcement_update(actor=request.user, announcement=announcement, **form.service_data()),
        success=_("The announcement has been changed."),
    ):
        return redirect("notices:announcement-detail", pk=done.result.pk)
    return _form_page(request, form, announcement)


@page(perm=selectors.PUBLISH_PERM)
@require_POST
def announcement_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    announcement = selectors.access_announcement(request.user, pk, manage=True)
    act(
        request,
        lambda: services.announcement_withdraw(actor=request.user, announcement=announcement),
        success=_("The announcement has been withdrawn. Members no longer see it."),
    )
    return redirect("notices:announcement-detail", pk=announcement.pk)


@page
@require_POST
def announcement_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """确认收到: the member confirms an announcement that asks for it."""
    announcement = selectors.access_announcement(request.user, pk)
    act(
        request,
        lambda: services.announcement_confirm(actor=request.user, announcement=announcement),
        success=_("Thank you: your confirmation has been recorded."),
    )
    return redirect("notices:announcement-detail", pk=announcement.pk)


@page(perm=selectors.PUBLISH_PERM)
@require_GET
def announcement_reads(request: AuthedRequest, pk: int) -> HttpResponse:
    """Read counts per branch; who has not confirmed, only for an announcement asking for confirmation."""
    announcement = selectors.access_read_counts(request.user, pk)
    counts = selectors.read_counts(actor=request.user, announcement=announcement)
    return render(request, "notices/announcement_reads.html", {"announcement": announcement, "counts": counts})


@page
@require_GET
def announcement_attachment(request: AuthedRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.access_attachment(request.user, pk, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@page
@require_GET
def inbox_count(request: AuthedRequest) -> HttpResponse:
    """The navigation's 待办 count, asked for after a page has loaded: the sidebar's badge, and the phone bar's
    swapped in out of band."""
    return render(request, "notices/_inbox_count.html", {"count": len(inbox_for_request(request))})
