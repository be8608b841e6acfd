"""Pages of member development: the pipeline by stage with its clocks, a person's file, and the forms
to register an applicant, record a step and assign mentors."""

from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.development import rules, selectors, services
from dangjian.development.forms import MentorForm, PipelineFilterForm, RegisterForm, StepForm, mentor_options_url
from dangjian.development.models import Person
from dangjian.edge.http import form_status, page, submit
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.members.rules import mask_id_number
from dangjian.members.selectors import actor_member
from dangjian.members.views.options import member_option_list
from dangjian.orgs.forms import org_choice_label


def _show_warnings(request: AuthedRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@page(perm=Perm.VIEW_MEMBERS)
@require_GET
def pipeline(request: AuthedRequest) -> HttpResponse:
    orgs = selectors.visible_orgs(actor=request.user)
    form = PipelineFilterForm(request.GET or None, orgs=orgs)
    org = form.cleaned_data["org"] if form.is_valid() else None
    data = selectors.scope_clocks(actor=request.user, org=org, today=timezone.localdate())
    context = {
        "form": form,
        "pipeline": data,
        "org": org,
        "can_register": selectors.developing_orgs(actor=request.user).exists(),
    }
    return render(request, "development/pipeline.html", context)


@page(perm=Perm.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def person_create(request: AuthedRequest) -> HttpResponse:
    orgs = selectors.developing_orgs(actor=request.user)
    initial = {}
    if request.GET.get("org", "").isdigit():
        initial["org"] = request.GET["org"]
    elif (own := orgs.filter(pk__in=_own_branches(request)).first()) is not None:
        initial["org"] = own.pk
    form = RegisterForm(request.POST or None, orgs=orgs, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.person_register(actor=request.user, **data),
        success=lambda done: _("%(name)s's application has been registered.") % {"name": done.record.person.name},
    ):
        _show_warnings(request, done.result.warnings)
        return redirect("development:person-detail", pk=done.result.record.person_id)
    return render(request, "development/person_form.html", {"form": form}, status=form_status(form))


def _own_branches(request: AuthedRequest) -> list[int]:
    member = actor_member(request.user)
    if member is None or member.org is None:
        return []
    return [member.org.pk, member.org.parent_id] if member.org.parent_id else [member.org.pk]


def _render_detail(request: AuthedRequest, person: Person, revealed: dict | None = None) -> HttpResponse:
    file = selectors.person_file(person=person, today=timezone.localdate())
    context = {
        "file": file,
        "person": person,
        "id_number": revealed["id_number"] if revealed else mask_id_number(person.id_number),
        "revealed": revealed is not None,
        "can_manage": selectors.can_manage(request.user, person),
        "can_reveal": selectors.can_reveal(request.user, person),
        "rulesets": rules.RULESETS,
    }
    template = "development/person_detail.html"
    if revealed is not None and request.htmx:
        template += "#personal"
    return render(request, template, context)


@page
@require_GET
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.access_person(request.user, pk))


@page
@require_POST
def person_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    return _render_detail(request, person, services.person_reveal(actor=request.user, person=person))


@page
@require_http_methods(["GET", "POST"])
def step_record(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk, Perm.MANAGE_MEMBERS)
    initial = {"step": request.GET["step"]} if request.GET.get("step") in rules.STEP_BY_KEY else {}
    form = StepForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.step_record(actor=request.user, person=person, **data),
        success=lambda done: _("%(step)s has been recorded.") % {"step": done.record.get_step_display()},
    ):
        _show_warnings(request, done.result.warnings)
        return redirect("development:person-detail", pk=person.pk)
    return render(request, "development/step_form.html", {"form": form, "person": person}, status=form_status(form))


@page
@require_http_methods(["GET", "POST"])
def mentors_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk, Perm.MANAGE_MEMBERS)
    members = selectors.mentor_choices(actor=request.user, person=person)
    form = MentorForm(
        request.POST or None,
        members=members,
        options_url=mentor_options_url(person.pk),
        initial={"mentors": list(person.mentors.values_list("pk", flat=True))},
    )
    if done := submit(
        request,
        form,
        lambda data: services.mentors_assign(
            actor=request.user, person=person, mentors=list(data["mentors"]), on=data["on"]
        ),
        success=_("The mentors have been assigned."),
    ):
        if done.result is not None:
            _show_warnings(request, done.result.warnings)
        return redirect("development:person-detail", pk=person.pk)
    return render(request, "development/mentor_form.html", {"form": form, "person": person}, status=form_status(form))


@options_view(perm=Perm.MANAGE_MEMBERS)
def org_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The registration form's branch picker: `developing_orgs` whose name contains `q`."""
    orgs = selectors.developing_orgs(actor=request.user)
    if query.q:
        orgs = orgs.filter(name__contains=query.q)
    for org in orgs[: query.limit + 1]:
        yield Option(org.pk, *org_choice_label(org))


@options_view
def mentor_options(request: AuthedRequest, query: OptionsQuery, pk: int) -> Iterator[Option]:
    """The mentor picker: full members of the person's branch (what the form accepts)."""
    person = selectors.access_person(request.user, pk, Perm.MANAGE_MEMBERS)
    members = selectors.mentor_choices(actor=request.user, person=person, q=query.q)
    return member_option_list(members[: query.limit + 1])


urlpatterns = [
    path("", pipeline, name="pipeline"),
    path("new/", person_create, name="person-create"),
    path("orgs/", org_options, name="org-options"),
    path("<int:pk>/", person_detail, name="person-detail"),
    path("<int:pk>/reveal/", person_reveal, name="person-reveal"),
    path("<int:pk>/steps/new/", step_record, name="step-record"),
    path("<int:pk>/mentors/", mentors_assign, name="mentors-assign"),
    path("<int:pk>/mentors/options/", mentor_options, name="mentor-options"),
]
