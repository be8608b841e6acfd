"""The rights API, scoped like the pages."""

import uuid

from dangjian.accounts.system import system_actor
from dangjian.core.tests.apiclient import ApiClient
from dangjian.members import services as member_services
from dangjian.rights import services
from dangjian.rights.models import Appeal, AppealStatus, Opinion, OpinionStatus


def test_the_rights_of_a_full_and_of_a_probationary_member(college):
    body = ApiClient(college.member.user).get("/rights/").json()
    assert body["member"]
    assert not body["probationary"]
    assert body["note"] == ""
    assert [item["number"] for item in body["items"]] == list(range(1, 9))
    assert all(item["held"] and item["ways"] for item in body["items"])
    member_services.member_update(actor=system_actor(), member=college.member, full_member_on=None)
    body = ApiClient(college.member.user).get("/rights/").json()
    assert body["probationary"]
    assert body["note"]
    assert [item["code"] for item in body["items"] if not item["held"]] == ["vote"]
    admin = ApiClient(college.user("admin")).get("/rights/").json()
    assert not admin["member"]
    assert all(item["ways"] == [] for item in admin["items"])


def test_opinions_are_sent_listed_read_and_answered(college):
    member = ApiClient(college.member.user)
    response = member.post("/rights/opinions", {"kind": "suggestion", "title": "建议", "body": "多组织参观考察。"})
    assert response.status_code == 201
    created = response.json()
    assert created["follow_up_code"] is None
    assert created["author"]["name"] == "张三"
    assert created["org"]["id"] == college.branch.pk
    opinion_id = created["id"]

    assert member.get("/rights/opinions").json()["count"] == 1
    assert member.get("/rights/opinions", {"box": "received"}).json()["count"] == 0
    secretary = ApiClient(college.secretary.user)
    assert secretary.get("/rights/opinions", {"box": "received", "status": "open"}).json()["count"] == 1
    assert ApiClient(college.user("other_branch")).get(f"/rights/opinions/{opinion_id}").status_code == 404
    assert member.post(f"/rights/opinions/{opinion_id}/answer", {"answer": "自答"}).status_code == 403
    assert secretary.post(f"/rights/opinions/{opinion_id}/answer", {"answer": ""}).status_code == 400
    answered = secretary.post(f"/rights/opinions/{opinion_id}/answer", {"answer": "已安排。"})
    assert answered.status_code == 200
    assert answered.json()["status"] == OpinionStatus.ANSWERED
    secretary_user = college.secretary.user
    assert answered.json()["answered_by"] == (secretary_user.display_name or secretary_user.username)
    assert secretary.post(f"/rights/opinions/{opinion_id}/answer", {"answer": "再答"}).status_code == 409
    assert member.get(f"/rights/opinions/{opinion_id}").json()["answer"] == "已安排。"
    assert member.get(f"/rights/opinions/{uuid.uuid4()}").status_code == 404


def test_bad_opinions_are_refused(college):
    member = ApiClient(college.member.user)
    assert member.post("/rights/opinions", {"kind": "praise", "title": "t", "body": "b"}).status_code == 422
    assert member.post("/rights/opinions", {"kind": "criticism", "title": " ", "body": "b"}).status_code == 400
    assert member.post("/rights/opinions", {"kind": "suggestion", "title": "t", "body": "b", "x": 1}).status_code == 422
    admin = ApiClient(college.user("admin"))
    assert admin.post("/rights/opinions", {"kind": "suggestion", "title": "t", "body": "b"}).status_code == 400
    assert Opinion.objects.count() == 0


def test_an_anonymous_opinion_is_followed_by_its_code(college):
    member = ApiClient(college.member.user)
    created = member.post(
        "/rights/opinions", {"kind": "criticism", "title": "匿名", "body": "内容", "anonymous": True}
    ).json()
    code = created["follow_up_code"]
    assert created["author"] is None
    assert created["anonymous"]
    assert member.get("/rights/opinions").json()["count"] == 0
    assert member.get(f"/rights/opinions/{created['id']}").status_code == 404  # nothing says it is theirs
    services.opinion_answer(actor=college.user("committee"), opinion=Opinion.objects.get(), answer="已核实。")
    followed = member.post("/rights/opinion-follow-up", {"code": code})
    assert followed.status_code == 200
    assert followed.json()["answer"] == "已核实。"
    assert member.post("/rights/opinion-follow-up", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).status_code == 404
    assert member.post("/rights/opinion-follow-up", {"code": "short"}).status_code == 404


def test_appeals_through_the_api(college, decisions):
    pk = decisions.add(college.member, college.branch)
    theirs = decisions.add(college.other_member, college.other_branch)
    member = ApiClient(college.member.user)
    listed = member.get("/rights/appealable-decisions").json()
    assert listed["deadline_working_days"] == 20
    assert [(d["kind"], d["object_id"], d["open_appeal"]) for d in listed["items"]] == [(decisions.kind, pk, None)]

    refused = member.post("/rights/appeals", {"kind": decisions.kind, "object_id": theirs, "reasons": "理由"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "decision"
    assert member.post("/rights/appeals", {"kind": "nope", "object_id": pk, "reasons": "理由"}).status_code == 400
    assert Appeal.objects.count() == 0

    response = member.post("/rights/appeals", {"kind": decisions.kind, "object_id": pk, "reasons": "理由"})
    assert response.status_code == 201
    made = response.json()
    assert made["org"]["id"] == college.committee.pk
    assert made["overdue"] is False
    assert member.post("/rights/appeals", {"kind": decisions.kind, "object_id": pk, "reasons": "再"}).status_code == 409
    assert member.get("/rights/appealable-decisions").json()["items"][0]["open_appeal"] == made["id"]

    officer = ApiClient(college.user("committee"))
    assert officer.get("/rights/appeals", {"box": "received", "status": "open"}).json()["count"] == 1
    assert ApiClient(college.secretary.user).get(f"/rights/appeals/{made['id']}").status_code == 404
    assert member.post(f"/rights/appeals/{made['id']}/accept").status_code == 403
    assert officer.post(f"/rights/appeals/{made['id']}/accept").json()["status"] == AppealStatus.ACCEPTED
    assert officer.post(f"/rights/appeals/{made['id']}/withdraw").status_code == 403
    answered = officer.post(f"/rights/appeals/{made['id']}/answer", {"answer": "维持原等次。"})
    assert answered.status_code == 200
    assert answered.json()["answer"] == "维持原等次。"
    assert member.post(f"/rights/appeals/{made['id']}/withdraw").status_code == 409
    assert member.get("/rights/appeals").json()["items"][0]["status"] == AppealStatus.ANSWERED
    assert member.get("/rights/appeals", {"status": "open"}).json()["count"] == 0


def test_the_appellant_withdraws(college, decisions):
    pk = decisions.add(college.member, college.branch)
    member = ApiClient(college.member.user)
    made = member.post("/rights/appeals", {"kind": decisions.kind, "object_id": pk, "reasons": "理由"}).json()
    response = member.post(f"/rights/appeals/{made['id']}/withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == AppealStatus.WITHDRAWN
    assert response.json()["withdrawn_at"]


def test_accounts_without_a_member_record_have_empty_lists(college):
    admin = ApiClient(college.user("admin"))
    assert admin.get("/rights/opinions").json()["count"] == 0
    assert admin.get("/rights/appeals").json()["count"] == 0
    assert admin.get("/rights/appealable-decisions").json()["items"] == []


def test_anonymous_callers_get_401(college):
    client = ApiClient()
    assert client.get("/rights/").status_code == 401
    assert client.post("/rights/opinions", {"kind": "suggestion", "title": "t", "body": "b"}).status_code == 401
