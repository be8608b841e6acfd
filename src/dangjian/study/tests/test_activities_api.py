"""The activities API: scoped like the pages, with declared errors."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.orgs.models import Organisation
from dangjian.study import tokens
from dangjian.study.models import Activity, Attendance, LeaveRequest, MakeUp
from dangjian.study.selectors import activities as selectors
from dangjian.study.services import activities as services
from dangjian.study.tests.factories_activities import ActivityFactory, at


@pytest.fixture
def soon(college):
    return ActivityFactory(org=college.branch, theme="党章学习", starts_at=at(1 / 6), publish=True)


def token(activity, moment=None) -> str:
    return tokens.current_token(activity.pk, moment or timezone.now())


@pytest.mark.parametrize(("role", "count"), [("branch", 1), ("member", 1), ("other_branch", 0), ("committee", 1)])
def test_list_is_scoped(college, soon, role, count):
    response = api_as(college.user(role)).get("/study/activities")
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_get_shows_attendance_to_officers_only(college, soon):
    officer = api_as(college.user("branch")).get(f"/study/activities/{soon.pk}").json()
    assert {a["member"]["name"] for a in officer["attendances"]} == {"李书记", "王组长", "张三", "吕书记"}
    mine = api_as(college.user("member")).get(f"/study/activities/{soon.pk}").json()
    assert mine["attendances"] == []
    assert mine["my_attendance"]["status"] == "expected"
    assert api_as(college.user("other_branch")).get(f"/study/activities/{soon.pk}").status_code == 404


def test_create_and_publish(college):
    starts = at(24)
    body = {
        "org": college.branch.pk,
        "form": "lecture",
        "theme": "书记讲党课",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
    }
    client = api_as(college.user("branch"))
    response = client.post("/study/activities", body)
    assert response.status_code == 201
    data = response.json()
    assert data["credit_minutes"] == 60
    assert data["status"] == "draft"
    response = client.post(f"/study/activities/{data['id']}/publish")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert client.post(f"/study/activities/{data['id']}/publish").status_code == 400


@pytest.mark.parametrize(
    ("role", "status"), [("member", 404), ("group_leader", 404), ("other_branch", 404), ("auditor", 403)]
)
def test_create_is_for_officers(college, role, status):
    starts = at(24)
    body = {
        "org": college.branch.pk,
        "form": "lecture",
        "theme": "x",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
    }
    assert api_as(college.user(role)).post("/study/activities", body).status_code == status


def test_create_takes_only_the_organisers_the_page_offers(college):
    """The form offers the active organisations whose study the officer runs; the API refuses a dissolved one."""
    Organisation.objects.filter(pk=college.branch.pk).update(dissolved_on=timezone.localdate())
    starts = at(24)
    body = {
        "org": college.branch.pk,
        "form": "lecture",
        "theme": "x",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
    }
    response = api_as(college.user("branch")).post("/study/activities", body)
    assert (response.status_code, response.json()["field"]) == (404, "org")
    assert not Activity.objects.filter(org=college.branch).exists()


def test_create_refuses_credit_beyond_the_length(college):
    starts = at(24)
    body = {
        "org": college.branch.pk,
        "form": "lecture",
        "theme": "x",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
        "credit_minutes": 61,
    }
    response = api_as(college.user("branch")).post("/study/activities", body)
    assert response.status_code == 400
    assert response.json()["field"] == "credit_minutes"


def test_check_in(college, soon):
    client = api_as(college.user("member"))
    response = client.post(f"/study/activities/{soon.pk}/check-in", {"token": token(soon)})
    assert response.status_code == 200
    assert response.json()["status"] == "present"
    again = client.post(f"/study/activities/{soon.pk}/check-in", {"token": token(soon)})
    assert again.status_code == 409
    assert Attendance.objects.filter(activity=soon, member=college.member, status="present").count() == 1


@pytest.mark.parametrize(
    "make_token",
    [lambda a: "1.forged", lambda a: tokens.current_token(a.pk, timezone.now() - datetime.timedelta(seconds=90))],
)
def test_check_in_refuses_bad_tokens(college, soon, make_token):
    response = api_as(college.user("member")).post(f"/study/activities/{soon.pk}/check-in", {"token": make_token(soon)})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_check_in_needs_a_login(college, soon):
    assert api_as(None).post(f"/study/activities/{soon.pk}/check-in", {"token": token(soon)}).status_code == 401


def test_mark(college, soon):
    body = {"member": college.member.pk, "status": "present", "reason": "手机没电"}
    assert api_as(college.user("branch")).post(f"/study/activities/{soon.pk}/attendance", body).status_code == 200
    assert AuditEvent.objects.filter(action="attendance.mark").exists()
    assert api_as(college.user("member")).post(f"/study/activities/{soon.pk}/attendance", body).status_code == 403
    body["reason"] = ""
    assert api_as(college.user("branch")).post(f"/study/activities/{soon.pk}/attendance", body).status_code == 400


def test_leave_and_make_up(college):
    activity = ActivityFactory(org=college.branch, starts_at=at(24), publish=True)
    member, branch = api_as(college.user("member")), api_as(college.user("branch"))
    response = member.post(f"/study/activities/{activity.pk}/leave", {"reason": "出差"})
    assert response.status_code == 201
    assert member.post(f"/study/activities/{activity.pk}/leave", {"reason": "出差"}).status_code == 409
    leave_id = response.json()["id"]
    assert member.post(f"/study/leave-requests/{leave_id}/decide", {"approve": True}).status_code == 404
    assert branch.post(f"/study/leave-requests/{leave_id}/decide", {"approve": False}).status_code == 400
    response = branch.post(f"/study/leave-requests/{leave_id}/decide", {"approve": True})
    assert response.status_code == 200
    assert LeaveRequest.objects.get().status == "approved"
    now = activity.ends_at + datetime.timedelta(minutes=1)
    services.activity_close(actor=system_actor(), activity=activity, now=now)
    make_up = MakeUp.objects.get(attendance__member=college.member)
    assert branch.post(f"/study/make-ups/{make_up.pk}/submit", {"reflection": "x"}).status_code == 403
    response = member.post(f"/study/make-ups/{make_up.pk}/submit", {"reflection": "学习体会"})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert member.post(f"/study/make-ups/{make_up.pk}/review", {"accept": True}).status_code == 404
    response = branch.post(f"/study/make-ups/{make_up.pk}/review", {"accept": True})
    assert response.status_code == 200
    assert Attendance.objects.get(activity=activity, member=college.member).status == "made_up"


def test_leave_after_the_start_is_refused(college):
    activity = ActivityFactory(org=college.branch, starts_at=at(-0.5), publish=True)
    response = api_as(college.user("member")).post(f"/study/activities/{activity.pk}/leave", {"reason": "出差"})
    assert response.status_code == 400
    assert not LeaveRequest.objects.exists()


def test_create_takes_only_the_forms_the_page_offers(college):
    """The same `form_choices` as the page: a branch does not hold a 党政联席会议."""
    assert "joint_meeting" not in dict(selectors.form_choices([college.branch]))
    assert "joint_meeting" in dict(selectors.form_choices([college.branch, college.committee]))
    starts = at(24)
    body = {"org": college.branch.pk, "form": "joint_meeting", "theme": "x", "starts_at": starts.isoformat(),
            "ends_at": (starts + datetime.timedelta(hours=1)).isoformat()}  # fmt: skip
    response = api_as(college.user("committee")).post("/study/activities", body)
    assert (response.status_code, response.json()["field"]) == (400, "form")
    assert not Activity.objects.filter(org=college.branch).exists()
