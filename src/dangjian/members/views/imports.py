"""The roster in Excel: the import wizard (upload → preview → confirm → result), the template, the export.

An uploaded file waits under DATA_DIR/imports/ under a random token until it is confirmed. The
token is recorded in the uploader's session with their account, so nobody else can preview or
confirm it; the file is checked again when confirmed, since anything may have changed meanwhile.
"""

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.edge.http import page
from dangjian.edge.uploads import PendingUploads
from dangjian.edge.xlsx import xlsx_response
from dangjian.members import exporting, importing
from dangjian.members.forms import MemberFilterForm
from dangjian.orgs.selectors import org_list

UPLOADS = PendingUploads(session_key="roster_imports", prefix="roster-")
MAX_LISTED = 500  # problems or changes listed on one page; the counts are always complete
STEPS = [("upload", _("Upload")), ("check", _("Check")), ("import", _("Import"))]  # {% steps %} on each page


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("Fill in the template and upload it here. Nothing is imported before you confirm."),
    )


@page(perm=Perm.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        # The size first, so that a large upload is never read into memory.
        problem = importing.size_problem(upload.size)
        data = b"" if problem else upload.read()
        if problem := problem or importing.file_problem(data, upload.name):
            form.add_error("file", problem)
        else:
            return redirect("members:import-preview", token=UPLOADS.store(request, data, upload.name))
    context = {"form": form, "max_size": importing.size_text(settings.DANGJIAN_IMPORT_MAX_BYTES), "steps": STEPS}
    return render(request, "members/import_upload.html", context, status=400 if form.errors else 200)


@page(perm=Perm.MANAGE_MEMBERS)
@require_GET
def import_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response(importing.roster_template(actor=request.user), "党员名册模板.xlsx")


@page(perm=Perm.MANAGE_MEMBERS)
@require_GET
@never_cache
def import_preview(request: AuthedRequest, token: str) -> HttpResponse:
    entry = UPLOADS.pending(request, token)
    if "result" in entry:
        return render(request, "members/import_result.html", {"result": entry["result"], "steps": STEPS})
    preview = importing.roster_import_preview(actor=request.user, data=UPLOADS.read(token), filename=entry["filename"])
    return _render_preview(request, token, preview)


def _render_preview(request: AuthedRequest, token: str, preview: importing.ImportPreview, status: int = 200):
    context = {
        "token": token,
        "preview": preview,
        "problems": preview.errors[:MAX_LISTED],
        "more_problems": max(0, len(preview.problems) - MAX_LISTED),
        "changes": preview.changes[:MAX_LISTED],
        "more_changes": max(0, len(preview.changes) - MAX_LISTED),
        "steps": STEPS,
    }
    return render(request, "members/import_preview.html", context, status=status)


@page(perm=Perm.MANAGE_MEMBERS)
@require_POST
def import_confirm(request: AuthedRequest, token: str) -> HttpResponse:
    entry = UPLOADS.pending(request, token)
    if "result" in entry:  # confirmed twice (a double click): show what the first one did
        return redirect("members:import-preview", token=token)
    try:
        result = importing.roster_import_apply(actor=request.user, data=UPLOADS.read(token), filename=entry["filename"])
    except importing.ImportRejected as exc:
        return _render_preview(request, token, exc.preview, status=400)
    UPLOADS.done(
        request,
        token,
        {
            "filename": result.filename,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "transferred": result.transferred,
            "accounts_created": result.accounts_created,
        },
    )
    return redirect("members:import-preview", token=token)


@page(perm=Perm.VIEW_MEMBERS)
@require_GET
def member_export(request: AuthedRequest) -> HttpResponse:
    filters = MemberFilterForm(request.GET, orgs=org_list(actor=request.user)).filters()
    export = exporting.roster_export(actor=request.user, filters=filters)
    return xlsx_response(export.content, f"党员名册-{timezone.localdate():%Y%m%d}.xlsx")
