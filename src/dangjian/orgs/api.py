import datetime

from django.utils import timezone
from ninja import Query, Router, Status

from dangjian.accounts import selectors as account_selectors
from dangjian.accounts import services as account_services
from dangjian.accounts.permissions import Perm, access_role_grant, scope_for
from dangjian.core.errors import NotFound
from dangjian.edge.schemas import responses
from dangjian.orgs import selectors, services
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import (
    OrgCreateIn,
    OrgGetOut,
    OrgListIn,
    OrgListOut,
    OrgOut,
    OrgUpdateIn,
    RoleGrantCreateIn,
    RoleGrantEndIn,
    RoleGrantListIn,
    RoleGrantListOut,
    RoleGrantOut,
)

router = Router(tags=["orgs"])
# Role grants: bound to an organisation, served beside the auth operations (`/roles`).
roles_router = Router(tags=["auth"])

NOT_VISIBLE = "404 when the organisation does not exist or is outside the caller's scope (the two look the same)."
NOT_ALLOWED = "403 when the caller may see the organisation but not change it; 403 also for a failed CSRF check."


@router.get(
    "",
    operation_id="org_list",
    response=responses({200: OrgListOut}),
    summary="List organisations",
    description="Organisations in the caller's scope, in tree order. Outside the scope nothing is listed.",
)
def org_list(request, filters: Query[OrgListIn]):
    orgs = selectors.org_list(actor=request.auth, kind=filters.kind, include_dissolved=filters.include_dissolved)
    return filters.page(orgs)


@router.get(
    "/{org_id}",
    operation_id="org_get",
    response=responses({200: OrgGetOut}),
    summary="An organisation with officers, counts, next election and checks",
    description=NOT_VISIBLE,
)
def org_get(request, org_id: int):
    org = access_org(request.auth, org_id)
    return selectors.org_summary(actor=request.auth, org=org)


@router.post(
    "",
    operation_id="org_create",
    response=responses({201: OrgOut}),
    summary="Add an organisation",
    description=(
        "Adds an organisation under `parent`. 404 (with `field`: `parent`) when the parent is outside the "
        "caller's scope; 403 when the caller may see the parent but not manage it, or sends no parent without "
        "being an administrator; 400 for a rule the data breaks (a kind that cannot sit there, a used code)."
    ),
)
def org_create(request, payload: OrgCreateIn):
    parent = None
    if payload.parent is not None:
        try:
            parent = access_org(request.auth, payload.parent)
        except NotFound as exc:
            raise NotFound(field="parent") from exc
    data = payload.model_dump(exclude={"parent"})
    return Status(201, services.org_create(actor=request.auth, parent=parent, **data))


@router.patch(
    "/{org_id}",
    operation_id="org_update",
    response=responses({200: OrgOut}),
    summary="Change an organisation",
    description=f"Only the fields sent are changed. {NOT_VISIBLE} {NOT_ALLOWED} 400 for a used code or an empty name.",
)
def org_update(request, org_id: int, payload: OrgUpdateIn):
    org = access_org(request.auth, org_id, Perm.VIEW_ORG)
    return services.org_update(actor=request.auth, org=org, **payload.model_dump(exclude_unset=True))


# --- Role grants -------------------------------------------------------------------------------

NO_ACCOUNTS = "404 when the caller may manage accounts nowhere (committee and branch officers and administrators may)."


def _check_manages_accounts(actor) -> None:
    if not scope_for(actor).has_anywhere(Perm.MANAGE_ACCOUNTS):
        raise NotFound()


@roles_router.get(
    "/roles",
    operation_id="role_grant_list",
    response=responses({200: RoleGrantListOut}),
    summary="Who holds which role",
    description=(
        "Role grants bound to organisations where the caller manages accounts (administrators see all, "
        f"global administrator grants too), ordered by organisation. {NO_ACCOUNTS}"
    ),
    tags=["roles"],
)
def role_grant_list(request, filters: Query[RoleGrantListIn]):
    _check_manages_accounts(request.auth)
    return filters.page(account_selectors.role_grant_list(actor=request.auth, include_ended=filters.include_ended))


@roles_router.post(
    "/roles",
    operation_id="role_grant_create",
    response=responses({201: RoleGrantOut}),
    summary="Grant a role",
    description=(
        "Binds a role to an organisation for a period: an auditor, a system administrator (`org` null), or an "
        "officer's role for someone without an office (offices grant their roles when the officer is appointed). "
        "404 (with `field`: `org`) when the organisation is not one where the caller manages accounts (a dissolved one "
        "neither); 403 when the role brings "
        "rights the caller does not hold there. 400 (with `field`: `username`) for an unknown account, and alike for "
        "the account of a Party member outside the caller's roster. "
        f"{NO_ACCOUNTS}"
    ),
    tags=["roles"],
)
def role_grant_create(request, payload: RoleGrantCreateIn):
    actor = request.auth
    _check_manages_accounts(actor)
    org = None
    if payload.org is not None:  # the organisations the grant page offers
        org = selectors.role_grant_orgs(actor=actor).filter(pk=payload.org).first()
        if org is None:
            raise NotFound(field="org")
    user = account_selectors.user_get_by_username(actor=actor, username=payload.username)
    grant = account_services.role_grant(
        actor=actor, user=user, role=payload.role, org=org, since=payload.since, until=payload.until
    )
    return Status(201, grant)


@roles_router.post(
    "/roles/{grant_id}/end",
    operation_id="role_grant_end",
    response=responses({200: RoleGrantOut}),
    summary="End a role",
    description=(
        "Sets the last day of a role grant. 404 when the grant does not exist or is bound outside where the caller "
        "manages accounts; 403 when the role brings rights the caller does not hold there. 400 for a role that "
        "came with an office term (it ends with the term) or that already ends by then."
    ),
    tags=["roles"],
)
def role_grant_end(request, grant_id: int, payload: RoleGrantEndIn):
    grant = access_role_grant(request.auth, grant_id)
    until = payload.until or timezone.localdate() - datetime.timedelta(days=1)
    return account_services.role_end(actor=request.auth, grant=grant, until=until)
