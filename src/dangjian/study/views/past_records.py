"""Past meetings brought in from Excel: upload → check (writes nothing) → import, and the template.

The uploaded file waits between the check and the import as the roster import's does (`edge.uploads`).
"""

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.edge.http import page
from dangjian.edge.uploads import PendingUploads
from dangjian.edge.xlsx import xlsx_response
from dangjian.members.importing.cells import file_problem, size_problem, size_text
from dangjian.study.rules import past_records as rules
from dangjian.study.services import past_records as services

UPLOADS = PendingUploads(session_key="past_record_imports", prefix="records-")
MAX_LISTED = 500  # problems or records listed on one page; the counts are always complete
STEPS = [("upload", _("Upload")), ("check", _("Check")), ("import", _("Import"))]


class RecordUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of past meetings (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("Fill in the template and upload it here. Nothing is imported before you confirm."),
    )


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def record_import(request: AuthedRequest) -> HttpResponse:
    form = RecordUploadForm(request.POST, request.FILES) if request.method == "POST" else RecordUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        problem = size_problem(upload.size)  # before reading: a large upload is never read into memory
        data = b"" if problem else upload.read()
        if problem := problem or file_problem(data, upload.name):
            form.add_error("file", problem)
        else:
            return redirect("study:record-import-preview", token=UPLOADS.store(request, data, upload.name))
    context = {
        "form": form,
        "max_size": size_text(settings.DANGJIAN_IMPORT_MAX_BYTES),
        "max_rows": rules.MAX_IMPORT_ROWS,
        "column_list": "、".join(column.header + ("*" if column.required else "") for column in services.COLUMNS),
        "form_list": "、".join(words[0] for words in services.FORM_WORDS.values()),
        "steps": STEPS,
    }
    return render(request, "study/records_import.html", context, status=400 if form.errors else 200)


@page(perm=Perm.MANAGE_STUDY)
@require_GET
def record_import_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response(services.past_record_template(actor=request.user), "会议记录导入模板.xlsx")


@page(perm=Perm.MANAGE_STUDY)
@require_GET
@never_cache
def record_import_preview(request: AuthedRequest, token: str) -> HttpResponse:
    entry = UPLOADS.pending(request, token)
    if "result" in entry:
        return render(request, "study/records_result.html", {"result": entry["result"], "steps": STEPS})
    preview = services.past_record_import_preview(
        actor=request.user, data=UPLOADS.read(token), filename=entry["filename"]
    )
    return _render_preview(request, token, preview)


def _render_preview(request: AuthedRequest, token: str, preview: services.RecordImportPreview, status: int = 200):
    context = {
        "token": token,
        "preview": preview,
        "problems": preview.errors[:MAX_LISTED],
        "more_problems": max(0, len(preview.problems) - MAX_LISTED),
        "records": preview.records[:MAX_LISTED],
        "more_records": max(0, len(preview.records) - MAX_LISTED),
        "steps": STEPS,
    }
    return render(request, "study/records_preview.html", context, status=status)


@page(perm=Perm.MANAGE_STUDY)
@require_POST
def record_import_confirm(request: AuthedRequest, token: str) -> HttpResponse:
    entry = UPLOADS.pending(request, token)
    if "result" in entry:  # confirmed twice (a double click): show what the first one did
        return redirect("study:record-import-preview", token=token)
    try:
        result = services.past_record_import_apply(
            actor=request.user, data=UPLOADS.read(token), filename=entry["filename"]
        )
    except services.RecordImportRejected as exc:
        return _render_preview(request, token, exc.preview, status=400)
    UPLOADS.done(request, token, {"filename": result.filename, "created": result.created})
    return redirect("study:record-import-preview", token=token)


urlpatterns = [
    path("activities/import/", record_import, name="record-import"),
    path("activities/import/template/", record_import_template, name="record-import-template"),
    path("activities/import/<str:token>/", record_import_preview, name="record-import-preview"),
    path("activities/import/<str:token>/confirm/", record_import_confirm, name="record-import-confirm"),
]
