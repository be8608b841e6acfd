"""Roster pages: the member list, a member's profile, and the forms that change it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts import services as account_services
from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, Forbidden
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.members import selectors, services
from dangjian.members.forms import (
    TRANSFER_OUT,
    MemberCreateForm,
    MemberEditForm,
    MemberFilterForm,
    SituationForm,
    TransferForm,
)
from dangjian.members.models import Member
from dangjian.members.permissions import (
    access_member,
    access_member_to_transfer,
    can,
    can_manage,
    can_readmit,
    can_reveal,
)
from dangjian.members.registry import profile_panels
from dangjian.members.rules import mask_id_number, mask_phone
from dangjian.orgs.permissions import access_org
from dangjian.orgs.selectors import org_list


@page  # scoped by the selector: a member without roles sees just themself, as in the API
@vary_on_headers("HX-Request")
def member_list(request: AuthedRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET, orgs=org_list(actor=request.user))
    filters = form.filters()
    page_obj = paginate(request, selectors.member_list(actor=request.user, filters=filters))
    for member in page_obj:  # masked once here so the template never sees the clear values
        member.phone_masked = mask_phone(member.phone)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "page_obj": page_obj,
        "export_query": export_query.urlencode(),
        "can_manage": scope_for(request.user).has_anywhere(Perm.MANAGE_MEMBERS),
    }
    template = "members/member_list.html"
    if request.htmx and request.htmx.target == "member-results":
        template += "#results"
    return render(request, template, context)


def _personal(member: Member, revealed: dict[str, str] | None = None) -> dict:
    if revealed is not None:
        return {"id_number": revealed["id_number"], "phone": revealed["phone"], "revealed": True}
    return {"id_number": mask_id_number(member.id_number), "phone": mask_phone(member.phone), "revealed": False}


def _render_detail(request: AuthedRequest, member: Member, revealed: dict[str, str] | None = None) -> HttpResponse:
    context = {
        "profile": selectors.member_profile(member=member),
        "member": member,
        "personal": _personal(member, revealed),
        "can_manage": can_manage(request.user, member),
        # A member sees their own record but not their branch's page (officers only): no dead link.
        "can_view_org": member.org is not None and request.user.has_perm(Perm.VIEW_ORG, member.org),
        "can_reveal": can_reveal(request.user, member),
        "can_readmit": can_readmit(request.user, member),
        "can_reset_password": member.user_id is not None and can(request.user, Perm.MANAGE_ACCOUNTS, member),
    }
    # What other apps show on the profile (evaluation: the member's recognition).
    context["profile_panels"], panel_context = profile_panels(actor=request.user, member=member)
    context.update(panel_context)
    return render(request, "members/member_detail.html", context)


@page
def member_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_detail(request, access_member(request.user, pk, Perm.VIEW_MEMBERS))


@page
@require_POST
@never_cache
@vary_on_headers("HX-Request")
def member_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    member = access_member(request.user, pk, Perm.REVEAL_PERSONAL_DATA)
    revealed = services.member_reveal(actor=request.user, member=member)
    if request.htmx:
        context = {"member": member, "personal": _personal(member, revealed), "can_reveal": True}
        return render(request, "members/member_detail.html#personal", context)
    return _render_detail(request, member, revealed)


@page(perm=Perm.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_create(request: AuthedRequest) -> HttpResponse:
    initial = {"org": request.GET.get("org", "")}
    form = MemberCreateForm(request.POST or None, initial=initial, orgs=list(selectors.member_orgs(actor=request.user)))

    def create(data: dict) -> Member:
        org = access_org(request.user, data["org"], Perm.MANAGE_MEMBERS)
        return services.member_create(actor=request.user, org=org, since=data["since"], **form.member_data())

    if done := submit(
        request,
        form,
        create,
        success=lambda member: _("%(name)s has been added to the roster.") % {"name": member.name},
    ):
        return redirect("members:member-detail", pk=done.result.pk)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@page
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    member = access_member(request.user, pk, Perm.MANAGE_MEMBERS)
    masked = {"id_number": mask_id_number(member.id_number), "phone": mask_phone(member.phone)}
    initial = {name: getattr(member, name) for name in MemberEditForm.base_fields if name not in masked}
    form = MemberEditForm(request.POST or None, initial=initial, masked=masked)
    if submit(
        request,
        form,
        lambda data: services.member_update(actor=request.user, member=member, **form.member_data()),
        success=_("The member's data has been saved."),
    ):
        return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@page
@require_http_methods(["GET", "POST"])
def member_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    member = access_member_to_transfer(request.user, pk)
    orgs = [o for o in list(selectors.member_orgs(actor=request.user)) if o.pk != member.org_id]
    form = TransferForm(request.POST or None, orgs=orgs)

    def transfer(data: dict) -> Member:
        choice = data["to_org"]
        to_org = None if choice == TRANSFER_OUT else access_org(request.user, choice, Perm.MANAGE_MEMBERS)
        return services.member_transfer(
            actor=request.user, member=member, to_org=to_org, on=data["on"], reason=data["reason"]
        )

    if submit(request, form, transfer, success=_("The transfer has been recorded.")):
        if member.org_id is None or not can_manage(request.user, member):
            return redirect("members:member-list")
        return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_transfer.html", {"form": form, "member": member})


@page
@require_http_methods(["GET", "POST"])
def situation_add(request: AuthedRequest, pk: int) -> HttpResponse:
    member = access_member(request.user, pk, Perm.MANAGE_MEMBERS)
    form = SituationForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.situation_add(actor=request.user, member=member, **data),
        success=_("The special situation has been recorded."),
    ):
        return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/situation_form.html", {"form": form, "member": member})


@page
@require_POST
@never_cache
def password_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    member = access_member(request.user, pk, Perm.MANAGE_ACCOUNTS)
    if member.user is None:
        messages.error(request, _("This member has no account."))
        return redirect("members:member-detail", pk=member.pk)
    try:
        password = account_services.password_reset(
            actor=request.user, user=member.user, org_path=member.org.path if member.org_id else ""
        )
    except Forbidden:
        messages.error(request, _("You may not reset the password of an account that holds roles beyond yours."))
        return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/password_reset_done.html", {"member": member, "password": password})


@page
@require_POST
def account_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    member = access_member(request.user, pk, Perm.MANAGE_ACCOUNTS)
    if member.user is None or not member.user.is_active:
        messages.error(request, _("This member has no active account."))
        return redirect("members:member-detail", pk=member.pk)
    try:
        account_services.user_deactivate(actor=request.user, user=member.user, org_path=member.org.path)
    except Forbidden:
        messages.error(request, _("You may not disable an account that holds roles beyond yours."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The account has been disabled and its API tokens revoked. Resetting the password enables it again."),
        )
    return redirect("members:member-detail", pk=member.pk)
