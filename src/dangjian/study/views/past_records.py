"""Past meetings brought in from Excel: upload → check (writes nothing) → import, and the template.

An uploaded file waits under DATA_DIR/imports/ under a random token recorded in the uploader's
session with their account, as the roster import's does; it is checked again when confirmed.
"""

import datetime
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.edge.http import page
from dangjian.edge.xlsx import xlsx_response
from dangjian.members.importing.cells import file_problem, size_problem, size_text
from dangjian.study.rules import past_records as rules
from dangjian.study.services import past_records as services

SESSION_KEY = "past_record_imports"  # token → {"user": account id, "filename": name, "result": once imported}
PREFIX = "records-"
KEEP_UPLOADS = datetime.timedelta(days=1)
KEEP_PER_SESSION = 10
MAX_LISTED = 500  # problems or records listed on one page; the counts are always complete
STEPS = [("upload", _("Upload")), ("check", _("Check")), ("import", _("Import"))]


class RecordUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of past meetings (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_("Fill in the template and upload it here. Nothing is imported before you confirm."),
    )


def _upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    return _upload_dir() / f"{PREFIX}{token}.xlsx"


def _store_upload(request: AuthedRequest, data: bytes, filename: str) -> str:
    folder = _upload_dir()
    cutoff = time.time() - KEEP_UPLOADS.total_seconds()
    for old in folder.glob(f"{PREFIX}*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    _path(token).write_bytes(data)
    uploads = request.session.get(SESSION_KEY, {})
    for old_token in list(uploads)[: max(0, len(uploads) - KEEP_PER_SESSION + 1)]:
        del uploads[old_token]
        _path(old_token).unlink(missing_ok=True)
    uploads[token] = {"user": request.user.pk, "filename": filename[:200]}
    request.session[SESSION_KEY] = uploads
    return token


def _pending(request: AuthedRequest, token: str) -> dict:
    """The upload behind `token`, if this session uploaded it while logged in as this user; else 404."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not isinstance(entry, dict) or entry.get("user") != request.user.pk:
        raise Http404
    return entry


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
            return redirect("study:record-import-preview", token=_store_upload(request, data, upload.name))
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
    entry = _pending(request, token)
    if "result" in entry:
        return render(request, "study/records_result.html", {"result": entry["result"], "steps": STEPS})
    stored = _path(token)
    if not stored.exists():
        raise Http404
    preview = services.past_record_import_preview(
        actor=request.user, data=stored.read_bytes(), filename=entry["filename"]
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
    entry = _pending(request, token)
    if "result" in entry:  # confirmed twice (a double click): show what the first one did
        return redirect("study:record-import-preview", token=token)
    stored = _path(token)
    if not stored.exists():
        raise Http404
    try:
        result = services.past_record_import_apply(
            actor=request.user, data=stored.read_bytes(), filename=entry["filename"]
        )
    except services.RecordImportRejected as exc:
        return _render_preview(request, token, exc.preview, status=400)
    stored.unlink(missing_ok=True)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = entry | {
        "result": {"filename": result.filename, "created": result.created, "at": timezone.now().isoformat()}
    }
    request.session[SESSION_KEY] = uploads
    return redirect("study:record-import-preview", token=token)


urlpatterns = [
    path("activities/import/", record_import, name="record-import"),
    path("activities/import/template/", record_import_template, name="record-import-template"),
    path("activities/import/<str:token>/", record_import_preview, name="record-import-preview"),
    path("activities/import/<str:token>/confirm/", record_import_confirm, name="record-import-confirm"),
]
