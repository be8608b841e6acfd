from decimal import Decimal

from django.utils import timezone

from dangjian.core.tests.apiclient import ApiClient
from dangjian.dues import rules
from dangjian.dues.models import DuesBase, LedgerLine
from dangjian.dues.tests.factories import confirmed_base, generate
from dangjian.members.models import Member


def _months(n: int):
    current = rules.month_of(timezone.localdate())
    return [rules.add_months(current, -i) for i in range(n - 1, -1, -1)]


def test_ledger_payment_and_own_lines_through_the_api(college):
    months = _months(3)
    confirmed_base(college.member, "6500", months[0])
    generate(college.branch, *months)
    secretary = ApiClient(college.user("branch"))
    ledger = secretary.get("/dues/ledger", {"month": f"{months[0]:%Y-%m}"})
    assert ledger.status_code == 200, ledger.content
    body = ledger.json()
    assert body["org"]["id"] == college.branch.pk
    rows = {row["member"]["name"]: row for row in body["items"]}
    assert rows["张三"]["line"]["amount_due"] == "97.50"
    assert rows["张三"]["line"]["citation"] == "党费规定（2008）第二条"
    assert rows["张三"]["arrears"]["behind"] == 2
    assert rows["王组长"]["line"] is None

    paid = secretary.post(
        f"/dues/members/{college.member.pk}/payments",
        {
            "months": [f"{m:%Y-%m}" for m in months],
            "paid_on": timezone.localdate().isoformat(),
            "method": "cash",
            "voluntary": "1000",
        },
    )
    assert paid.status_code == 201, paid.content
    assert [line["paid"] for line in paid.json()] == [True, True, True]
    assert paid.json()[-1]["to_centre"] is True
    again = secretary.post(
        f"/dues/members/{college.member.pk}/payments",
        {"months": [f"{months[0]:%Y-%m}"], "paid_on": timezone.localdate().isoformat(), "method": "cash"},
    )
    assert again.status_code == 400
    assert again.json()["field"] == "months"
    assert secretary.get("/dues/ledger", {"month": "2026-13"}).status_code == 422
    assert secretary.get("/dues/ledger", {"org": college.other_branch.pk}).status_code == 404
    stranger = ApiClient(college.user("other_branch"))
    assert (
        stranger.post(
            f"/dues/members/{college.member.pk}/payments",
            {"months": [f"{months[0]:%Y-%m}"], "paid_on": timezone.localdate().isoformat(), "method": "cash"},
        ).status_code
        == 404
    )

    mine = ApiClient(college.user("member")).get("/dues/mine")
    assert mine.status_code == 200
    data = mine.json()
    assert (data["amount"], data["rate"], data["base"]) == ("97.50", "0.015", "6500.00")
    assert [line["month"] for line in data["lines"]] == [f"{m:%Y-%m}" for m in reversed(months)]
    assert LedgerLine.objects.filter(paid_on__isnull=False).count() == 3


def test_declaring_a_base_through_the_api(college):
    month = f"{rules.month_of(timezone.localdate()):%Y-%m}"
    member = ApiClient(college.user("member"))
    created = member.post("/dues/bases", {"payer_class": "on_job", "amount": "4200.5", "effective_month": month})
    assert created.status_code == 201, created.content
    assert created.json()["source"] == "declared"
    assert member.post("/dues/bases", {"payer_class": "on_job", "effective_month": month}).status_code == 400
    assert member.post("/dues/bases", {"payer_class": "farmer", "effective_month": month}).status_code == 422
    assert (
        member.post(
            "/dues/bases",
            {"member": college.secretary.pk, "payer_class": "flat", "effective_month": month},
        ).status_code
        == 404
    )
    leader = Member.objects.get(name="王组长")
    secretary = ApiClient(college.user("branch"))
    entered = secretary.post(
        "/dues/bases",
        {"member": leader.pk, "payer_class": "retired", "amount": "5000", "effective_month": month},
    )
    assert entered.status_code == 201, entered.content
    assert entered.json()["source"] == "confirmed"
    assert DuesBase.objects.get(member=leader).amount == Decimal("5000.00")
    assert ApiClient(college.user("admin")).get("/dues/mine").status_code == 404
