from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.accounts import selectors as account_selectors
from dangjian.accounts import services as account_services
from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.models import Role, RoleGrant
from dangjian.accounts.permissions import Perm, Scope, access_role_grant, scope_for
from dangjian.core.errors import DomainError, Forbidden
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.orgs import selectors, services
from dangjian.orgs.forms import (
    OfficerAppointForm,
    OfficerEndForm,
    OrgCreateForm,
    OrgEditForm,
    RoleEndForm,
    RoleGrantForm,
    org_choice_label,
)
from dangjian.orgs.models import OfficerTerm, Organisation
from dangjian.orgs.permissions import access_officer_term, access_org, can_manage_org


@page(perm=Perm.VIEW_ORG)
def org_tree(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "orgs/org_tree.html",
        {
            "roots": selectors.org_tree(actor=request.user),
            "can_create": scope_for(request.user).has_anywhere(Perm.MANAGE_ORG),
        },
    )


@page
def org_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    org = access_org(request.user, pk, Perm.VIEW_ORG)
    summary = selectors.org_summary(actor=request.user, org=org)
    return render(
        request,
        "orgs/org_detail.html",
        {
            "summary": summary,
            "org": org,
            "can_manage": can_manage_org(request.user, org),
            "can_view_members": scope_for(request.user).allows(Perm.VIEW_MEMBERS, org.path),
            "can_manage_study": scope_for(request.user).allows(Perm.MANAGE_STUDY, org.path),
            "can_manage_care": scope_for(request.user).allows(Perm.MANAGE_CARE, org.path),
        },
    )


def _manageable_parents(actor) -> list:
    scope = scope_for(actor)
    return [o for o in selectors.org_list(actor=actor) if scope.allows(Perm.MANAGE_ORG, o.path)]


@page(perm=Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def org_create(request: AuthedRequest) -> HttpResponse:
    is_admin = scope_for(request.user).is_admin
    initial = {"parent": request.GET.get("parent", "")}
    form = OrgCreateForm(
        request.POST or None, initial=initial, parents=_manageable_parents(request.user), allow_top=is_admin
    )

    def create(_data: dict) -> Organisation:
        data = form.cleaned_fields()
        parent_id = data.pop("parent")
        parent = access_org(request.user, parent_id, Perm.MANAGE_ORG) if parent_id else None
        return services.org_create(actor=request.user, parent=parent, **data)

    if done := submit(
        request,
        form,
        create,
        success=lambda org: _("The organisation %(name)s has been created.") % {"name": org.name},
    ):
        return redirect("orgs:org-detail", pk=done.result.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": None})


@page
@require_http_methods(["GET", "POST"])
def org_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = access_org(request.user, pk, Perm.MANAGE_ORG)
    fields = list(OrgEditForm.base_fields)
    form = OrgEditForm(request.POST or None, initial={name: getattr(org, name) for name in fields})
    if submit(
        request,
        form,
        lambda _data: services.org_update(actor=request.user, org=org, **form.cleaned_fields()),
        success=_("The organisation has been saved."),
    ):
        return redirect("orgs:org-detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})


@page
@require_http_methods(["GET", "POST"])
def officer_appoint(request: AuthedRequest, pk: int) -> HttpResponse:
    org = access_org(request.user, pk, Perm.MANAGE_ORG)
    members = selectors.officer_candidates(actor=request.user, org=org)
    form = OfficerAppointForm(request.POST or None, org=org, members=members)

    def appoint(data: dict) -> OfficerTerm:
        return services.officer_appoint(actor=request.user, org=org, **data)

    if submit(
        request,
        form,
        appoint,
        success=lambda term: _("%(name)s has been appointed.") % {"name": term.member.name},
    ):
        return redirect("orgs:org-detail", pk=org.pk)
    return render(request, "orgs/officer_form.html", {"form": form, "org": org})


@page
@require_http_methods(["GET", "POST"])
def officer_end(request: AuthedRequest, pk: int) -> HttpResponse:
    term = access_officer_term(request.user, pk, Perm.MANAGE_ORG)
    form = OfficerEndForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.officer_end(actor=request.user, term=term, until=data["until"]),
        success=_("The term of office has been ended."),
    ):
        return redirect("orgs:org-detail", pk=term.org_id)
    return render(request, "orgs/officer_end.html", {"form": form, "term": term})


# --- Role grants: granted on an organisation; the pages sit among the account pages -------------


@contextmanager
def _refusal_on_form() -> Iterator[None]:
    """The role pages show a refusal (a role the actor may not confer) on the form, not as a 403 page."""
    try:
        yield
    except Forbidden as exc:
        raise DomainError(exc.message) from exc


def _may_end(scope: Scope, grant: RoleGrant) -> bool:
    return grant.officer_term_id is None and account_services.may_confer(
        scope, grant.role, grant.org.path if grant.org_id else None
    )


@page(perm=Perm.MANAGE_ACCOUNTS)
def role_list(request: AuthedRequest) -> HttpResponse:
    include_ended = request.GET.get("ended") == "1"
    grants = paginate(request, account_selectors.role_grant_list(actor=request.user, include_ended=include_ended))
    scope = scope_for(request.user)
    today = timezone.localdate()
    for grant in grants:
        grant.can_end = (grant.until is None or grant.until >= today) and _may_end(scope, grant)
    return render(request, "orgs/role_list.html", {"page_obj": grants, "include_ended": include_ended})


@page(perm=Perm.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def role_grant(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    orgs = {org.pk: org for org in selectors.role_grant_orgs(actor=request.user)}
    # Only the roles the actor could confer somewhere (org path None: everywhere, administrators only).
    roles = [
        r
        for r in Role.values
        if any(account_services.may_confer(scope, r, path) for path in [None, *(o.path for o in orgs.values())])
    ]
    form = RoleGrantForm(request.POST or None, roles=roles, orgs=list(orgs.values()))

    def grant(data: dict) -> RoleGrant:
        user = account_selectors.user_get_by_username(actor=request.user, username=data["username"])
        with _refusal_on_form():  # should the choices let something through
            return account_services.role_grant(
                actor=request.user,
                user=user,
                role=data["role"],
                org=orgs[int(data["org"])] if data["org"] else None,
                since=data["since"],
                until=data["until"],
            )

    if submit(
        request,
        form,
        grant,
        success=lambda g: _("%(name)s now holds the role %(role)s.") % {"name": g.user, "role": g.get_role_display()},
    ):
        return redirect("accounts:role-list")
    return render(request, "orgs/role_grant.html", {"form": form})


@page(perm=Perm.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def role_end(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = access_role_grant(request.user, pk)
    form = RoleEndForm(request.POST or None)

    def end(data: dict) -> RoleGrant:
        with _refusal_on_form():
            return account_services.role_end(actor=request.user, grant=grant, until=data["until"])

    if submit(request, form, end, success=_("The role has been ended.")):
        return redirect("accounts:role-list")
    return render(
        request,
        "orgs/role_end.html",
        {"form": form, "grant": grant, "can_end": _may_end(scope_for(request.user), grant)},
    )


@options_view
def org_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The organisation picker's options: organisations the actor may see whose name contains `q`, in tree order."""
    orgs = selectors.org_list(actor=request.user)
    if query.q:
        orgs = orgs.filter(name__contains=query.q)
    for org in orgs[: query.limit + 1]:
        yield Option(org.pk, *org_choice_label(org))


@options_view(perm=Perm.MANAGE_ORG)
def officer_candidate_options(request: AuthedRequest, query: OptionsQuery, pk: int) -> Iterator[Option]:
    """The appointment form's member picker: `officer_candidates` of the organisation, matching `q`."""
    org = access_org(request.user, pk, Perm.MANAGE_ORG)
    members = selectors.officer_candidates(actor=request.user, org=org, q=query.q)
    for member in members[: query.limit + 1]:
        yield Option(member.pk, *selectors.member_choice_label(member))


@options_view(perm=Perm.MANAGE_ACCOUNTS)
def role_grant_org_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The role-grant form's organisation picker: `role_grant_orgs` (what the form and the API accept) by name."""
    orgs = selectors.role_grant_orgs(actor=request.user)
    if query.q:
        orgs = orgs.filter(name__contains=query.q)
    for org in orgs[: query.limit + 1]:
        yield Option(org.pk, *org_choice_label(org))
