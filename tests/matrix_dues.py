"""Permission-matrix rows of the dues app (see `PARTS` in test_permission_matrix.py for the shape).

The objects: 张三 (a member of the faculty branch's group) with a confirmed base, this month's line, a
declaration of his own waiting for the branch, and a waiver the branch has decided. The faculty branch's
officers (and the committee, and the administrator) collect his dues; only the committee above the branch
(and the administrator) approves the waiver, so the branch's secretary is refused (403). Those who see his
record but do not collect (the group leader, the auditor, 张三 himself) are refused a payment (403).
"""

from functools import cached_property

from django.utils import timezone

from tests.matrix_roles import (
    ADMIN,
    ANY_VIEWER,
    API_ANON,
    AUDITOR,
    BRANCH,
    COMMITTEE,
    LEADER,
    LOGGED_IN,
    MEMBER,
    WITH_MEMBER_RECORD,
    allow,
)

COLLECTORS = [ADMIN, COMMITTEE, BRANCH]


def _month():
    from dangjian.dues.rules import month_of

    return month_of(timezone.localdate())


class Objects:
    def __init__(self, college):
        self.college = college

    @cached_property
    def line(self):
        from dangjian.accounts.system import system_actor
        from dangjian.dues import services
        from dangjian.dues.models import LedgerLine
        from dangjian.dues.rules import add_months
        from dangjian.dues.tests.factories import confirmed_base

        confirmed_base(self.college.member, "6500", add_months(_month(), -1))
        services.ledger_generate(actor=system_actor(), org=self.college.branch, month=_month())
        return LedgerLine.objects.get(member=self.college.member, month=_month())

    @cached_property
    def pending_base(self):
        from decimal import Decimal

        from dangjian.dues import services

        self.line  # noqa: B018 - the confirmed base comes first
        return services.base_declare(
            actor=self.college.member.user,
            member=self.college.member,
            payer_class="on_job",
            amount=Decimal("7000"),
            effective_month=_month(),
        )

    @cached_property
    def relief(self):
        from dangjian.dues import services

        return services.relief_propose(
            actor=self.college.user("branch"),
            member=self.college.member,
            kind="waive",
            from_month=_month(),
            until_month=_month(),
            reason="家中突遭变故",
            branch_decided_on=timezone.localdate(),
        )


PAGES = {
    "dues:ledger": ("get", allow(200, ANY_VIEWER)),
    "dues:ledger-generate": ("post", allow(302, COLLECTORS)),
    "dues:my-dues": ("get", allow(200, LOGGED_IN)),
    "dues:base-declare": ("get", allow(200, WITH_MEMBER_RECORD)),
    "dues:payment-record": ("get", allow(200, COLLECTORS)),
    "dues:member-base-declare": ("get", allow(200, COLLECTORS)),
    "dues:relief-propose": ("get", allow(200, COLLECTORS)),
    "dues:base-confirm": ("post", allow(302, COLLECTORS)),
    "dues:relief-approve": ("post", allow(302, [ADMIN, COMMITTEE]) | {BRANCH: 403}),
}
KWARGS = {
    "dues:payment-record": lambda o: {"pk": o.line.member_id},
    "dues:member-base-declare": lambda o: {"pk": o.college.member.pk},
    "dues:relief-propose": lambda o: {"pk": o.college.member.pk},
    "dues:base-confirm": lambda o: {"pk": o.pending_base.pk},
    "dues:relief-approve": lambda o: {"pk": o.relief.pk},
}
QUERY: dict = {}
POST_DATA = {
    "dues:ledger-generate": lambda o: {"org": o.college.branch.pk, "month": f"{_month():%Y-%m}"},
    "dues:base-confirm": lambda o: {},
    "dues:relief-approve": lambda o: {},
}
OPERATIONS = {
    "dues_ledger_list": allow(200, ANY_VIEWER, anon=API_ANON),
    "dues_payment_record": allow(201, COLLECTORS, anon=API_ANON) | {LEADER: 403, AUDITOR: 403, MEMBER: 403},
    "dues_my_lines": allow(200, WITH_MEMBER_RECORD, anon=API_ANON),
    # Admin and auditor accounts have no member record: nothing to declare (400).
    "dues_base_declare": allow(201, WITH_MEMBER_RECORD, anon=API_ANON, other=400),
}
REQUESTS = {
    "dues_ledger_list": lambda o: ({}, {}, None),
    "dues_payment_record": lambda o: (
        {"member_id": o.line.member_id},
        {},
        {"months": [f"{_month():%Y-%m}"], "paid_on": timezone.localdate().isoformat(), "method": "cash"},
    ),
    "dues_my_lines": lambda o: ({}, {}, None),
    "dues_base_declare": lambda o: ({}, {}, {"payer_class": "flat", "effective_month": f"{_month():%Y-%m}"}),
}
