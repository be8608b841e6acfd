"""Pages of the library: find (search as you type), upload, films, a material's page, metadata,
publishing and withdrawal."""

from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.core.errors import DomainError
from dangjian.edge.http import page, submit
from dangjian.edge.paging import last_page, page_number
from dangjian.library.forms import FindForm, MaterialForm, UploadForm, VideoForm
from dangjian.library.models import Extraction, Material
from dangjian.library.selectors import materials as selectors
from dangjian.library.services import materials as services
from dangjian.orgs.models import Organisation
from dangjian.orgs.permissions import access_org

PER_PAGE = 20


def _filter_orgs(actor) -> list[Organisation]:
    """Organisations that own a material the actor may see, for the filter."""
    visible = selectors.visible_materials(actor).filter(org=OuterRef("pk"))
    return list(Organisation.objects.filter(Exists(visible)).order_by("path"))


@page
@vary_on_headers("HX-Request")
def library_index(request: AuthedRequest) -> HttpResponse:
    # Typing in the search box asks for the results only: no filter choices, no tags to compute.
    results_only = bool(request.htmx and request.htmx.target == "library-results")
    managed = selectors.orgs_managed(request.user)
    orgs = [] if results_only else _filter_orgs(request.user)
    form = FindForm(request.GET or None, orgs=orgs, managing=bool(managed))
    filters = selectors.MaterialFilters(**form.cleaned_data) if form.is_valid() else selectors.MaterialFilters()
    number = page_number(request.GET.get("page"), per_page=PER_PAGE)
    found = selectors.material_find(request.user, filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    if number > (last := last_page(found.total, per_page=PER_PAGE)):
        number = last  # past the end: show the last page
        found = selectors.material_find(request.user, filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    context = {
        "form": form,
        "found": found,
        "filters": filters,
        # Nothing found: what to try instead.
        "suggestions": selectors.search_suggestions(request.user, filters) if not found.total else None,
        "page_number": number,
        "has_next": number * PER_PAGE < found.total,
        "can_upload": bool(managed),
    }
    if results_only:
        return render(request, "library/index.html#results", context)
    context["tags"] = selectors.tags_in_use(request.user)
    return render(request, "library/index.html", context)


def _upload_page(request: AuthedRequest, form_class, template: str, create):
    form = form_class(request.POST or None, request.FILES or None, orgs=selectors.orgs_managed(request.user))

    def store(data: dict[str, Any]) -> Material:
        org = access_org(request.user, data["org"], selectors.MANAGE_PERM)
        return create(actor=request.user, org=org, **form.service_data())

    if done := submit(
        request,
        form,
        store,
        success=lambda material: (
            _("“%(title)s” is in the library as a draft: check it and publish it.") % {"title": material.title}
        ),
    ):
        return redirect("library:edit", pk=done.result.pk)
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@page(perm=selectors.MANAGE_PERM)
@require_http_methods(["GET", "POST"])
def material_upload(request: AuthedRequest) -> HttpResponse:
    return _upload_page(request, UploadForm, "library/upload.html", services.material_upload)


@page(perm=selectors.MANAGE_PERM)
@require_http_methods(["GET", "POST"])
def video_create(request: AuthedRequest) -> HttpResponse:
    return _upload_page(request, VideoForm, "library/video_form.html", services.material_video_create)


@page
@vary_on_headers("HX-Request")
def material_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    material = selectors.access_material(request.user, pk)
    context = {
        "material": material,
        "can_manage": selectors.may_manage(request.user, material),
        "tags": list(material.tags.values_list("name", flat=True)),
        "working": material.extraction in (Extraction.PENDING, Extraction.RUNNING),
    }
    if request.htmx and request.htmx.target == "material-status":
        return render(request, "library/detail.html#status", context)
    return render(request, "library/detail.html", context)


@page
@require_http_methods(["GET", "POST"])
def material_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    material = selectors.access_material(request.user, pk, manage=True)
    initial = {
        "title": material.title,
        "source": material.source,
        "published_on": material.published_on,
        "area": material.area,
        "audience": material.audience,
        "summary": material.summary,
        "keywords": "，".join(material.keywords),
        "tags": "，".join(material.tags.values_list("name", flat=True)),
        "downloadable": material.downloadable,
    }
    form = MaterialForm(request.POST or None, initial=initial)
    publish = "publish" in request.POST

    def save(data: dict[str, Any]) -> Material:
        saved = services.material_update(actor=request.user, material=material, **form.service_data())
        return services.material_publish(actor=request.user, material=saved) if publish else saved

    if submit(
        request,
        form,
        save,
        success=lambda saved: (
            _("“%(title)s” has been published.") % {"title": saved.title}
            if publish
            else _("The material has been saved.")
        ),
    ):
        return redirect("library:detail", pk=material.pk)
    return render(
        request,
        "library/edit.html",
        {
            "form": form,
            "material": material,
            "working": material.extraction in (Extraction.PENDING, Extraction.RUNNING),
        },
        status=400 if form.errors else 200,
    )


def _action(request: AuthedRequest, pk: int, act, done: str) -> HttpResponse:
    material = selectors.access_material(request.user, pk, manage=True)
    try:
        act(actor=request.user, material=material)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"title": material.title})
    return redirect("library:detail", pk=material.pk)


@page
@require_POST
def material_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.material_publish, _("“%(title)s” has been published."))


@page
@require_POST
def material_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.material_withdraw, _("“%(title)s” has been withdrawn."))


@page
@require_POST
def material_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    material = selectors.access_material(request.user, pk, manage=True)
    try:
        services.material_delete(actor=request.user, material=material)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("library:detail", pk=pk)
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": material.title})
    return redirect("library:index")


urlpatterns = [
    path("", library_index, name="index"),
    path("upload/", material_upload, name="upload"),
    path("videos/new/", video_create, name="video-create"),
    path("<int:pk>/", material_detail, name="detail"),
    path("<int:pk>/edit/", material_edit, name="edit"),
    path("<int:pk>/publish/", material_publish, name="publish"),
    path("<int:pk>/withdraw/", material_withdraw, name="withdraw"),
    path("<int:pk>/delete/", material_delete, name="delete"),
]
