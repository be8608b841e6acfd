from ninja import Query, Router, Status

from dangjian.accounts.permissions import Perm
from dangjian.core.errors import NotFound
from dangjian.edge.schemas import responses
from dangjian.orgs import selectors, services
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgCreateIn, OrgGetOut, OrgListIn, OrgListOut, OrgOut, OrgUpdateIn

router = Router(tags=["orgs"])

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
