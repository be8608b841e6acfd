"""The early-warning API: lists, one entry, closing (with a talk too), the refresh, and scope."""

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care.models import Talk
from dangjian.compliance.models import EntryStatus, WarningEntry
from dangjian.compliance.services import warnings_refresh_for
from dangjian.compliance.tests.factories import backdate, held
from dangjian.core.tests.apiclient import api_as


@pytest.fixture
def entry(college):
    zhang = college.member
    backdate(zhang)
    for ago in (100, 70, 40):
        held(college.branch, ago, {zhang: "absent"}, theme=f"主题党日{ago}")
    warnings_refresh_for(actor=system_actor(), org=college.branch)
    return WarningEntry.objects.get(member=zhang)


def test_list_and_get_an_entry_with_reasons_and_dates(college, entry):
    client = api_as(college.user("branch"))
    listed = client.get("/compliance/warnings", {"org": college.branch.pk}).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["member"]["name"] == "张三"
    assert item["level"] == "alarm"
    assert item["suggested_action"] == "visit"
    assert "score" not in item
    absences = item["reasons"][0]
    assert absences["signal"] == "absences"
    assert [i["text"].split(" · ")[0] for i in absences["items"]] == ["主题党日100", "主题党日70", "主题党日40"]
    assert absences["source"].startswith("《中国共产党支部工作条例")
    got = client.get(f"/compliance/warnings/{entry.pk}").json()
    assert got["id"] == entry.pk
    assert got["status"] == "open"


def test_counts_per_branch_for_the_committee(college, entry):
    rows = api_as(college.user("committee")).get("/compliance/branches").json()
    assert {row["org"]["id"]: (row["alarms"], row["warnings"]) for row in rows} == {
        college.branch.pk: (1, 0),
        college.other_branch.pk: (0, 0),
    }


@pytest.mark.parametrize("role", ["member", "group_leader", "auditor"])
def test_members_see_nothing(college, entry, role):
    client = api_as(college.user(role))
    assert client.get("/compliance/warnings").status_code == 404
    assert client.get("/compliance/branches").status_code == 404
    assert client.get(f"/compliance/warnings/{entry.pk}").status_code == 404


def test_another_branch_sees_nothing_of_this_one(college, entry):
    client = api_as(college.user("other_branch"))
    assert client.get("/compliance/warnings").json()["count"] == 0
    response = client.get("/compliance/warnings", {"org": college.branch.pk})
    assert response.status_code == 404
    assert response.json()["field"] == "org"
    assert client.get(f"/compliance/warnings/{entry.pk}").status_code == 404
    assert client.post(f"/compliance/branches/{college.branch.pk}/refresh").status_code == 404


def test_close_with_a_talk_by_the_caller(college, entry):
    body = {"resolution": "talk", "on": timezone.localdate().isoformat(), "note": "谈心了解缺席原因"}
    response = api_as(college.user("branch")).post(f"/compliance/warnings/{entry.pk}/close", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "closed"
    assert data["resolution"] == "talk"
    talk = Talk.objects.get(member=college.member)
    assert data["talk"]["id"] == talk.pk
    assert talk.officer == college.secretary


def test_close_with_a_talk_needs_an_officer_who_may_hold_it(college, entry):
    body = {"resolution": "talk", "on": timezone.localdate().isoformat(), "note": "谈心"}
    admin = api_as(college.user("admin"))  # an account without a member record
    response = admin.post(f"/compliance/warnings/{entry.pk}/close", body)
    assert response.status_code == 400
    assert response.json()["field"] == "officer"
    response = admin.post(f"/compliance/warnings/{entry.pk}/close", body | {"officer": college.other_member.pk})
    assert response.status_code == 400
    assert response.json()["field"] == "officer"
    ok = admin.post(f"/compliance/warnings/{entry.pk}/close", body | {"officer": college.secretary.pk})
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"resolution": "visit", "on": None, "note": "上门"}, 400),
        ({"resolution": "explained", "on": "2020-01-01", "note": " "}, 400),
        ({"resolution": "nothing", "on": "2020-01-01", "note": "x"}, 422),
        ({"on": "2020-01-01", "note": "x"}, 422),
    ],
)
def test_close_without_an_action_or_a_reason_is_refused(college, entry, body, status):
    response = api_as(college.user("branch")).post(f"/compliance/warnings/{entry.pk}/close", body)
    assert response.status_code == status
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OPEN


def test_closing_twice_is_refused(college, entry):
    client = api_as(college.user("branch"))
    body = {"resolution": "explained", "on": timezone.localdate().isoformat(), "note": "长期病假，已备案"}
    assert client.post(f"/compliance/warnings/{entry.pk}/close", body).status_code == 200
    assert client.post(f"/compliance/warnings/{entry.pk}/close", body).status_code == 400
    closed = client.get("/compliance/warnings", {"status": "closed"}).json()
    assert [i["id"] for i in closed["items"]] == [entry.pk]


def test_refresh_a_branch(college, entry):
    client = api_as(college.user("branch"))
    response = client.post(f"/compliance/branches/{college.branch.pk}/refresh")
    assert response.status_code == 200
    assert response.json() == {"branches": 1, "members": 4, "opened": 0, "updated": 0, "cleared": 0, "todos": 0}
    assert client.post(f"/compliance/branches/{college.group.pk}/refresh").status_code == 404  # not a branch


def test_bad_input_gets_a_declared_status(college, entry):
    """The core API test's check, for this app's operations alone."""
    from dangjian.config.api import api
    from dangjian.core.tests.test_api import BAD_BODIES, BAD_IDS, BAD_QUERIES, fill

    schema = api.get_openapi_schema()
    clients = [api_as(None), api_as(college.user("admin")), api_as(college.user("member"))]
    checked = 0
    for path, methods in schema["paths"].items():
        if "/compliance/" not in path:
            continue
        for method, operation in methods.items():
            declared = {int(code) for code in operation["responses"]}
            for client in clients:
                for bad_id in BAD_IDS if "{" in path else [None]:
                    url = (fill(path, bad_id) if bad_id else path).removeprefix("/api/v1")
                    if method == "get":
                        cases = [client.get(url, query) for query in BAD_QUERIES]
                    else:
                        cases = [getattr(client, method)(url, body) for body in BAD_BODIES]
                        cases.append(
                            client.generic(method.upper(), "/api/v1" + url, b"{x", content_type="application/json")
                        )
                    for response in cases:
                        checked += 1
                        assert response.status_code in declared, (method, url, response.status_code)
    assert checked > 50
