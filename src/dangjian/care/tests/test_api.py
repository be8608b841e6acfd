import datetime

from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care import services
from dangjian.care.models import NeedState
from dangjian.care.tests.factories import pdf, raise_need
from dangjian.core.tests.apiclient import ApiClient


def test_the_need_journey_through_the_api(college):
    member = ApiClient(college.member.user)
    created = member.post(
        "/care/needs", {"category": "work", "title": "岗位调整", "description": "想了解岗位调整的程序。"}
    )
    assert created.status_code == 201, created.content
    need_id = created.json()["id"]
    assert created.json()["org"]["id"] == college.branch.pk
    upload = member.post_form(f"/care/needs/{need_id}/attachments", {"file": pdf()})
    assert upload.status_code == 201
    assert upload.json()[0]["content_type"] == "application/pdf"
    secretary = ApiClient(college.user("branch"))
    assert secretary.post(f"/care/needs/{need_id}/accept").json()["state"] == NeedState.ACCEPTED
    refused = secretary.post(f"/care/needs/{need_id}/accept")
    assert refused.status_code == 400
    assert refused.json()["detail"]
    assert secretary.post(f"/care/needs/{need_id}/answer", {"answer": "请联系人事处。"}).json()["state"] == "answered"
    assert member.post(f"/care/needs/{need_id}/confirm", {"rating": 0}).status_code == 400
    closed = member.post(f"/care/needs/{need_id}/confirm", {"rating": 5}).json()
    assert closed["state"] == "closed"
    assert closed["rating"] == 5
    assert [e["kind"] for e in closed["events"]] == ["submitted", "note", "accepted", "answered", "confirmed"]
    mine = member.get("/care/needs", {"mine": True}).json()
    assert mine["count"] == 1


def test_outline_only_for_the_committee_once_escalated(college):
    need = raise_need(college.member, today=datetime.date(2025, 3, 3))
    committee = ApiClient(college.user("committee"))
    assert committee.get(f"/care/needs/{need.pk}").status_code == 404
    services.need_escalate_overdue(today=datetime.date(2025, 3, 10))
    body = committee.get(f"/care/needs/{need.pk}").json()
    assert body["access"] == "outline"
    assert body["overdue"] is True
    assert body["title"] is None
    assert body["description"] is None
    assert body["member"] is None
    assert body["events"] is None
    assert committee.post(f"/care/needs/{need.pk}/answer", {"answer": "x"}).status_code == 404
    stats = committee.get("/care/needs/stats", {"year": 2025}).json()
    assert stats[0]["org"]["id"] == college.branch.pk
    assert stats[0]["overdue"] == 1


def test_talks_todos_coverage_and_settings(college):
    secretary = ApiClient(college.user("branch"))
    todo = services.talk_todo_open(
        actor=None, member=college.member, reason="transferred_in", detail="", source_key="membership:9"
    )
    assert secretary.get("/care/talk-todos").json()["items"][0]["id"] == todo.pk
    created = secretary.post(
        "/care/talks",
        {
            "member": college.member.pk,
            "held_on": timezone.localdate().isoformat(),
            "kind": "required",
            "summary": "介绍支部情况。",
            "todo": todo.pk,
        },
    )
    assert created.status_code == 201
    assert created.json()["summary"] == "介绍支部情况。"
    assert created.json()["todo"] == todo.pk
    committee_view = ApiClient(college.user("committee")).get(f"/care/talks/{created.json()['id']}").json()
    assert committee_view["summary"] is None
    mine = ApiClient(college.member.user).get("/care/talks", {"mine": True}).json()
    assert mine["items"][0]["summary"] is None
    assert mine["items"][0]["follow_up"] is None
    coverage = secretary.get(f"/care/orgs/{college.branch.pk}/talk-coverage").json()
    [row] = coverage["officers"]
    assert row["officer"]["name"] == "李书记"
    assert "张三" not in [m["name"] for m in row["missing"]]
    bad = secretary.put(f"/care/orgs/{college.branch.pk}/settings", {"accept_working_days": 0})
    assert bad.status_code == 400
    good = secretary.put(f"/care/orgs/{college.branch.pk}/settings", {"answer_working_days": 10}).json()
    assert good["own"]["answer_working_days"] == 10
    assert good["effective"]["accept_working_days"] == 3


def test_a_need_is_handed_only_to_the_officers_the_page_offers(college):
    from dangjian.orgs import services as org_services

    need = raise_need(college.member)
    secretary = ApiClient(college.user("branch"))
    outsider = college.user("other_branch").member  # another branch's secretary, outside the caller's scope
    refused = secretary.post(f"/care/needs/{need.pk}/assign", {"officer": outsider.pk})
    assert refused.status_code == 400
    assert refused.json()["field"] == "officer"
    assert outsider.name not in str(refused.json())  # nobody's name is told by id
    deputy = college.other_member
    org_services.officer_appoint(
        actor=system_actor(),
        org=college.branch,
        member=deputy,
        position="organisation",
        since=datetime.date(2025, 1, 6),
    )
    assert secretary.post(f"/care/needs/{need.pk}/assign", {"officer": deputy.pk}).json()["handler"]["id"] == deputy.pk
