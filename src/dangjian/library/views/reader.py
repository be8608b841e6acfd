"""Pages of the library: the online reader (phone first), its font size, and the original file.

The reader works without JavaScript: pages turn by links, the font size by a form. The script
(`library/reader.js`) only adds the reading timer and changes the font size in place.
"""

import mimetypes
import posixpath

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.http import page
from dangjian.library.models import Material, MaterialKind
from dangjian.library.selectors import reading as selectors
from dangjian.library.selectors.materials import access_material
from dangjian.library.services import reading as services

# Accounts without a member record have no ReadingPosition: their font size lives in the session.
FONT_SESSION_KEY = "library_reader_font_size"

CONTENT_TYPES = {
    MaterialKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    MaterialKind.PDF: "application/pdf",
    MaterialKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    MaterialKind.TXT: "text/plain; charset=utf-8",
    MaterialKind.MD: "text/markdown; charset=utf-8",
}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _read_url(material: Material, number: int | None) -> str:
    url = reverse("library:read", args=[material.pk])
    return f"{url}?page={number}" if number else url


@page
@require_GET
def read(request: AuthedRequest, pk: int) -> HttpResponse:
    number = _int(request.GET.get("page"))
    material = access_material(request.user, pk)
    reader = selectors.reader_view(
        actor=request.user, material=material, page=number, session_font_size=request.session.get(FONT_SESSION_KEY)
    )
    if reader.moved:
        # Turning a page is how the member's place is saved: the next visit resumes here.
        services.reading_position_save(actor=request.user, material=material, page=reader.number)
    return render(request, "library/reader.html", {"reader": reader, "material": material})


@page
@require_POST
def read_font(request: AuthedRequest, pk: int) -> HttpResponse:
    material = access_material(request.user, pk)
    size = _int(request.POST.get("size"))
    try:
        # A missing size is as wrong as an unknown one: 0 is no offered size, so the service refuses it.
        position = services.reading_position_save(
            actor=request.user, material=material, font_size=size if size is not None else 0
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if position is None:
            request.session[FONT_SESSION_KEY] = size
    return redirect(_read_url(material, _int(request.POST.get("page"))))


@page
@require_GET
def download(request: AuthedRequest, pk: int) -> HttpResponse:
    material = access_material(request.user, pk)
    if not selectors.can_download(material):
        raise NotFound()
    try:
        handle = material.file.storage.open(material.file.name, "rb")
    except OSError:
        raise NotFound() from None
    filename = material.original_name or posixpath.basename(material.file.name)
    content_type = CONTENT_TYPES.get(material.kind) or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


urlpatterns = [
    path("<int:pk>/read/", read, name="read"),
    path("<int:pk>/read/font/", read_font, name="read-font"),
    path("<int:pk>/download/", download, name="download"),
]
