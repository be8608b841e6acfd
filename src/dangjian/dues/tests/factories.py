"""Helpers that put dues into the test college through the services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.dues import services
from dangjian.dues.models import DuesBase
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation


def confirmed_base(member: Member, amount: str | None, month: datetime.date, payer_class: str = "on_job") -> DuesBase:
    return services.base_declare(
        actor=system_actor(),
        member=member,
        payer_class=payer_class,
        amount=Decimal(amount) if amount is not None else None,
        effective_month=month,
        today=max(month, timezone.localdate()),
    )


def generate(org: Organisation, *months: datetime.date, today: datetime.date | None = None) -> None:
    for month in months:
        services.ledger_generate(actor=system_actor(), org=org, month=month, today=today or max(months))
