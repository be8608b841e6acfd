"""Roster actions: add, change and transfer members, record special situations, reveal data."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import services as account_services
from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.core.unset import UNSET, Unset, given
from dangjian.members import rules
from dangjian.members.models import Category, Education, Gender, Member, Membership, SituationKind, SpecialSituation
from dangjian.members.permissions import can_manage, can_readmit, can_reveal
from dangjian.orgs.models import Organisation, OrgKind

MEMBER_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "category",
    "number",
    "admin_unit",
    "phone",
    "joined_on",
    "full_member_on",
]
# Audit records never carry personal data in clear.
PERSONAL_FIELDS = {"id_number", "phone"}
MEMBER_ORGS = {OrgKind.BRANCH, OrgKind.GROUP}
# The database does not enforce choices, so the service does.
MEMBER_CHOICES = {"gender": Gender, "category": Category, "education": Education}


def _audit_values(values: dict) -> dict:
    return {
        k: (rules.mask_id_number(v) if k == "id_number" else rules.mask_phone(v) if k == "phone" else v)
        for k, v in values.items()
    }


def _audit_changes(changes: dict) -> dict:
    return {k: [_audit_values({k: old})[k], _audit_values({k: new})[k]] for k, (old, new) in changes.items()}


def clean_member_data(data: dict) -> dict:
    """Normalise text fields the way every entry path stores them."""
    cleaned = dict(data)
    for key in ("name", "ethnicity", "number", "admin_unit", "phone"):
        if key in cleaned and cleaned[key] is not None:
            cleaned[key] = str(cleaned[key]).strip()
    if cleaned.get("id_number"):
        cleaned["id_number"] = rules.normalise_id_number(cleaned["id_number"])
    for key in ("id_number", "number"):
        if key in cleaned and not cleaned[key]:
            cleaned[key] = None
    return cleaned


def validate_member(
    data: dict, *, instance: Member | None = None, today: datetime.date | None = None
) -> dict[str, list[str]]:
    """All problems with `data` (rules and uniqueness), keyed by field; empty when valid."""
    errors: dict[str, list[str]] = {}
    for field, message in rules.member_problems(data, today or timezone.localdate()):
        errors.setdefault(field, []).append(message)
    for field, choices in MEMBER_CHOICES.items():
        if data.get(field) and data[field] not in choices.values:
            errors.setdefault(field, []).append(_("%(value)s is not a valid choice") % {"value": data[field]})
    others = Member.objects.exclude(pk=instance.pk) if instance else Member.objects.all()
    if data.get("id_number") and others.filter(id_number=data["id_number"]).exists():
        errors.setdefault("id_number", []).append(_("another member already has this ID number"))
    if data.get("number") and others.filter(number=data["number"]).exists():
        errors.setdefault("number", []).append(_("another member already has this staff or student number"))
    return errors


def _check_member_org(org: Organisation) -> None:
    if org.kind not in MEMBER_ORGS:
        raise DomainError(_("Members belong to a branch or a party group."), field="org")
    if org.dissolved_on:
        raise DomainError(_("The organisation has been dissolved."), field="org")


@transaction.atomic
def member_create(
    *, actor: User, org: Organisation, since: datetime.date | None = None, create_account: bool = True, **data: Any
) -> Member:
    """Add a member to a branch or group; with a staff or student number, an account is created."""
    if not scope_for(actor).allows(Perm.MANAGE_MEMBERS, org.path):
        raise Forbidden()
    _check_member_org(org)
    data = clean_member_data({k: v for k, v in data.items() if k in MEMBER_FIELDS})
    raise_for_errors(validate_member(data))
    member = Member(org=org, **data)
    member.name_initials = rules.name_initials(member.name)
    member.save()
    Membership.objects.create(
        member=member, org=org, since=since or timezone.localdate(), reason=_("Added to the roster")
    )
    if create_account and member.number:
        user = User.objects.filter(username=member.number).first()
        if user is None:
            user = account_services.user_create(actor=actor, username=member.number, display_name=member.name)
        elif hasattr(user, "member"):  # the account already belongs to someone else
            user = None
        if user is not None:
            member.user = user
            member.save(update_fields=["user"])
    audit.record(
        actor=actor,
        action="member.create",
        obj=member,
        org_path=org.path,
        changes=_audit_values(audit.snapshot(member, MEMBER_FIELDS) | {"org": org.pk}),
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: User,
    member: Member,
    name: str | Unset = UNSET,
    gender: str | Unset = UNSET,
    ethnicity: str | Unset = UNSET,
    birth_date: datetime.date | None | Unset = UNSET,
    id_number: str | None | Unset = UNSET,
    education: str | Unset = UNSET,
    category: str | Unset = UNSET,
    number: str | None | Unset = UNSET,
    admin_unit: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    joined_on: datetime.date | None | Unset = UNSET,
    full_member_on: datetime.date | None | Unset = UNSET,
) -> Member:
    """Change a member's data: only the fields passed. Moving to another organisation goes through `member_transfer`."""
    if not can_manage(actor, member):
        raise Forbidden()
    data = given(
        name=name,
        gender=gender,
        ethnicity=ethnicity,
        birth_date=birth_date,
        id_number=id_number,
        education=education,
        category=category,
        number=number,
        admin_unit=admin_unit,
        phone=phone,
        joined_on=joined_on,
        full_member_on=full_member_on,
    )
    before = audit.snapshot(member, MEMBER_FIELDS)
    # Validate the typed values (dates as dates), not the audit snapshot, whose dates are text.
    merged = clean_member_data({name: getattr(member, name) for name in MEMBER_FIELDS} | data)
    raise_for_errors(validate_member(merged, instance=member))
    for key in data:
        setattr(member, key, merged[key])
    member.name_initials = rules.name_initials(member.name)
    member.save()
    changes = audit.diff(before, audit.snapshot(member, MEMBER_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="member.update",
            obj=member,
            org_path=member.org.path if member.org is not None else "",
            changes=_audit_changes(changes),
        )
    return member


@transaction.atomic
def member_transfer(
    *, actor: User, member: Member, to_org: Organisation | None, on: datetime.date, reason: str = ""
) -> Member:
    """Move a member to another branch or group (None: transferred out of the college)."""
    # A member who left the college is read-only; only taking them back in changes them.
    if not (can_manage(actor, member) or (to_org is not None and can_readmit(actor, member))):
        raise Forbidden()
    if to_org is not None and not scope_for(actor).allows(Perm.MANAGE_MEMBERS, to_org.path):
        raise Forbidden()
    if to_org is not None:
        _check_member_org(to_org)
        if to_org.pk == member.org_id:
            raise DomainError(_("The member already belongs to this organisation."), field="org")
    elif member.org_id is None:
        raise DomainError(_("The member has already been transferred out."), field="org")
    current = member.memberships.filter(until__isnull=True).first()
    if current is not None:
        if on < current.since:
            raise DomainError(_("The transfer date is before the member joined the current organisation."), field="on")
        current.until = on
        current.save(update_fields=["until", "updated_at"])
    from_path = member.org.path if member.org is not None else ""
    if to_org is not None:
        Membership.objects.create(member=member, org=to_org, since=on, reason=reason)
    member.org = to_org
    member.save(update_fields=["org", "updated_at"])
    changes = {"org": [current.org_id if current else None, to_org.pk if to_org else None], "on": on, "reason": reason}
    audit.record(actor=actor, action="member.transfer", obj=member, org_path=from_path, changes=changes)
    # The receiving side's auditors see the transfer too, unless the move stays inside one subtree.
    if to_org is not None and (not from_path or not to_org.path.startswith(from_path)):
        audit.record(actor=actor, action="member.transfer_in", obj=member, org_path=to_org.path, changes=changes)
    return member


@transaction.atomic(durable=True)
def member_reveal(*, actor: User, member: Member) -> dict[str, str]:
    """The member's ID number and phone in clear, for an actor allowed to see them; audited."""
    if not can_reveal(actor, member):
        raise Forbidden()
    audit.record(
        actor=actor,
        action="member.reveal",
        obj=member,
        org_path=member.org.path if member.org is not None else "",
        changes={"fields": sorted(PERSONAL_FIELDS)},
    )
    return {"id_number": member.id_number or "", "phone": member.phone}


@transaction.atomic(durable=True)
def situation_add(
    *, actor: User, member: Member, kind: str, since: datetime.date, until: datetime.date | None = None, note: str = ""
) -> SpecialSituation:
    """Record a dated special situation (flowing, abroad, frail and exempt)."""
    if not can_manage(actor, member):
        raise Forbidden()
    if kind not in SituationKind.values:
        raise DomainError(_("Unknown kind of special situation."), field="kind")
    if until is not None and until < since:
        raise DomainError(_("A period cannot end before it begins."), field="until")
    situation = SpecialSituation.objects.create(member=member, kind=kind, since=since, until=until, note=note)
    audit.record(
        actor=actor,
        action="member.situation_add",
        obj=situation,
        org_path=member.org.path if member.org is not None else "",
        changes={"member": member.pk, "kind": kind, "since": since, "until": until, "note": note},
    )
    return situation


@transaction.atomic(durable=True)
def situation_end(*, actor: User, situation: SpecialSituation, until: datetime.date) -> SpecialSituation:
    member = situation.member
    if not can_manage(actor, member):
        raise Forbidden()
    if until < situation.since:
        raise DomainError(_("A period cannot end before it begins."), field="until")
    situation.until = until
    situation.save(update_fields=["until", "updated_at"])
    audit.record(
        actor=actor,
        action="member.situation_end",
        obj=situation,
        org_path=member.org.path if member.org is not None else "",
        changes={"until": until},
    )
    return situation
