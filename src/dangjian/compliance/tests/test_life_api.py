"""The organisational-life API: the matrix, one branch with its reasons, excusing a period, and scope."""

from django.utils import timezone

from dangjian.compliance.models import RequirementExcuse
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.tests.factories import held
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as


def last_quarter() -> req.ReportingPeriod:
    return req.period_of("quarter", timezone.localdate()).previous()


def test_the_matrix_for_the_committee_and_for_a_branch_officer(college):
    period = last_quarter()
    query = {"period": "quarter", "date": period.starts_on.isoformat()}
    got = api_as(college.user("committee")).get("/compliance/life", query)
    assert got.status_code == 200
    body = got.json()
    assert body["period"]["kind"] == "quarter"
    assert body["period"]["starts_on"] == period.starts_on.isoformat()
    assert body["count"] == 2
    assert "group_meeting" in [r["key"] for r in body["requirements"]]
    statuses = {row["org"]["id"]: {c["requirement"]: c["status"] for c in row["cells"]} for row in body["items"]}
    assert statuses[college.branch.pk]["general_meeting"] == "overdue"
    assert statuses[college.other_branch.pk]["group_meeting"] == "not_applicable"
    mine = api_as(college.user("branch")).get("/compliance/life", query).json()
    assert [row["org"]["id"] for row in mine["items"]] == [college.branch.pk]
    assert api_as(college.user("member")).get("/compliance/life").status_code == 404


def test_a_bad_period_is_refused(college):
    got = api_as(college.user("committee")).get("/compliance/life", {"period": "week"})
    assert got.status_code in (400, 422)
    assert "error" in got.json() or "detail" in got.json()


def test_one_branch_with_reasons_and_the_activities_that_counted(college):
    period = last_quarter()
    ago = (timezone.localdate() - period.starts_on).days - 5
    activity = held(college.branch, ago, form="general_meeting", theme="支部党员大会")
    got = api_as(college.user("branch")).get(
        f"/compliance/life/{college.branch.pk}", {"period": "quarter", "date": period.starts_on.isoformat()}
    )
    assert got.status_code == 200
    cells = {c["requirement"]: c for c in got.json()["cells"]}
    general = cells["general_meeting"]
    assert general["status"] == "met"
    assert general["checks"][0]["counted"][0]["id"] == activity.pk
    assert general["checks"][0]["reasons"]
    assert cells["theme_day"]["status"] == "overdue"
    assert len(cells["theme_day"]["checks"]) == 3
    assert "还差" in " ".join(cells["theme_day"]["checks"][0]["reasons"])
    other = api_as(college.user("branch")).get(f"/compliance/life/{college.other_branch.pk}")
    assert other.status_code == 404


def test_excusing_a_period_through_the_api(college):
    period = last_quarter()
    client = api_as(college.user("branch"))
    url = f"/compliance/life/{college.branch.pk}/excuses"
    body = {
        "org": college.branch.pk,
        "requirement": "general_meeting",
        "period": "quarter",
        "date": period.starts_on.isoformat(),
        "reason": "",
    }
    refused = client.post(url, body)
    assert refused.status_code == 400
    assert refused.json()["field"] == "reason" or "reason" in str(refused.json())
    assert not RequirementExcuse.objects.exists()
    created = client.post(url, {**body, "reason": "支部年中新成立"})
    assert created.status_code == 201
    assert created.json()["reason"] == "支部年中新成立"
    assert created.json()["period"]["starts_on"] == period.starts_on.isoformat()
    assert AuditEvent.objects.filter(action="requirement.excuse").count() == 1
    again = client.post(url, {**body, "reason": "再说一次"})
    assert again.status_code == 400
    outside = api_as(college.user("other_branch")).post(url, {**body, "reason": "x"})
    assert outside.status_code == 404
    group = client.post(url, {**body, "org": college.other_branch.pk, "reason": "x"})
    assert group.status_code == 404
