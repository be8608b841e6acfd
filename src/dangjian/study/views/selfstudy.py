"""Self-study pages: a member's log and hours, reading lists, reflections review and the ledger for officers."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.edge.xlsx import xlsx_response
from dangjian.library.selectors.materials import access_material
from dangjian.library.selectors.topics import material_choices
from dangjian.members.selectors import actor_member
from dangjian.orgs.permissions import access_org
from dangjian.orgs.selectors import org_list
from dangjian.study.forms.selfstudy import LedgerFilterForm, ReadingListForm, ReflectionFilterForm, SelfStudyForm
from dangjian.study.models import ReadingList
from dangjian.study.selectors import selfstudy as selectors
from dangjian.study.services import selfstudy as services

LEDGER_PER_PAGE = 50


def _year(request: AuthedRequest) -> int:
    years = selectors.ledger_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return years[0]
    return year if year in years else years[0]


# --- A member's own self-study ------------------------------------------------------------------


def _offered_materials(request: AuthedRequest, *extra) -> list:
    """The library materials the self-study form may name: the one asked for (`?material=`, as the reader's
    "write a reflection" sends), the one posted, and `extra`; each only if the actor may see it."""
    materials = {}
    for candidate in (request.GET.get("material"), request.POST.get("material"), *extra):
        if candidate in (None, ""):
            continue
        try:
            material = access_material(request.user, candidate)
        except NotFound:
            continue
        materials.setdefault(material.pk, material)
    return list(materials.values())


@page
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def selfstudy_list(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    if member is None:
        return render(request, "study/selfstudy_list.html", {"member": None})
    items = selectors.assigned_reading_items(member=member)
    materials = _offered_materials(request)
    initial = {"reading_item": request.GET.get("item", ""), "title": request.GET.get("title", "")[:200]}
    asked = next((m for m in materials if str(m.pk) == request.GET.get("material")), None)
    if asked is not None:
        initial["material"] = asked.pk
        initial["title"] = asked.title
        # Reading an item's material is studying that item.
        initial["reading_item"] = next((i.pk for i in items if i.material_id == asked.pk), initial["reading_item"])
    form = SelfStudyForm(request.POST or None, items=items, materials=materials, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.self_study_log(actor=request.user, member=member, **form.entry_data()),
        success=_("Your self-study has been logged."),
    ):
        return redirect("study:selfstudy-list")
    year = timezone.localdate().year
    context = {
        "member": member,
        "form": form,
        "page_obj": paginate(request, selectors.self_study_list(member=member)),
        "row": selectors.ledger_for_member(member, year),
        "year": year,
    }
    template = "study/selfstudy_list.html"
    if request.method == "GET" and request.htmx and request.htmx.target == "selfstudy-entries":
        template += "#entries"
    return render(request, template, context)


@page
@require_http_methods(["GET", "POST"])
def selfstudy_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.access_own_self_study(request.user, pk)
    items = selectors.assigned_reading_items(member=entry.member)
    if entry.reading_item and entry.reading_item not in items:
        items.append(entry.reading_item)
    initial = {
        "studied_on": entry.studied_on,
        "minutes": entry.minutes,
        "title": entry.title,
        "reading_item": entry.reading_item_id or "",
        "material": entry.material_id or "",
        "reflection": entry.reflection,
    }
    materials = _offered_materials(request, entry.material_id)
    form = SelfStudyForm(request.POST or None, items=items, materials=materials, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.self_study_update(actor=request.user, entry=entry, **form.entry_data()),
        success=_("The entry has been saved."),
    ):
        return redirect("study:selfstudy-list")
    return render(request, "study/selfstudy_form.html", {"form": form, "entry": entry})


@page
@require_POST
def selfstudy_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.access_own_self_study(request.user, pk)
    try:
        services.self_study_delete(actor=request.user, entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The entry has been removed."))
    return redirect("study:selfstudy-list")


@page
@require_GET
def my_hours(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    year = _year(request)
    context = {"member": member, "year": year, "years": selectors.ledger_years()}
    if member is not None:
        context["progress"] = selectors.member_progress(member=member, year=year)
        context["credited"] = selectors.credited_attendances(member=member, year=year)
    return render(request, "study/selfstudy_my_hours.html", context)


# --- Reading lists ------------------------------------------------------------------------------


def _list_orgs(actor) -> list:
    scope = scope_for(actor)
    return [org for org in org_list(actor=actor) if scope.allows(Perm.MANAGE_STUDY, org.path)]


@page
@require_GET
def readinglist_list(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    context = {
        "assigned": selectors.reading_lists_for_member(member=member) if member else [],
        "managed": paginate(request, selectors.reading_list_list(actor=request.user)),
        "can_create": scope_for(request.user).has_anywhere(Perm.MANAGE_STUDY),
    }
    return render(request, "study/selfstudy_reading_lists.html", context)


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def readinglist_create(request: AuthedRequest) -> HttpResponse:
    form = ReadingListForm(
        request.POST or None, orgs=_list_orgs(request.user), materials=material_choices(request.user)
    )

    def create(data: dict[str, Any]) -> ReadingList:
        org = access_org(request.user, data["org"], Perm.MANAGE_STUDY)
        return services.reading_list_create(actor=request.user, org=org, items=form.items(), **form.list_data())

    if submit(request, form, create, success=_("The reading list has been assigned.")):
        return redirect("study:readinglist-list")
    return render(request, "study/selfstudy_reading_list_form.html", {"form": form, "reading_list": None})


@page
@require_http_methods(["GET", "POST"])
def readinglist_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    reading_list = selectors.access_reading_list(request.user, pk, Perm.MANAGE_STUDY)
    form = ReadingListForm(
        request.POST or None,
        orgs=[reading_list.org],
        materials=material_choices(request.user, keep=[item.material_id for item in reading_list.items.all()]),
        initial=ReadingListForm.initial_for(reading_list),
    )
    form.fields["org"].disabled = True
    if submit(
        request,
        form,
        lambda data: services.reading_list_update(
            actor=request.user,
            reading_list=reading_list,
            items=form.items(existing=reading_list.items.all()),
            **form.list_data(),
        ),
        success=_("The reading list has been saved."),
    ):
        return redirect("study:readinglist-list")
    return render(request, "study/selfstudy_reading_list_form.html", {"form": form, "reading_list": reading_list})


# --- Officers: reflections and the ledger ---------------------------------------------------------


@page(perm=selectors.LEDGER_PERM)
@require_GET
@vary_on_headers("HX-Request")
def reflection_list(request: AuthedRequest) -> HttpResponse:
    form = ReflectionFilterForm(request.GET, orgs=org_list(actor=request.user), years=selectors.ledger_years())
    org_id, year = form.values()
    filters = selectors.ReflectionFilters(
        year=year, org_id=org_id, flagged_only=form.cleaned_data.get("flagged", False)
    )
    context = {
        "form": form,
        "page_obj": paginate(request, selectors.reflection_list(actor=request.user, filters=filters)),
    }
    template = "study/selfstudy_reflections.html"
    if request.htmx and request.htmx.target == "reflection-results":
        template += "#results"
    return render(request, template, context)


@page(perm=selectors.LEDGER_PERM)
@require_GET
@vary_on_headers("HX-Request")
def ledger(request: AuthedRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET, orgs=org_list(actor=request.user), years=selectors.ledger_years())
    org_id, year = form.values()
    ledger = selectors.ledger_for_scope(actor=request.user, year=year, org=org_id)
    context = {
        "form": form,
        "ledger": ledger,
        # The summary counts the whole scope; the table shows one page of it, the export all of it.
        "page_obj": paginate(request, ledger.rows, per_page=LEDGER_PER_PAGE),
        "query": request.GET.urlencode(),
    }
    template = "study/ledger_list.html"
    if request.htmx and request.htmx.target == "ledger-results":
        template += "#results"
    return render(request, template, context)


@page(perm=selectors.LEDGER_PERM)
@require_GET
def ledger_export(request: AuthedRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET, orgs=org_list(actor=request.user), years=selectors.ledger_years())
    org_id, year = form.values()
    export = services.ledger_export(actor=request.user, year=year, org=org_id)
    return xlsx_response(export.content, export.filename)


urlpatterns = [
    path("self-study/", selfstudy_list, name="selfstudy-list"),
    path("self-study/<int:pk>/edit/", selfstudy_edit, name="selfstudy-edit"),
    path("self-study/<int:pk>/delete/", selfstudy_delete, name="selfstudy-delete"),
    path("my-hours/", my_hours, name="my-hours"),
    path("reading-lists/", readinglist_list, name="readinglist-list"),
    path("reading-lists/new/", readinglist_create, name="readinglist-create"),
    path("reading-lists/<int:pk>/edit/", readinglist_edit, name="readinglist-edit"),
    path("reflections/", reflection_list, name="reflection-list"),
    path("ledger/", ledger, name="ledger"),
    path("ledger/export/", ledger_export, name="ledger-export"),
]
