"""Pages for heart-to-heart talks: recording, the list, coverage against the yearly rule,
the required-talk to-dos, and the member's own list of talks held with them."""

from collections.abc import Iterator

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care import rules, services
from dangjian.care.forms import ReasonForm, TalkForm
from dangjian.care.models import TalkKind, TodoReason
from dangjian.care.selectors import talks as selectors
from dangjian.core.errors import NotFound
from dangjian.core.years import YEAR_MIN
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.members.selectors import actor_member
from dangjian.members.views.options import member_option_list
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.orgs.permissions import access_org


def _year(request: AuthedRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return min(max(year, YEAR_MIN), today.year)


@page(perm=Perm.MANAGE_CARE)
def talk_list(request: AuthedRequest) -> HttpResponse:
    year = _year(request)
    org = access_org(request.user, request.GET["org"], Perm.MANAGE_CARE) if request.GET.get("org") else None
    kind = request.GET.get("kind", "")
    if kind not in TalkKind.values:
        kind = ""
    page_obj = paginate(
        request, selectors.talk_list(request.user, selectors.TalkFilters(org=org, year=year, kind=kind))
    )
    return render(
        request,
        "care/talk_list.html",
        {"page_obj": page_obj, "year": year, "org": org, "kind": kind, "kinds": TalkKind.choices},
    )


@page(perm=Perm.MANAGE_CARE)
@require_http_methods(["GET", "POST"])
def talk_create(request: AuthedRequest) -> HttpResponse:
    todo = selectors.access_todo(request.user, request.GET["todo"]) if request.GET.get("todo") else None
    if todo is not None and not todo.is_open:
        raise NotFound()
    members = selectors.talk_member_choices(request.user)
    officers = selectors.talk_officer_choices(request.user)
    initial = {"officer": scope_for(request.user).member_id}
    if todo is not None:
        initial |= {"member": todo.member_id, "kind": TalkKind.REQUIRED}
    elif request.GET.get("member"):
        initial["member"] = request.GET["member"]
    form = TalkForm(request.POST or None, members=members, officers=officers, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.talk_record(
            actor=request.user,
            member=data["member"],
            officer=data["officer"],
            held_on=data["held_on"],
            kind=data["kind"],
            summary=data["summary"],
            follow_up=data["follow_up"],
            todo=todo,
        ),
        success=lambda talk: _("The talk with %(name)s has been recorded.") % {"name": talk.member.name},
    ):
        return redirect("care:todo-list") if todo else redirect("care:talk-detail", pk=done.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "care/talk_form.html", {"form": form, "todo": todo}, status=status)


@page
def talk_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    talk = selectors.access_talk(request.user, pk)
    return render(request, "care/talk_detail.html", {"talk": talk})


@page
def my_talks(request: AuthedRequest) -> HttpResponse:
    talks = list(selectors.my_talks(request.user))
    return render(
        request, "care/my_talks.html", {"talks": talks, "has_member": scope_for(request.user).member_id is not None}
    )


def _own_branch(actor, branches: list[Organisation]) -> Organisation:
    """The branch to show first: the one the actor belongs to if it is in scope, else the first one."""
    member = actor_member(actor)
    if member is not None and member.org is not None:
        for branch in branches:
            if member.org.path.startswith(branch.path):
                return branch
    return branches[0]


@page(perm=Perm.MANAGE_CARE)
def coverage(request: AuthedRequest) -> HttpResponse:
    branches = list(selectors.coverage_branches(request.user))
    year = _year(request)
    branch = None
    if request.GET.get("org"):
        branch = access_org(request.user, request.GET["org"], Perm.MANAGE_CARE)
        if branch.kind != OrgKind.BRANCH:
            raise NotFound()
    elif branches:
        branch = _own_branch(request.user, branches)
    result = selectors.talk_coverage(branch, year) if branch is not None else None
    return render(
        request,
        "care/coverage.html",
        {
            "branches": branches,
            "branch": branch,
            "coverage": result,
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
            "rule_count": rules.TALKS_PER_PAIR_PER_YEAR,
        },
    )


TODO_STATES = [("open", _("Open")), ("done", _("Done")), ("cancelled", _("Cancelled")), ("all", _("All"))]


@page(perm=Perm.MANAGE_CARE)
def todo_list(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in dict(TODO_STATES):
        state = "open"
    page_obj = paginate(request, selectors.todo_list(request.user, state))
    return render(
        request,
        "care/todo_list.html",
        {
            "page_obj": page_obj,
            "state": state,
            "states": TODO_STATES,
            "today": timezone.localdate(),
            "member_id": scope_for(request.user).member_id,
            "reasons": TodoReason,
        },
    )


@page(perm=Perm.MANAGE_CARE)
@require_http_methods(["GET", "POST"])
def todo_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    todo = selectors.access_todo(request.user, pk)
    form = ReasonForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.talk_todo_cancel(actor=request.user, todo=todo, reason=data["reason"]),
        success=_("The to-do has been cancelled."),
    ):
        return redirect("care:todo-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "care/todo_cancel.html", {"form": form, "todo": todo}, status=status)


@options_view(perm=Perm.MANAGE_CARE)
def talk_member_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The talk form's member picker: members in the actor's care scope, their own branch first."""
    return member_option_list(selectors.talk_member_choices(request.user, query.q)[: query.limit + 1])


@options_view(perm=Perm.MANAGE_CARE)
def talk_officer_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The talk form's officer picker: the actor and the officers in their care scope."""
    return member_option_list(selectors.talk_officer_choices(request.user, query.q)[: query.limit + 1])


urlpatterns = [
    path("talks/", talk_list, name="talk-list"),
    path("talks/officers/", talk_officer_options, name="talk-officer-options"),
    path("talks/members/", talk_member_options, name="talk-member-options"),
    path("talks/new/", talk_create, name="talk-create"),
    path("talks/<int:pk>/", talk_detail, name="talk-detail"),
    path("talks/coverage/", coverage, name="coverage"),
    path("my/talks/", my_talks, name="my-talks"),
    path("todos/", todo_list, name="todo-list"),
    path("todos/<int:pk>/cancel/", todo_cancel, name="todo-cancel"),
]
