"""API of dues: a branch's month ledger, recording payments, a member's own lines, declaring a base.

The same selectors, services and access checks as the pages: a member or organisation outside the
caller's scope answers 404, as a missing one does.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.dues import rules, selectors, services
from dangjian.dues.models import DuesBase
from dangjian.dues.schemas import (
    DuesArrearsOut,
    DuesBaseIn,
    DuesBaseOut,
    DuesLedgerIn,
    DuesLedgerOut,
    DuesLineOut,
    DuesMineOut,
    DuesPaymentIn,
    month_date,
)
from dangjian.edge.schemas import responses
from dangjian.members.selectors import actor_member

router = Router(tags=["dues"])

NOT_VISIBLE = "404 when the member or organisation does not exist or the caller may not see it (the two look the same)."
INVALID = "400 with a message (and `field`) when the request breaks a rule; nothing is changed."


def _base_out(base: DuesBase) -> dict:
    return {
        "id": base.pk,
        "member": {"id": base.member.pk, "name": base.member.name},
        "payer_class": base.payer_class,
        "amount": base.amount,
        "effective_month": f"{base.effective_month:%Y-%m}",
        "source": base.source,
    }


@router.get(
    "/ledger",
    operation_id="dues_ledger_list",
    response=responses({200: DuesLedgerOut}),
    summary="A month's dues ledger of an organisation",
    description=f"Each member's line for the month and how far behind they are. {NOT_VISIBLE}",
)
def dues_ledger_list(request, filters: Query[DuesLedgerIn]):
    if not scope_for(request.auth).has_anywhere(Perm.VIEW_MEMBERS):
        raise NotFound()
    today = timezone.localdate()
    if filters.org is not None:
        org = selectors.ledger_orgs(actor=request.auth).filter(pk=filters.org).first()
    else:
        org = selectors.default_ledger_org(actor=request.auth)
    if org is None:
        raise NotFound()
    month = min(month_date(filters.month) if filters.month else rules.month_of(today), rules.month_of(today))
    page = filters.page(selectors.ledger_members(actor=request.auth, org=org))
    rows = selectors.ledger_rows(page["items"], month, today)
    page["items"] = [
        {
            "member": {"id": row.member.pk, "name": row.member.name},
            "org": row.member.org,
            "line": DuesLineOut.from_line(row.line) if row.line else None,
            "arrears": DuesArrearsOut.from_arrears(row.arrears),
        }
        for row in rows
    ]
    return {**page, "org": org, "month": f"{month:%Y-%m}"}


@router.post(
    "/members/{member_id}/payments",
    operation_id="dues_payment_record",
    response=responses({201: list[DuesLineOut]}),
    summary="Record a member's payment of one or more months",
    description=(
        "For the member's branch collector. Each month is paid in full; a month may be paid up to 6 months "
        f"late (补交) and not before it has begun (no 垫交). {NOT_VISIBLE} {INVALID}"
    ),
)
def dues_payment_record(request, member_id: int, payload: DuesPaymentIn):
    member = selectors.access_member(request.auth, member_id)
    lines = services.payment_record(
        actor=request.auth,
        member=member,
        months=[month_date(m) for m in payload.months],
        paid_on=payload.paid_on,
        method=payload.method,
        voluntary=payload.voluntary,
    )
    return Status(201, [DuesLineOut.from_line(line) for line in lines])


@router.get(
    "/mine",
    operation_id="dues_my_lines",
    response=responses({200: DuesMineOut}),
    summary="The caller's own dues and how they are computed",
    description="The last 24 months' lines. 404 for an account without a member record.",
)
def dues_my_lines(request):
    member = actor_member(request.auth)
    if member is None:
        raise NotFound()
    dues = selectors.member_dues(member=member, today=timezone.localdate())
    expected = dues.expected
    return {
        "member": {"id": member.pk, "name": member.name},
        "payer_class": dues.payer_class,
        "base": expected.base if expected else None,
        "rate": expected.rate if expected else None,
        "amount": expected.amount if expected else None,
        "rule_version": dues.ruleset.key,
        "citation": expected.citation if expected else None,
        "arrears": DuesArrearsOut.from_arrears(dues.arrears),
        "lines": [DuesLineOut.from_line(line) for line in dues.lines],
    }


@router.post(
    "/bases",
    operation_id="dues_base_declare",
    response=responses({201: DuesBaseOut}),
    summary="Declare a monthly base",
    description=(
        "The caller's own base (it waits for the branch's confirmation), or with `member` another member's, "
        f"entered by their branch's collector (confirmed at once). {NOT_VISIBLE} {INVALID}"
    ),
)
def dues_base_declare(request, payload: DuesBaseIn):
    if payload.member is None:
        member = actor_member(request.auth)
        if member is None or member.org is None:
            raise DomainError(_("Your account is not linked to a member record."), field="member")
    else:
        member = selectors.access_member(request.auth, payload.member)
    base = services.base_declare(
        actor=request.auth,
        member=member,
        payer_class=payload.payer_class,
        amount=payload.amount,
        effective_month=month_date(payload.effective_month),
        note=payload.note,
    )
    return Status(201, _base_out(base))
