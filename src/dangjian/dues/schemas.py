"""Schemas of the dues API. Names start with `Dues` to stay unique across the API."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from dangjian.dues import rules
from dangjian.dues.models import LedgerLine, Method
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.schemas import OrgRefOut

PayerClass = Literal[tuple(rules.PAYER_CLASS_LABELS)]  # type: ignore[valid-type]
MethodKey = Literal[tuple(Method.values)]  # type: ignore[valid-type]
Month = Annotated[
    str,
    StringConstraints(pattern=r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"),
    Field(description="A calendar month, YYYY-MM.", examples=["2026-03"]),
]
Money = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=10, decimal_places=2)]


def month_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{value}-01")


class DuesLineOut(Schema):
    """A month's dues: what was due, how it was computed, and what was paid."""

    month: str = Field(description="YYYY-MM.")
    amount_due: Decimal
    amount_by_rule: Decimal = Field(description="Before any hardship reduction or waiver.")
    payer_class: str
    base: Decimal | None
    rate: Decimal | None = Field(description="A fraction of the base: 0.015 is 1.5%; null for the fixed amount.")
    rule_version: str
    citation: str
    relief: str | None = Field(description="reduce or waive, when an approved relief applies.")
    paid: bool
    paid_amount: Decimal | None
    voluntary: Decimal
    to_centre: bool = Field(description="A voluntary extra of 1,000 元 or more goes entirely to the Centre.")
    paid_on: datetime.date | None
    method: str

    @staticmethod
    def from_line(line: LedgerLine) -> dict:
        return {
            "month": f"{line.month:%Y-%m}",
            "amount_due": line.amount_due,
            "amount_by_rule": line.amount_by_rule,
            "payer_class": line.payer_class,
            "base": line.base,
            "rate": line.rate,
            "rule_version": line.rule_version,
            "citation": line.citation,
            "relief": line.relief.kind if line.relief_id and line.relief else None,
            "paid": line.paid,
            "paid_amount": line.paid_amount,
            "voluntary": line.voluntary,
            "to_centre": line.to_centre,
            "paid_on": line.paid_on,
            "method": line.method,
        }


class DuesArrearsOut(Schema):
    behind: int = Field(description="Months before this one due and unpaid.")
    consecutive: int = Field(description="The longest run of them in a row.")
    since: str | None = Field(description="YYYY-MM: the first month of that run.")
    level: str = Field(description="none, behind, reminder (3 in a row), warning (6 in a row: 党费规定第十三条).")

    @staticmethod
    def from_arrears(arrears: rules.Arrears) -> dict:
        return {
            "behind": arrears.behind,
            "consecutive": arrears.consecutive,
            "since": f"{arrears.since:%Y-%m}" if arrears.since else None,
            "level": arrears.level,
        }


class DuesLedgerRowOut(Schema):
    member: MemberRefOut
    org: OrgRefOut
    line: DuesLineOut | None = Field(
        description="Null when the month has no line for the member (no base, or not generated)."
    )
    arrears: DuesArrearsOut


class DuesLedgerIn(PageIn):
    org: int | None = Field(None, description="The organisation; by default the caller's own branch.")
    month: Month | None = Field(None, description="By default the current month.")


class DuesLedgerOut(PageOut):
    org: OrgRefOut
    month: str
    items: list[DuesLedgerRowOut]


class DuesPaymentIn(BodyIn):
    months: list[Month] = Field(min_length=1, max_length=24, description="The months paid, each in full.")
    paid_on: Date
    method: MethodKey
    voluntary: Money = Field(Decimal("0"), description="A voluntary extra, recorded on the latest month.")


class DuesBaseIn(BodyIn):
    member: int | None = Field(None, description="Another member, for their branch's collector; by default the caller.")
    payer_class: PayerClass
    amount: Money | None = Field(None, description="The monthly base in 元; not for the fixed amount.")
    effective_month: Month = Field(description="The month the new pay was first paid.")
    note: str = Field("", max_length=200)


class DuesBaseOut(Schema):
    id: int
    member: MemberRefOut
    payer_class: str
    amount: Decimal | None
    effective_month: str
    source: str = Field(description="declared (waiting for the branch), imported, or confirmed.")


class DuesMineOut(Schema):
    member: MemberRefOut
    payer_class: str
    base: Decimal | None
    rate: Decimal | None
    amount: Decimal | None = Field(description="This month's amount by the rule; null while no base is confirmed.")
    rule_version: str
    citation: str | None
    arrears: DuesArrearsOut
    lines: list[DuesLineOut]
