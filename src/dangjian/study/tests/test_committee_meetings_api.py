"""The committee-meetings API: the whole path from meeting to decision done, scope, and the 4xx answers."""

import datetime

import pytest
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.members.tests.factories import MemberFactory
from dangjian.study.services import activities as activity_services
from dangjian.study.services import committee_meetings as services

START = timezone.now() - datetime.timedelta(days=2)


@pytest.fixture
def meeting(college):
    activity = services.committee_meeting_create(
        actor=college.user("committee"), org=college.committee, form="joint_meeting", theme="2026年第6次党政联席会议",
        starts_at=START, ends_at=START + datetime.timedelta(hours=2),
    )  # fmt: skip
    activity_services.activity_publish(actor=college.user("committee"), activity=activity, now=START)
    return activity


def test_a_meeting_from_creation_to_a_decision_done(college):
    api = api_as(college.user("committee"))
    starts = timezone.now() - datetime.timedelta(hours=3)
    created = api.post(
        "/study/committee-meetings",
        {
            "org": college.committee.pk,
            "form": "joint_meeting",
            "theme": "2026年第7次党政联席会议",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
            "chair_name": "孙院长",
        },
    )
    assert created.status_code == 201, created.json()
    meeting_id = created.json()["id"]
    assert created.json()["chair_name"] == "孙院长"
    assert api.post(f"/study/activities/{meeting_id}/publish", {}).status_code == 200

    item = api.post(
        f"/study/committee-meetings/{meeting_id}/agenda-items",
        {"title": "审议学科建设规划", "side": "administration", "proposer_name": "孙院长", "proposer_post": "院长"},
    )
    assert item.status_code == 201, item.json()
    item_id = item.json()["id"]
    assert api.patch(f"/study/agenda-items/{item_id}", {"outcome": "approved"}).json()["outcome"] == "approved"
    external = api.post(
        f"/study/committee-meetings/{meeting_id}/external-attendees",
        {"name": "周副院长", "post": "副院长", "side": "administration"},
    )
    assert external.status_code == 201
    dean = MemberFactory(org=college.branch, name="钱副院长")
    assert api.post(f"/study/committee-meetings/{meeting_id}/leaders", {"member": dean.pk}).status_code == 201

    decision = api.post(
        f"/study/committee-meetings/{meeting_id}/decisions",
        {
            "text": "各系制订学科建设方案",
            "owner_side": "administration",
            "owner": college.secretary.pk,
            "due_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "orgs": [college.branch.pk],
            "agenda_item": item_id,
        },
    )
    assert decision.status_code == 201, decision.json()
    body = decision.json()
    assert (body["state"], body["owner"]["name"], [o["name"] for o in body["orgs"]]) == (
        "open",
        "李书记",
        ["哲学系教工党支部"],
    )

    record = api.get(f"/study/committee-meetings/{meeting_id}").json()
    assert record["expected"] == 3  # 吕书记 and 钱副院长 expected, 周副院长 by name
    assert [i["title"] for i in record["agenda_items"]] == ["审议学科建设规划"]
    assert [d["text"] for d in record["decisions"]] == ["各系制订学科建设方案"]

    member = api_as(college.user("member"))
    assert [d["text"] for d in member.get("/study/decisions").json()["items"]] == ["各系制订学科建设方案"]
    assert member.get(f"/study/committee-meetings/{meeting_id}").status_code == 404
    refused = member.post(
        f"/study/decisions/{body['id']}/complete", {"done_on": timezone.localdate().isoformat(), "note": "x"}
    )
    assert refused.status_code == 403
    done = api_as(college.user("branch")).post(
        f"/study/decisions/{body['id']}/complete", {"done_on": timezone.localdate().isoformat(), "note": "已制订"}
    )
    assert done.status_code == 200
    assert done.json()["state"] == "done"
    assert member.get("/study/decisions?state=done").json()["count"] == 1
    assert api.post(f"/study/decisions/{body['id']}/reopen", {"reason": "方案未报"}).json()["state"] == "open"
    assert AuditEvent.objects.filter(action__startswith="decision.").count() == 3


def test_the_api_answers_4xx_and_saves_nothing_half(college, meeting):
    api = api_as(college.user("committee"))
    # A branch cannot hold a committee meeting: 404 with the field, like any organiser not offered.
    branch = api.post(
        "/study/committee-meetings",
        {
            "org": college.branch.pk,
            "form": "party_committee_meeting",
            "theme": "x",
            "starts_at": START.isoformat(),
            "ends_at": (START + datetime.timedelta(hours=1)).isoformat(),
        },
    )
    assert (branch.status_code, branch.json()["field"]) == (404, "org")
    assert api.post("/study/committee-meetings", {"org": college.committee.pk, "form": "theme_day"}).status_code == 422
    bad_side = api.post(
        f"/study/committee-meetings/{meeting.pk}/agenda-items", {"title": "x", "side": "x", "proposer_name": "x"}
    )
    assert bad_side.status_code == 422
    empty = api.post(
        f"/study/committee-meetings/{meeting.pk}/agenda-items", {"title": " ", "side": "party", "proposer_name": "x"}
    )
    assert (empty.status_code, empty.json()["field"]) == (400, "title")
    no_owner = api.post(f"/study/committee-meetings/{meeting.pk}/decisions", {"text": "x", "owner_side": "party"})
    assert (no_owner.status_code, no_owner.json()["field"]) == (400, "owner_name")
    assert "责任人" in no_owner.json()["detail"]
    stranger = api.post(
        f"/study/committee-meetings/{meeting.pk}/decisions",
        {"text": "x", "owner_side": "party", "owner_name": "某", "orgs": [999999]},
    )
    assert (stranger.status_code, stranger.json()["field"]) == (400, "orgs")
    early = api.post(
        f"/study/committee-meetings/{meeting.pk}/decisions",
        {"text": "x", "owner_side": "party", "owner_name": "某", "due_on": "2000-01-01"},
    )
    assert (early.status_code, early.json()["field"]) == (400, "due_on")
    assert api.post(f"/study/committee-meetings/{meeting.pk}/decisions", {"text": "x"}).status_code == 422
    assert not meeting.agenda_items.exists()
    from dangjian.study.models import Decision

    assert not Decision.objects.filter(activity=meeting).exists()
    assert api_as(college.user("branch")).get(f"/study/committee-meetings/{meeting.pk}").status_code == 404
    assert (
        api_as(college.user("branch"))
        .post(
            f"/study/committee-meetings/{meeting.pk}/agenda-items",
            {"title": "x", "side": "party", "proposer_name": "x"},
        )
        .status_code
        == 404
    )
    assert api_as(None).get("/study/decisions").status_code == 401
    assert api.get("/study/decisions/999999").status_code == 404
    assert api.get("/study/committee-meetings?form=theme_day").status_code == 422


@pytest.mark.parametrize(("role", "count"), [("committee", 1), ("auditor", 1), ("branch", 0), ("member", 0)])
def test_the_meeting_list_is_scoped(college, meeting, role, count):
    assert api_as(college.user(role)).get("/study/committee-meetings").json()["count"] == count
