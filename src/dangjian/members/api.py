from ninja import Query, Router, Status

from dangjian.accounts.permissions import Perm
from dangjian.core.errors import NotFound
from dangjian.edge.schemas import responses
from dangjian.members import selectors, services
from dangjian.members.permissions import access_member
from dangjian.members.schemas import (
    MemberCreateIn,
    MemberGetOut,
    MemberListIn,
    MemberListOut,
    MemberOut,
    MemberRevealOut,
    MemberUpdateIn,
    MeOut,
)
from dangjian.orgs.permissions import access_org

router = Router(tags=["members"])
# `/me`: the caller's account with their member record; it sits with the auth operations.
me_router = Router(tags=["auth"])

NOT_VISIBLE = "404 when the member does not exist or is outside the caller's scope (the two look the same)."
NOT_ALLOWED = "403 when the caller may see the member but not do this; 403 also for a failed CSRF check."
INVALID = "400 with `errors` per field when the data breaks a rule (ID check digit, dates, duplicates)."


@router.get(
    "",
    operation_id="member_list",
    response=responses({200: MemberListOut}),
    summary="Search the roster",
    description=(
        "Current members in the caller's scope (a member without an office sees only themself), "
        "filtered, searched and sorted like the roster page."
    ),
)
def member_list(request, filters: Query[MemberListIn]):
    members = selectors.member_list(
        actor=request.auth,
        filters=selectors.MemberFilters(
            q=filters.q,
            org_id=filters.org,
            category=filters.category or "",
            status=filters.status or "",
            sort=filters.sort,
        ),
    )
    return filters.page(members)


@router.get(
    "/{member_id}",
    operation_id="member_get",
    response=responses({200: MemberGetOut}),
    summary="A member's record, with personal data masked",
    description=NOT_VISIBLE,
)
def member_get(request, member_id: int):
    member = access_member(request.auth, member_id)
    return selectors.member_profile(member=member)


@router.post(
    "/{member_id}/reveal",
    operation_id="member_reveal",
    response=responses({200: MemberRevealOut}),
    summary="Reveal a member's ID number and phone (audited)",
    description=f"Every reveal is written to the audit log. {NOT_VISIBLE} {NOT_ALLOWED}",
)
def member_reveal(request, member_id: int):
    member = access_member(request.auth, member_id)
    return services.member_reveal(actor=request.auth, member=member)


@router.post(
    "",
    operation_id="member_create",
    response=responses({201: MemberOut}),
    summary="Add a member",
    description=(
        "Adds a member to a branch or group. 404 (with `field`: `org`) when the organisation is outside the "
        f"caller's scope; 403 when the caller may see it but not manage its members. {INVALID}"
    ),
)
def member_create(request, payload: MemberCreateIn):
    try:
        org = access_org(request.auth, payload.org, Perm.VIEW_ORG)
    except NotFound as exc:
        raise NotFound(field="org") from exc
    data = payload.model_dump(exclude={"org"})
    return Status(201, services.member_create(actor=request.auth, org=org, **data))


@router.patch(
    "/{member_id}",
    operation_id="member_update",
    response=responses({200: MemberOut}),
    summary="Change a member's data",
    description=f"Only the fields sent are changed. {NOT_VISIBLE} {NOT_ALLOWED} {INVALID}",
)
def member_update(request, member_id: int, payload: MemberUpdateIn):
    member = access_member(request.auth, member_id)
    return services.member_update(actor=request.auth, member=member, **payload.model_dump(exclude_unset=True))


@me_router.get(
    "/me",
    operation_id="me_get",
    response=responses({200: MeOut}),
    summary="The caller: account, member record, roles and permissions",
)
def me_get(request):
    return selectors.account_overview(actor=request.auth)
