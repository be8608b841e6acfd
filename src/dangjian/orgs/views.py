from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError
from dangjian.edge.http import add_domain_error, page
from dangjian.members.selectors import MemberFilters, member_list
from dangjian.orgs import selectors, services
from dangjian.orgs.forms import OfficerAppointForm, OfficerEndForm, OrgCreateForm, OrgEditForm
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_fields()
        parent_id = data.pop("parent")
        parent = access_org(request.user, parent_id, Perm.MANAGE_ORG) if parent_id else None
        try:
            org = services.org_create(actor=request.user, parent=parent, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The organisation %(name)s has been created.") % {"name": org.name})
            return redirect("orgs:org-detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": None})


@page
@require_http_methods(["GET", "POST"])
def org_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = access_org(request.user, pk, Perm.MANAGE_ORG)
    fields = list(OrgEditForm.base_fields)
    form = OrgEditForm(request.POST or None, initial={name: getattr(org, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=request.user, org=org, **form.cleaned_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The organisation has been saved."))
            return redirect("orgs:org-detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})


@page
@require_http_methods(["GET", "POST"])
def officer_appoint(request: AuthedRequest, pk: int) -> HttpResponse:
    org = access_org(request.user, pk, Perm.MANAGE_ORG)
    members = {m.pk: m for m in member_list(actor=request.user, filters=MemberFilters(org_id=org.pk))}
    form = OfficerAppointForm(request.POST or None, members=members.values())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = members.get(int(data.pop("member")))
        try:
            services.officer_appoint(actor=request.user, org=org, member=member, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been appointed.") % {"name": member.name})
            return redirect("orgs:org-detail", pk=org.pk)
    return render(request, "orgs/officer_form.html", {"form": form, "org": org})


@page
@require_http_methods(["GET", "POST"])
def officer_end(request: AuthedRequest, pk: int) -> HttpResponse:
    term = access_officer_term(request.user, pk, Perm.MANAGE_ORG)
    form = OfficerEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_end(actor=request.user, term=term, until=form.cleaned_data["until"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The term of office has been ended."))
            return redirect("orgs:org-detail", pk=term.org_id)
    return render(request, "orgs/officer_end.html", {"form": form, "term": term})
