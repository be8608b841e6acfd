"""The records API: reading the record, the minutes, votes (4xx with the JSON error body for bad numbers),
the stages and 整改 to done."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.study.models import VoteRecord
from dangjian.study.services import activities as activity_services
from dangjian.study.tests.factories_records import held_meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/study"


@pytest.fixture
def api(client, college):
    def call(role, method, path, body=None):
        client.force_login(college.user(role))
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return (
            getattr(client, method)(API + path, body, **kwargs)
            if body is not None
            else getattr(client, method)(API + path)
        )

    return call


@pytest.fixture
def meeting(college):
    meeting = held_meeting(college.branch)
    for member in (college.secretary, college.member):
        activity_services.attendance_mark(
            actor=system_actor(), activity=meeting, member=member, status="present", reason="现场登记"
        )
    return meeting


def test_minutes_and_record(api, college, meeting):
    body = {
        "agenda": ["学习", "表决"],
        "host": college.secretary.pk,
        "speeches": [{"speaker": college.member.pk, "gist": "谈体会"}, {"speaker_name": "来宾", "gist": "讲话"}],
    }
    response = api("branch", "put", f"/activities/{meeting.pk}/minutes", body)
    assert response.status_code == 200, response.content
    record = response.json()
    assert record["minutes"]["agenda"] == ["学习", "表决"]
    assert [s["gist"] for s in record["speeches"]] == ["谈体会", "讲话"]
    assert record["attendance"]["attended"] == 2
    member_view = api("member", "get", f"/activities/{meeting.pk}/record").json()
    assert member_view["attendees"] == []


def test_minutes_refused_for_a_member_and_an_outsider(api, college, meeting):
    assert api("member", "put", f"/activities/{meeting.pk}/minutes", {"agenda": []}).status_code == 403
    assert api("other_branch", "put", f"/activities/{meeting.pk}/minutes", {"agenda": []}).status_code == 404
    response = api("branch", "put", f"/activities/{meeting.pk}/minutes", {"host": college.other_member.pk})
    assert response.status_code == 400
    assert response.json()["field"] == "host"


def test_a_vote_defaults_and_passes_by_the_rule(api, college, meeting):
    response = api(
        "branch",
        "post",
        f"/activities/{meeting.pk}/votes",
        {"item": "表彰", "present": 3, "yes": 3, "adjust_reason": "补签"},
    )
    assert response.status_code == 201, response.content
    vote = response.json()
    assert (vote["entitled"], vote["entitled_default"], vote["present_default"]) == (4, 4, 2)
    assert vote["passed"] is True
    assert api("branch", "delete", f"/votes/{vote['id']}").status_code == 204
    assert not VoteRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"item": "表彰", "yes": 5}, 400),  # more votes than present
        ({"item": "表彰", "entitled": 3}, 400),  # changed without a reason
        ({"item": "表彰", "written_yes": 1}, 400),  # written opinions on another matter
        ({"item": "表彰", "yes": -1}, 422),
        ({"item": "表彰", "matter": "election"}, 422),
        ({"item": "表彰", "surprise": 1}, 422),
    ],
)
def test_bad_vote_numbers_are_refused_with_the_error_body(api, meeting, body, status):
    response = api("branch", "post", f"/activities/{meeting.pk}/votes", body)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not VoteRecord.objects.exists()


def test_life_meeting_and_rectification_to_done(api, college):
    life = held_meeting(college.branch, form="life_meeting")
    response = api(
        "branch", "put", f"/activities/{life.pk}/life-meeting", {"study_done": True, "problems": ["学习不够"]}
    )
    assert response.status_code == 200
    assert response.json()["problems"] == ["学习不够"]
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    body = {"problem": "学习不够", "measure": "精读原著", "owner": college.member.pk, "due_on": due}
    created = api("branch", "post", f"/activities/{life.pk}/rectifications", body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert api("branch", "get", "/rectifications").json()["count"] == 1
    done = {"done_on": timezone.localdate().isoformat(), "note": "已完成"}
    assert api("group_leader", "post", f"/rectifications/{item['id']}/done", done).status_code == 404
    response = api("member", "post", f"/rectifications/{item['id']}/done", done)
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert api("member", "post", f"/rectifications/{item['id']}/done", done).status_code == 400
    assert api("branch", "get", "/rectifications").json()["count"] == 0


def test_stages_only_for_a_life_meeting(api, meeting):
    assert api("branch", "put", f"/activities/{meeting.pk}/life-meeting", {}).status_code == 400
