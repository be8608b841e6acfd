from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.dues import rules, services
from dangjian.dues.models import BaseSource, DuesBase, LedgerLine, Relief
from dangjian.dues.tests.factories import confirmed_base, generate
from dangjian.members.tests.factories import MemberFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _months(n: int):
    """The last `n` months, this one last."""
    current = rules.month_of(timezone.localdate())
    return [rules.add_months(current, -i) for i in range(n - 1, -1, -1)]


def test_the_collector_generates_a_month_and_records_a_payment(college):
    months = _months(4)
    confirmed_base(college.member, "6500", months[0])
    client = _client(college.user("branch"))
    page = client.get(reverse("dues:ledger"))
    assert page.status_code == 200
    assert page.context["org"] == college.branch
    for month in months:
        done = client.post(reverse("dues:ledger-generate"), {"org": college.branch.pk, "month": f"{month:%Y-%m}"})
        assert done.status_code == 302
    assert LedgerLine.objects.filter(member=college.member).count() == 4
    page = client.get(reverse("dues:ledger"), {"org": college.branch.pk, "month": f"{months[-1]:%Y-%m}"})
    html = page.content.decode()
    assert "张三" in html
    assert "97.50" in html
    assert "6500.00 × 1.5%" in html
    assert "党费规定（2008）第二条" in html
    assert "批评教育" in html  # three months in a row behind
    assert page.context["arrears"][0].member == college.member

    form = client.get(reverse("dues:payment-record", args=[college.member.pk]))
    assert form.status_code == 200
    assert len(form.context["form"].fields["months"].choices) == 4
    bad = client.post(
        reverse("dues:payment-record", args=[college.member.pk]),
        {"months": [f"{months[0]:%Y-%m}"], "paid_on": "2000-01-01", "method": "cash"},
    )
    assert bad.status_code == 400
    assert "补交" in bad.content.decode() or "尚未开始" in bad.content.decode()
    assert not LedgerLine.objects.filter(paid_on__isnull=False).exists()
    today = timezone.localdate()
    paid = client.post(
        reverse("dues:payment-record", args=[college.member.pk]),
        {"months": [f"{m:%Y-%m}" for m in months[:3]], "paid_on": today.isoformat(), "method": "transfer"},
    )
    assert paid.status_code == 302
    assert LedgerLine.objects.filter(member=college.member, paid_on=today).count() == 3


def test_a_bad_month_to_generate_is_reported_not_written(college):
    client = _client(college.user("branch"))
    future = rules.add_months(rules.month_of(timezone.localdate()), 1)
    response = client.post(reverse("dues:ledger-generate"), {"org": college.branch.pk, "month": f"{future:%Y-%m}"})
    assert response.status_code == 302
    assert not LedgerLine.objects.exists()
    other = client.post(reverse("dues:ledger-generate"), {"org": college.other_branch.pk, "month": "2026-01"})
    assert other.status_code == 404
    bad = client.post(reverse("dues:ledger-generate"), {"org": college.branch.pk, "month": "2026-13"}, follow=True)
    assert "YYYY-MM" in bad.content.decode()
    assert not LedgerLine.objects.exists()


def test_the_ledger_page_keeps_its_queries_bounded(college, django_assert_max_num_queries):
    months = _months(3)
    for i in range(20):
        MemberFactory(org=college.group, category="graduate", name=f"研究生{i}")
    generate(college.committee, *months)
    client = _client(college.user("committee"))
    url = reverse("dues:ledger")
    with django_assert_max_num_queries(30):
        response = client.get(url, {"org": college.committee.pk})
    assert response.status_code == 200
    assert len(response.context["rows"]) >= 20


def test_a_member_declares_a_base_and_sees_how_the_amount_is_computed(college):
    client = _client(college.user("member"))
    page = client.get(reverse("dues:my-dues"))
    assert page.status_code == 200
    assert "尚无您经确认的党费基数" in page.content.decode()
    month = rules.month_of(timezone.localdate())
    bad = client.post(reverse("dues:base-declare"), {"payer_class": "on_job", "effective_month": f"{month:%Y-%m}"})
    assert bad.status_code == 400
    assert not DuesBase.objects.exists()
    done = client.post(
        reverse("dues:base-declare"),
        {"payer_class": "on_job", "amount": "6500", "effective_month": f"{month:%Y-%m}"},
    )
    assert done.status_code == 302
    base = DuesBase.objects.get()
    assert base.source == BaseSource.DECLARED
    secretary = _client(college.user("branch"))
    ledger = secretary.get(reverse("dues:ledger"))
    assert base in ledger.context["pending"]
    assert secretary.post(reverse("dues:base-confirm", args=[base.pk])).status_code == 302
    base.refresh_from_db()
    assert base.source == BaseSource.CONFIRMED
    html = client.get(reverse("dues:my-dues")).content.decode()
    assert "6500.00" in html
    assert "1.5%" in html
    assert "97.50" in html
    assert "党费规定（2008）第二条" in html


def test_a_relief_is_proposed_by_the_branch_and_approved_by_the_committee(college):
    month = rules.month_of(timezone.localdate())
    branch = _client(college.user("branch"))
    response = branch.post(
        reverse("dues:relief-propose", args=[college.member.pk]),
        {
            "kind": "waive",
            "from_month": f"{month:%Y-%m}",
            "until_month": f"{month:%Y-%m}",
            "branch_decided_on": timezone.localdate().isoformat(),
            "reason": "家中突遭变故",
        },
    )
    assert response.status_code == 302
    relief = Relief.objects.get()
    ledger = branch.get(reverse("dues:ledger"))
    assert not ledger.context["reliefs"][0].can_approve
    assert branch.post(reverse("dues:relief-approve", args=[relief.pk])).status_code == 403
    committee = _client(college.user("committee"))
    assert committee.post(reverse("dues:relief-approve", args=[relief.pk])).status_code == 302
    relief.refresh_from_db()
    assert relief.approved
    confirmed_base(college.member, "6500", month)
    services.ledger_generate(actor=college.user("committee"), org=college.branch, month=month)
    assert LedgerLine.objects.get(member=college.member).amount_due == Decimal("0.00")
