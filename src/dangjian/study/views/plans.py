"""Pages for semesters, the working-day calendar, directives and semester study plans."""

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.core.errors import DomainError, NotFound
from dangjian.core.years import year_in_range
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.study.forms.plans import (
    CalendarDayForm,
    DirectiveForm,
    DirectiveItemFormSet,
    PlanItemForm,
    SemesterForm,
    StudyPlanForm,
    directive_items,
)
from dangjian.study.models import Directive, Semester, StudyPlan
from dangjian.study.selectors import plans as selectors
from dangjian.study.services import plans as services

# --- Semesters ----------------------------------------------------------------------------------


@page(perm=Perm.VIEW_ORG)
def semester_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "study/plans_semester_list.html",
        {
            "page_obj": paginate(request, selectors.semester_list(actor=request.user)),
            "today": today,
            "can_create": selectors.committees_managed(actor=request.user).exists(),
        },
    )


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def semester_create(request: AuthedRequest) -> HttpResponse:
    committees = {str(c.pk): c for c in selectors.committees_managed(actor=request.user)}
    if not committees:
        raise NotFound()
    form = SemesterForm(request.POST or None, committees=committees.values())

    def create(data: dict[str, Any]) -> Semester:
        data = dict(data)
        committee = committees[data.pop("committee")]
        return services.semester_create(actor=request.user, committee=committee, **data)

    if submit(
        request,
        form,
        create,
        success=lambda semester: _("The semester %(name)s has been defined.") % {"name": semester.name},
    ):
        return redirect("study:semester-list")
    return render(request, "study/plans_semester_form.html", {"form": form, "semester": None})


@page
@require_http_methods(["GET", "POST"])
def semester_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    semester = selectors.access_semester(request.user, pk, Perm.MANAGE_STUDY)
    initial = {name: getattr(semester, name) for name in services.SEMESTER_FIELDS}
    form = SemesterForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.semester_update(actor=request.user, semester=semester, **data),
        success=_("The semester has been saved."),
    ):
        return redirect("study:semester-list")
    return render(request, "study/plans_semester_form.html", {"form": form, "semester": semester})


# --- The working-day calendar -------------------------------------------------------------------


def _calendar_year(request: AuthedRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if year_in_range(year) else timezone.localdate().year


def _render_calendar(request: AuthedRequest, year: int, form: CalendarDayForm) -> HttpResponse:
    context = {
        "year": year,
        "days": selectors.calendar_days(year=year),
        "form": form,
        "can_edit": selectors.can_edit_calendar(request.user),
    }
    template = "study/plans_calendar.html"
    if request.htmx and request.htmx.target == "calendar-days":
        template += "#days"
    return render(request, template, context)


@page
@vary_on_headers("HX-Request")
def calendar(request: AuthedRequest) -> HttpResponse:
    year = _calendar_year(request)
    return _render_calendar(request, year, CalendarDayForm(initial={"date": datetime.date(year, 1, 1)}))


@page
@require_POST
def calendar_day_set(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_edit_calendar(request.user):
        raise NotFound()
    form = CalendarDayForm(request.POST)
    year = _calendar_year(request)
    success = None if request.htmx else _("The calendar has been saved.")
    if done := submit(
        request, form, lambda data: services.calendar_day_set(actor=request.user, **data), success=success
    ):
        year = done.result.date.year
        if not request.htmx:
            return redirect(f"{reverse('study:calendar')}?year={year}")
        form = CalendarDayForm(initial={"date": done.result.date})
    return _render_calendar(request, year, form)


@page
@require_POST
def calendar_day_remove(request: AuthedRequest, day: str) -> HttpResponse:
    if not selectors.can_edit_calendar(request.user):
        raise NotFound()
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise NotFound() from None
    try:
        services.calendar_day_remove(actor=request.user, date=date)
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.htmx:
        return _render_calendar(request, date.year, CalendarDayForm(initial={"date": date}))
    return redirect(f"{reverse('study:calendar')}?year={date.year}")


# --- Directives ---------------------------------------------------------------------------------


@page(perm=Perm.VIEW_ORG)
def directive_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "study/plans_directive_list.html",
        {
            "page_obj": paginate(request, selectors.directive_list(actor=request.user)),
            "can_create": selectors.committees_managed(actor=request.user).exists(),
        },
    )


def _managed_semesters(actor) -> dict:
    return {str(s.pk): s for s in selectors.semesters_managed(actor=actor)}


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def directive_create(request: AuthedRequest) -> HttpResponse:
    if not selectors.committees_managed(actor=request.user).exists():
        raise NotFound()
    semesters = _managed_semesters(request.user)
    initial = {}
    current = selectors.semester_current(actor=request.user)
    if current is not None and str(current.pk) in semesters:
        initial["semester"] = str(current.pk)
    form = DirectiveForm(request.POST or None, request.FILES or None, semesters=semesters.values(), initial=initial)
    formset = DirectiveItemFormSet(request.POST or None, prefix="items")

    def create(data: dict[str, Any]) -> Directive:
        data = dict(data)
        semester = semesters[data.pop("semester")]
        return services.directive_create(actor=request.user, semester=semester, items=directive_items(formset), **data)

    if done := submit(request, form, create, success=_("The directive has been recorded."), also=[formset]):
        return redirect("study:directive-detail", pk=done.result.pk)
    return render(request, "study/plans_directive_form.html", {"form": form, "formset": formset, "directive": None})


@page
def directive_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    directive = selectors.access_directive(request.user, pk)
    items = list(directive.items.prefetch_related(selectors.directive_item_plans(actor=request.user)))
    return render(
        request,
        "study/plans_directive_detail.html",
        {
            "directive": directive,
            "items": items,
            "can_manage": selectors.can_manage_study(request.user, directive.committee),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def directive_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    directive = selectors.access_directive(request.user, pk, Perm.MANAGE_STUDY)
    initial = {name: getattr(directive, name) for name in services.DIRECTIVE_FIELDS}
    form = DirectiveForm(request.POST or None, request.FILES or None, initial=initial)
    formset = DirectiveItemFormSet(
        request.POST or None,
        prefix="items",
        initial=[
            {"id": i.pk, "title": i.title, "form": i.form, "audience": i.audience, "deadline": i.deadline}
            for i in directive.items.all()
        ],
    )

    def update(data: dict[str, Any]) -> Directive:
        data = dict(data)
        attachment = data.pop("attachment", None) or None
        return services.directive_update(
            actor=request.user, directive=directive, items=directive_items(formset), attachment=attachment, **data
        )

    if submit(request, form, update, success=_("The directive has been saved."), also=[formset]):
        return redirect("study:directive-detail", pk=directive.pk)
    return render(
        request, "study/plans_directive_form.html", {"form": form, "formset": formset, "directive": directive}
    )


# --- Plans --------------------------------------------------------------------------------------


@page(perm=Perm.VIEW_ORG)
@vary_on_headers("HX-Request")
def plan_list(request: AuthedRequest) -> HttpResponse:
    semesters = list(selectors.semester_list(actor=request.user))
    chosen = request.GET.get("semester", "")
    semester = next((s for s in semesters if str(s.pk) == chosen), None)
    if semester is None and "semester" not in request.GET:
        semester = selectors.semester_current(actor=request.user)
    context = {
        "page_obj": paginate(
            request, selectors.study_plan_list(actor=request.user, semester_id=semester.pk if semester else None)
        ),
        "semesters": semesters,
        "semester": semester,
        "can_create": selectors.plan_orgs(actor=request.user).exists(),
    }
    template = "study/plans_plan_list.html"
    if request.htmx and request.htmx.target == "plan-results":
        template += "#results"
    return render(request, template, context)


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest) -> HttpResponse:
    orgs = {str(o.pk): o for o in selectors.plan_orgs(actor=request.user)}
    if not orgs:
        raise NotFound()
    semesters = {str(s.pk): s for s in selectors.semester_list(actor=request.user)}
    current = selectors.semester_current(actor=request.user)
    initial = {"org": request.GET.get("org", ""), "semester": str(current.pk) if current else ""}
    form = StudyPlanForm(request.POST or None, orgs=orgs.values(), semesters=semesters.values(), initial=initial)

    def create(data: dict[str, Any]) -> StudyPlan:
        data = dict(data)
        org, semester = orgs[data.pop("org")], semesters[data.pop("semester")]
        return services.study_plan_create(actor=request.user, org=org, semester=semester, **data)

    if done := submit(request, form, create, success=_("The study plan has been created. Add its items.")):
        return redirect("study:plan-detail", pk=done.result.pk)
    return render(request, "study/plans_plan_form.html", {"form": form, "plan": None})


def _render_plan(request: AuthedRequest, plan, *, partial: bool = False) -> HttpResponse:
    detail = selectors.study_plan_detail(plan=plan)
    context = {
        "detail": detail,
        "plan": plan,
        "can_manage": selectors.can_manage_study(request.user, plan.org),
        "pushes_down": plan.org.kind in services.rules.PUSHING_KINDS,
        "partial": partial,
    }
    template = "study/plans_plan_detail.html" + ("#items" if partial else "")
    return render(request, template, context)


@page
@vary_on_headers("HX-Request")
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.access_study_plan(request.user, pk)
    return _render_plan(request, plan, partial=bool(request.htmx and request.htmx.target == "plan-items"))


@page
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.access_study_plan(request.user, pk, Perm.MANAGE_STUDY)
    form = StudyPlanForm(request.POST or None, initial={"title": plan.title, "introduction": plan.introduction})
    if submit(
        request,
        form,
        lambda data: services.study_plan_update(actor=request.user, plan=plan, **data),
        success=_("The study plan has been saved."),
    ):
        return redirect("study:plan-detail", pk=plan.pk)
    return render(request, "study/plans_plan_form.html", {"form": form, "plan": plan})


@page
@require_http_methods(["GET", "POST"])
def plan_item_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.access_study_plan(request.user, pk, Perm.MANAGE_STUDY)
    form = PlanItemForm(
        request.POST or None,
        plan=plan,
        directive_items=selectors.directive_items_for(plan=plan),
        initial={"month": request.GET.get("month", "")},
    )
    if submit(
        request,
        form,
        lambda data: services.plan_item_add(actor=request.user, plan=plan, **form.cleaned_fields()),
        success=_("The item has been added."),
    ):
        if "add_another" in request.POST:
            return redirect(f"{request.path}?month={form.cleaned_data['month'].isoformat()}")
        return redirect("study:plan-detail", pk=plan.pk)
    return render(request, "study/plans_item_form.html", {"form": form, "plan": plan, "item": None})


@page
@require_http_methods(["GET", "POST"])
def plan_item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.access_plan_item(request.user, pk, Perm.MANAGE_STUDY)
    plan = item.plan
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    initial["month"] = item.month.isoformat()
    initial["directive_item"] = str(item.directive_item_id or "")
    form = PlanItemForm(
        request.POST or None, plan=plan, directive_items=selectors.directive_items_for(plan=plan), initial=initial
    )
    if item.required:
        for name, field in form.fields.items():
            if name not in services.REQUIRED_ITEM_EDITABLE:
                field.disabled = True
    if submit(
        request,
        form,
        lambda data: services.plan_item_update(actor=request.user, item=item, **form.cleaned_fields()),
        success=_("The item has been saved."),
    ):
        return redirect("study:plan-detail", pk=plan.pk)
    return render(request, "study/plans_item_form.html", {"form": form, "plan": plan, "item": item})


@page
@require_POST
def plan_item_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.access_plan_item(request.user, pk, Perm.MANAGE_STUDY)
    plan = item.plan
    try:
        services.plan_item_remove(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The item has been removed."))
    if request.htmx:
        return _render_plan(request, plan, partial=True)
    return redirect("study:plan-detail", pk=plan.pk)


@page
@require_http_methods(["GET", "POST"])
def plan_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.access_study_plan(request.user, pk, Perm.MANAGE_STUDY)
    if request.method == "POST":
        result = services.study_plan_publish(actor=request.user, plan=plan)
        if result.branches:
            messages.success(
                request,
                _(
                    "The plan has been published. %(branches)d branches received its required items "
                    "(%(created)d new, %(updated)d updated, %(removed)d withdrawn)."
                )
                % {
                    "branches": result.branches,
                    "created": result.items_created,
                    "updated": result.items_updated,
                    "removed": result.items_removed,
                },
            )
        else:
            messages.success(request, _("The plan has been published."))
        return redirect("study:plan-detail", pk=plan.pk)
    detail = selectors.study_plan_detail(plan=plan)
    pushed = [row for row in detail.rows if services.rules.pushes_down(plan.org.kind, row.item.organiser)]
    return render(request, "study/plans_publish_confirm.html", {"plan": plan, "pushed": pushed})


@page
def plan_export(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.access_study_plan(request.user, pk)
    detail = selectors.study_plan_detail(plan=plan)
    # Imported when used (python-docx): importing it at start-up slows every process.
    from dangjian.study.exporting.plan_docx import DOCX_CONTENT_TYPE, plan_docx, plan_docx_filename

    response = HttpResponse(plan_docx(detail), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, plan_docx_filename(detail))
    return response


urlpatterns = [
    path("semesters/", semester_list, name="semester-list"),
    path("semesters/new/", semester_create, name="semester-create"),
    path("semesters/<int:pk>/edit/", semester_edit, name="semester-edit"),
    path("calendar/", calendar, name="calendar"),
    path("calendar/set/", calendar_day_set, name="calendar-day-set"),
    path("calendar/<str:day>/remove/", calendar_day_remove, name="calendar-day-remove"),
    path("directives/", directive_list, name="directive-list"),
    path("directives/new/", directive_create, name="directive-create"),
    path("directives/<int:pk>/", directive_detail, name="directive-detail"),
    path("directives/<int:pk>/edit/", directive_edit, name="directive-edit"),
    path("plans/", plan_list, name="plan-list"),
    path("plans/new/", plan_create, name="plan-create"),
    path("plans/<int:pk>/", plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan-edit"),
    path("plans/<int:pk>/items/new/", plan_item_add, name="plan-item-add"),
    path("plans/<int:pk>/publish/", plan_publish, name="plan-publish"),
    path("plans/<int:pk>/export.docx", plan_export, name="plan-export"),
    path("plan-items/<int:pk>/edit/", plan_item_edit, name="plan-item-edit"),
    path("plan-items/<int:pk>/remove/", plan_item_remove, name="plan-item-remove"),
]
