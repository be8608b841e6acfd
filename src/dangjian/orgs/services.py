"""Organisation actions: create and change organisations, appoint and end officers."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import services as account_services
from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.unset import UNSET, Unset, given
from dangjian.orgs import rules
from dangjian.orgs.models import OfficerTerm, Organisation

ORG_FIELDS = [
    "name",
    "code",
    "kind",
    "parent_id",
    "founded_on",
    "admin_unit",
    "admin_unit_head",
    "term_started_on",
    "term_years",
    "sort_order",
    "dissolved_on",
]


def _check_manage(actor: User, path: str) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_ORG, path):
        raise Forbidden()


def _check_code(code: str, exclude_pk: int | None = None) -> str:
    code = code.strip()
    if not code:
        raise DomainError(_("An organisation needs a code."), field="code")
    others = Organisation.objects.filter(code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DomainError(
            _("The code %(code)s is already used by another organisation.") % {"code": code}, field="code"
        )
    return code


@transaction.atomic
def org_create(
    *,
    actor: User,
    parent: Organisation | None,
    kind: str,
    name: str,
    code: str,
    founded_on: datetime.date | None = None,
    admin_unit: str = "",
    admin_unit_head: str = "",
    term_started_on: datetime.date | None = None,
    term_years: int | None = None,
    sort_order: int = 0,
) -> Organisation:
    """Add an organisation under `parent` (None for a top-level committee; administrators only)."""
    if parent is None:
        if not scope_for(actor).is_admin:
            raise Forbidden()
    else:
        _check_manage(actor, parent.path)
    if not rules.can_contain(parent.kind if parent else None, kind):
        raise DomainError(_("This kind of organisation cannot be placed there."), field="kind")
    if not name.strip():
        raise DomainError(_("An organisation needs a name."), field="name")
    org = Organisation(
        parent=parent,
        kind=kind,
        name=name.strip(),
        code=_check_code(code),
        founded_on=founded_on,
        admin_unit=admin_unit,
        admin_unit_head=admin_unit_head,
        term_started_on=term_started_on,
        term_years=term_years,
        sort_order=sort_order,
        # A placeholder that is unique until the id is known.
        path=f"new-{timezone.now().timestamp()}-{id(parent)}-{code}",
    )
    org.save()
    org.path = (parent.path if parent else "") + Organisation.path_segment(org.pk)
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    audit.record(actor=actor, action="org.create", obj=org, org_path=org.path, changes=audit.snapshot(org, ORG_FIELDS))
    return org


@transaction.atomic(durable=True)
def org_update(
    *,
    actor: User,
    org: Organisation,
    name: str | Unset = UNSET,
    code: str | Unset = UNSET,
    founded_on: datetime.date | None | Unset = UNSET,
    admin_unit: str | Unset = UNSET,
    admin_unit_head: str | Unset = UNSET,
    term_started_on: datetime.date | None | Unset = UNSET,
    term_years: int | None | Unset = UNSET,
    sort_order: int | Unset = UNSET,
    dissolved_on: datetime.date | None | Unset = UNSET,
) -> Organisation:
    """Change an organisation's details (not its place in the tree): only the fields passed."""
    _check_manage(actor, org.path)
    fields = given(
        name=name,
        code=code,
        founded_on=founded_on,
        admin_unit=admin_unit,
        admin_unit_head=admin_unit_head,
        term_started_on=term_started_on,
        term_years=term_years,
        sort_order=sort_order,
        dissolved_on=dissolved_on,
    )
    before = audit.snapshot(org, ORG_FIELDS)
    if "code" in fields:
        fields["code"] = _check_code(fields["code"], exclude_pk=org.pk)
    if "name" in fields and not str(fields["name"]).strip():
        raise DomainError(_("An organisation needs a name."), field="name")
    for key, value in fields.items():
        setattr(org, key, value)
    org.save()
    changes = audit.diff(before, audit.snapshot(org, ORG_FIELDS))
    if changes:
        audit.record(actor=actor, action="org.update", obj=org, org_path=org.path, changes=changes)
    return org


@transaction.atomic
def officer_appoint(
    *,
    actor: User,
    org: Organisation,
    member: Any,  # a members.Member: orgs sits below members and reaches it only through relations
    position: str,
    since: datetime.date,
    until: datetime.date | None = None,
) -> OfficerTerm:
    """Record that `member` holds `position` in `org`; the office brings its role with it, conferred by the actor."""
    _check_manage(actor, org.path)
    if until is not None and until < since:
        raise DomainError(_("A term cannot end before it begins."), field="until")
    if OfficerTerm.objects.filter(org=org, member=member, position=position, until__isnull=True).exists():
        raise DomainError(_("%(name)s already holds this office.") % {"name": member.name}, field="member")
    term = OfficerTerm.objects.create(org=org, member=member, position=position, since=since, until=until)
    role = rules.POSITION_ROLES.get((org.kind, position))
    if role and member.user_id:
        account_services.role_grant(
            actor=actor, user=member.user, role=role, org=org, since=since, until=until, note=f"officer_term:{term.pk}"
        )
    audit.record(
        actor=actor,
        action="officer.appoint",
        obj=term,
        org_path=org.path,
        changes={"member": member.pk, "position": position, "since": since, "until": until},
    )
    return term


@transaction.atomic(durable=True)
def officer_end(*, actor: User, term: OfficerTerm, until: datetime.date) -> OfficerTerm:
    """End a term of office, and the role it brought."""
    _check_manage(actor, term.org.path)
    if until < term.since:
        raise DomainError(_("A term cannot end before it begins."), field="until")
    term.until = until
    term.save(update_fields=["until", "updated_at"])
    # A term appointed with an end date may end early: its role then ends with it.
    grants = RoleGrant.objects.filter(Q(until__isnull=True) | Q(until__gt=until), note=f"officer_term:{term.pk}")
    for grant in grants.select_related("user", "org"):
        account_services.office_role_end(actor=actor, grant=grant, until=until)
    audit.record(actor=actor, action="officer.end", obj=term, org_path=term.org.path, changes={"until": until})
    return term
