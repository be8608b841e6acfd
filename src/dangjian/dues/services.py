"""Writes of dues: declare and confirm a base, generate a month's ledger, record a payment, and grant a
hardship relief in two steps (the branch proposes, the committee above approves).

The platform records what members paid to their branch's collector or by transfer; it never takes
money and never pays for anyone (党费规定 Art.14: no 垫交, no 扣缴).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.dues import rules
from dangjian.dues.models import BaseSource, DuesBase, LedgerLine, Method, Relief, ReliefKind
from dangjian.dues.selectors import (
    LEDGER_ORGS,
    approver_path,
    bases_in_force,
    can_approve,
    can_collect,
    reliefs_in_force,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

MAX_BASE = Decimal("10000000")  # a monthly base above this is a typing mistake


# --- Pricing: one function for generation, re-pricing and the member's page --------------------------


def _price(member: Member, month: datetime.date, base: DuesBase | None, relief: Relief | None) -> dict | None:
    """A ledger line's priced fields for `member` and `month`, or None when their class needs a base they lack."""
    payer_class = base.payer_class if base is not None else rules.default_class(member.category)
    ruleset = rules.ruleset_for(month)
    try:
        amount = rules.dues_amount(payer_class, base.amount if base is not None else None, ruleset)
    except rules.BaseMissing:
        return None
    due = rules.relieved(amount.amount, relief.reduced_to) if relief is not None else amount.amount
    return {
        "payer_class": payer_class,
        "base": amount.base,
        "rate": amount.rate,
        "rule_version": ruleset.key,
        "amount_by_rule": amount.amount,
        "relief": relief,
        "amount_due": due,
    }


def _reprice_unpaid(member: Member, since: datetime.date, until: datetime.date | None = None) -> int:
    """Re-price the member's unpaid lines from `since` (a new base or relief applies to them); paid lines stay."""
    lines = LedgerLine.objects.select_for_update().filter(member=member, month__gte=since, paid_on__isnull=True)
    if until is not None:
        lines = lines.filter(month__lte=until)
    changed = 0
    for line in lines:
        priced = _price(member, line.month, _base_for(member, line.month), _relief_for(member, line.month))
        if priced is None:
            continue
        for name, value in priced.items():
            setattr(line, name, value)
        line.save(update_fields=list(priced))
        changed += 1
    return changed


def _base_for(member: Member, month: datetime.date) -> DuesBase | None:
    return bases_in_force([member.pk], month).get(member.pk)


def _relief_for(member: Member, month: datetime.date) -> Relief | None:
    return reliefs_in_force([member.pk], month).get(member.pk)


# --- Bases ------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def base_declare(
    *,
    actor: User,
    member: Member,
    payer_class: str,
    effective_month: datetime.date,
    amount: Decimal | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> DuesBase:
    """Declare a member's monthly base from the month the pay was first paid (Art.1, Art.10).

    Declared by the member it waits for the branch's confirmation; entered by the branch's collector it is
    confirmed at once. A declaration not yet confirmed for the same month is replaced."""
    today = today or timezone.localdate()
    own = scope_for(actor).member_id == member.pk
    collector = can_collect(actor, member)
    if not own and not collector:
        raise Forbidden()
    effective_month = rules.month_of(effective_month)
    errors: dict[str, list[str]] = {}
    if payer_class not in rules.PAYER_CLASS_LABELS:
        errors.setdefault("payer_class", []).append(_("Choose how the member pays."))
    elif payer_class in rules.NEEDS_BASE:
        if amount is None:
            errors.setdefault("amount", []).append(_("Enter the monthly base."))
        elif amount < 0 or amount > MAX_BASE:
            errors.setdefault("amount", []).append(_("Enter a base between 0 and 10,000,000 元."))
    else:
        amount = None  # the fixed amount needs no base
    if effective_month > rules.month_of(today):
        errors.setdefault("effective_month", []).append(
            _("A base applies from the month the pay was first paid: that month has not begun.")
        )
    if effective_month < rules.first_month(member.joined_on):
        errors.setdefault("effective_month", []).append(_("The member had not joined the Party in that month."))
    raise_for_errors(errors)
    if amount is not None:
        amount = rules.to_fen(amount)
    existing = DuesBase.objects.select_for_update().filter(member=member, effective_month=effective_month).first()
    if existing is not None and existing.applies:
        raise DomainError(
            _(
                "A base from %(month)s is already in force; declare the new one from the month the new pay was first paid."
            )
            % {"month": f"{effective_month:%Y-%m}"},
            field="effective_month",
        )
    confirm = collector and not own
    base = existing or DuesBase(member=member, effective_month=effective_month)
    base.payer_class = payer_class
    base.amount = amount
    base.note = note.strip()
    base.declared_by = actor
    base.source = BaseSource.CONFIRMED if confirm else BaseSource.DECLARED
    base.confirmed_by = actor if confirm else None
    base.confirmed_at = timezone.now() if confirm else None
    base.save()
    repriced = _reprice_unpaid(member, effective_month) if confirm else 0
    audit.record(
        actor=actor,
        action="dues.base_declare",
        obj=base,
        org_path=member.org.path if member.org else "",
        changes={
            "member": member.pk,
            "payer_class": payer_class,
            "amount": amount,
            "effective_month": effective_month,
            "source": base.source,
            "repriced": repriced,
        },
    )
    return base


@transaction.atomic(durable=True)
def base_confirm(*, actor: User, base: DuesBase) -> DuesBase:
    """The branch confirms a member's declaration; unpaid lines from its month on are re-priced (Art.10)."""
    base = DuesBase.objects.select_for_update(of=("self",)).select_related("member", "member__org").get(pk=base.pk)
    if not can_collect(actor, base.member):
        raise Forbidden()
    if base.applies:
        raise DomainError(_("This base has already been confirmed."))
    base.source = BaseSource.CONFIRMED
    base.confirmed_by = actor
    base.confirmed_at = timezone.now()
    base.save(update_fields=["source", "confirmed_by", "confirmed_at", "updated_at"])
    repriced = _reprice_unpaid(base.member, base.effective_month)
    audit.record(
        actor=actor,
        action="dues.base_confirm",
        obj=base,
        org_path=base.member.org.path if base.member.org else "",
        changes={"member": base.member_id, "amount": base.amount, "repriced": repriced},
    )
    return base


# --- The monthly ledger ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    org: Organisation
    month: datetime.date
    created: int
    existing: int
    missing_base: list[Member]  # members whose class needs a base and who have none in force


def ledger_generate(
    *, actor: User, org: Organisation, month: datetime.date, today: datetime.date | None = None
) -> Generated:
    """Write the month's lines for the members of `org`'s subtree who have none yet (idempotent).

    Everything is read and priced first, in four queries whatever the number of members (members, bases,
    reliefs, existing lines); the write is one short transaction of bulk inserts and an audit event."""
    today = today or timezone.localdate()
    month = rules.month_of(month)
    if not scope_for(actor).allows(Perm.MANAGE_MEMBERS, org.path) or org.kind not in LEDGER_ORGS:
        raise Forbidden()
    if month > rules.month_of(today):
        raise DomainError(_("The month has not begun."), field="month")
    eligible = Member.objects.current().filter(org__path__startswith=org.path, joined_on__lte=rules.month_end(month))
    existing = set(
        LedgerLine.objects.filter(month=month, member_id__in=eligible.values("pk")).values_list("member_id", flat=True)
    )
    members = list(
        eligible.select_related("org")
        .only("pk", "name", "category", "joined_on", "org__path", "org__name")
        .order_by("pk")
    )
    todo = [m for m in members if m.pk not in existing]
    # Read for every eligible member (a subquery, whatever their number); those with a line are skipped below.
    bases = bases_in_force(eligible.values("pk"), month)
    reliefs = reliefs_in_force(eligible.values("pk"), month)
    lines: list[LedgerLine] = []
    missing: list[Member] = []
    for member in todo:
        priced = _price(member, month, bases.get(member.pk), reliefs.get(member.pk))
        if priced is None:
            missing.append(member)
            continue
        lines.append(LedgerLine(member=member, month=month, org_id=member.org_id, **priced))
    with transaction.atomic(durable=True):
        created = LedgerLine.objects.bulk_create(lines, batch_size=1000, ignore_conflicts=True)
        audit.record(
            actor=actor,
            action="dues.ledger_generate",
            obj=org,
            org_path=org.path,
            changes={"month": month, "created": len(created), "existing": len(existing), "missing_base": len(missing)},
        )
    return Generated(org, month, len(lines), len(existing), missing)


@transaction.atomic(durable=True)
def payment_record(
    *,
    actor: User,
    member: Member,
    months: list[datetime.date],
    paid_on: datetime.date,
    method: str,
    voluntary: Decimal = Decimal("0"),
    today: datetime.date | None = None,
) -> list[LedgerLine]:
    """Record that the member paid the whole due of one or several months on `paid_on` (补交 within the window),
    with any voluntary extra on the latest of them. Paying a month not yet begun (垫交) is refused."""
    today = today or timezone.localdate()
    if not can_collect(actor, member):
        raise Forbidden()
    months = sorted({rules.month_of(m) for m in months})
    errors: dict[str, list[str]] = {}
    if not months:
        errors.setdefault("months", []).append(_("Choose the months paid."))
    if paid_on > today:
        errors.setdefault("paid_on", []).append(_("The date is in the future: record a payment once it is made."))
    if method not in Method.values:
        errors.setdefault("method", []).append(_("Choose how it was paid."))
    if voluntary < 0:
        errors.setdefault("voluntary", []).append(_("A voluntary extra is not negative."))
    for month in months:
        if rules.is_advance(month, paid_on):
            errors.setdefault("months", []).append(
                _("%(month)s has not begun on the day of payment: dues are not paid in advance (党费规定第十四条).")
                % {"month": f"{month:%Y-%m}"}
            )
        elif not rules.is_makeup_allowed(month, paid_on, rules.ruleset_for(month)):
            errors.setdefault("months", []).append(
                _(
                    "%(month)s is more than %(n)s months before the payment: 补交 is normally limited to %(n)s months "
                    "(党费规定第十二条). The branch decides how to handle it."
                )
                % {"month": f"{month:%Y-%m}", "n": rules.ruleset_for(month).makeup_months}
            )
    raise_for_errors(errors)
    lines = list(LedgerLine.objects.select_for_update().filter(member=member, month__in=months).order_by("month"))
    found = {line.month for line in lines}
    problems = [f"{m:%Y-%m}" for m in months if m not in found]
    if problems:
        raise DomainError(
            _("No dues line for %(months)s: generate the month's ledger first.") % {"months": "、".join(problems)},
            field="months",
        )
    paid = [f"{line.month:%Y-%m}" for line in lines if line.paid]
    if paid:
        raise DomainError(_("Already paid: %(months)s.") % {"months": "、".join(paid)}, field="months")
    now = timezone.now()
    voluntary = rules.to_fen(Decimal(voluntary))
    for line in lines:
        extra = voluntary if line is lines[-1] else Decimal("0")
        line.paid_on = paid_on
        line.method = method
        line.voluntary = extra
        line.paid_amount = line.amount_due + extra
        line.recorded_by = actor
        line.recorded_at = now
        line.save(update_fields=["paid_on", "method", "voluntary", "paid_amount", "recorded_by", "recorded_at"])
    audit.record(
        actor=actor,
        action="dues.payment_record",
        obj=member,
        org_path=member.org.path if member.org else "",
        changes={
            "months": [f"{line.month:%Y-%m}" for line in lines],
            "paid_on": paid_on,
            "method": method,
            "total": sum((line.paid_amount or Decimal("0") for line in lines), Decimal("0")),
            "voluntary": voluntary,
            "to_centre": rules.goes_to_centre(voluntary),
        },
    )
    return lines


# --- Hardship reliefs --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def relief_propose(
    *,
    actor: User,
    member: Member,
    kind: str,
    from_month: datetime.date,
    until_month: datetime.date,
    reason: str,
    branch_decided_on: datetime.date,
    reduced_to: Decimal | None = None,
    today: datetime.date | None = None,
) -> Relief:
    """Record the branch's decision to reduce or waive a member's dues; it applies once the committee approves."""
    today = today or timezone.localdate()
    if not can_collect(actor, member):
        raise Forbidden()
    from_month, until_month = rules.month_of(from_month), rules.month_of(until_month)
    errors: dict[str, list[str]] = {}
    if kind not in ReliefKind.values:
        errors.setdefault("kind", []).append(_("Choose reduce or waive."))
    if kind == ReliefKind.REDUCE and (reduced_to is None or reduced_to < 0):
        errors.setdefault("reduced_to", []).append(_("Enter the reduced monthly amount."))
    if kind == ReliefKind.WAIVE:
        reduced_to = None
    if until_month < from_month:
        errors.setdefault("until_month", []).append(_("The last month is before the first."))
    if branch_decided_on > today:
        errors.setdefault("branch_decided_on", []).append(_("The date is in the future."))
    if not reason.strip():
        errors.setdefault("reason", []).append(_("Give the reason the branch found."))
    if approver_path(member) is None:
        errors.setdefault("kind", []).append(_("The member's branch has no committee above it to approve."))
    raise_for_errors(errors)
    relief = Relief.objects.create(
        member=member,
        kind=kind,
        reduced_to=rules.to_fen(reduced_to) if reduced_to is not None else None,
        from_month=from_month,
        until_month=until_month,
        reason=reason.strip(),
        branch_decided_on=branch_decided_on,
        proposed_by=actor,
    )
    audit.record(
        actor=actor,
        action="dues.relief_propose",
        obj=relief,
        org_path=member.org.path if member.org else "",
        changes={
            "member": member.pk,
            "kind": kind,
            "reduced_to": relief.reduced_to,
            "from": from_month,
            "until": until_month,
        },
    )
    return relief


@transaction.atomic(durable=True)
def relief_approve(*, actor: User, relief: Relief) -> Relief:
    """The committee above the branch approves a relief (Art.7); the unpaid lines of its months are re-priced."""
    relief = (
        Relief.objects.select_for_update(of=("self",))
        .select_related("member", "member__org", "member__org__parent")
        .get(pk=relief.pk)
    )
    if not can_approve(actor, relief.member):
        raise Forbidden()
    if relief.approved:
        raise DomainError(_("This relief has already been approved."))
    relief.approved_by = actor
    relief.approved_at = timezone.now()
    relief.save(update_fields=["approved_by", "approved_at", "updated_at"])
    repriced = _reprice_unpaid(relief.member, relief.from_month, relief.until_month)
    audit.record(
        actor=actor,
        action="dues.relief_approve",
        obj=relief,
        org_path=relief.member.org.path if relief.member.org else "",
        changes={"member": relief.member_id, "repriced": repriced},
    )
    return relief
