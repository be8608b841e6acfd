from ninja import Query, Router

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.core.schemas import AuditListIn, AuditListOut, responses
from dangjian.core.selectors import AuditFilters, audit_list

router = Router(tags=["audit"])


@router.get(
    "",
    operation_id="audit_list",
    response=responses({200: AuditListOut}),
    summary="Browse the audit log",
    description=(
        "Audit events in the caller's audit scope, newest first. "
        "404 when the caller may browse the audit log nowhere (auditors and administrators may)."
    ),
)
def audit_list_api(request, filters: Query[AuditListIn]):
    actor = request.auth
    if not scope_for(actor).has_anywhere(Perm.VIEW_AUDIT):
        raise NotFound()
    events = audit_list(
        actor=actor,
        filters=AuditFilters(
            q=filters.q.strip(), action=filters.action.strip(), date_from=filters.date_from, date_to=filters.date_to
        ),
    )
    return filters.page(events)
