"""Reads of the audit trail, limited to where the actor may view the audit log."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    q: str = ""  # actor name or object
    action: str = ""  # an action, or a prefix such as "member."
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_list(*, actor: User, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEvent]:
    """Audit events in the actor's audit scope, newest first. Global events only for administrators."""
    scope = scope_for(actor)
    qs = AuditEvent.objects.filter(scope.org_filter(Perm.VIEW_AUDIT, prefix="org_path"))
    if not scope.is_admin:
        qs = qs.exclude(org_path="")
    if filters.q:
        qs = qs.filter(Q(actor_name__contains=filters.q) | Q(object_repr__contains=filters.q))
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs.select_related("actor").order_by("-at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
