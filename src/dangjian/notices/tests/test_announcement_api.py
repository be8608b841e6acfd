"""The announcements API: what each caller sees, reading and confirming, publishing, and 4xx on bad input."""

import datetime

from django.utils import timezone

from dangjian.core.tests.apiclient import ApiClient
from dangjian.notices.models import Announcement, AnnouncementRead
from dangjian.notices.tests.factories import announce, png


def test_list_get_marks_read_and_confirm(college):
    meeting = announce(college.branch, "会议通知", requires_confirmation=True, uploads=[png()])
    api = ApiClient(college.member.user)
    body = api.get("/announcements", {"unread": "true"}).json()
    assert [(i["title"], i["addressed"], i["read"]) for i in body["items"]] == [("会议通知", True, False)]
    detail = api.get(f"/announcements/{meeting.pk}").json()
    assert detail["read"] is True
    assert detail["manageable"] is False
    assert [a["name"] for a in detail["attachments"]] == ["会场.png"]
    assert api.get("/announcements", {"unread": "true"}).json()["count"] == 0
    confirmed = api.post(f"/announcements/{meeting.pk}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed_at"] is not None


def test_publish_change_withdraw_and_read_counts(college):
    api = ApiClient(college.user("branch"))
    created = api.post(
        "/announcements",
        {"org": college.branch.pk, "title": "学习通知", "body": "学习党章", "audience": "faculty", "pinned": True},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["manageable"] is True
    changed = api.patch(f"/announcements/{pk}", {"title": "学习党章的通知"})
    assert changed.json()["title"] == "学习党章的通知"
    counts = api.get(f"/announcements/{pk}/reads").json()
    assert [(b["org_name"], b["addressed"], b["read"], b["not_confirmed"]) for b in counts["branches"]] == [
        (college.branch.name, 4, 0, [])
    ]
    assert api.post(f"/announcements/{pk}/withdraw").json()["withdrawn"] is True
    assert api.post(f"/announcements/{pk}/withdraw").status_code == 400


def test_bad_input_answers_4xx_with_the_error_body_and_saves_nothing(college):
    api = ApiClient(college.user("branch"))
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    outside = api.post("/announcements", {"org": college.other_branch.pk, "title": "通知", "body": "内容"})
    assert outside.status_code == 404
    assert outside.json()["field"] == "org"
    group = api.post("/announcements", {"org": college.group.pk, "title": "通知", "body": "内容"})
    assert group.status_code == 400
    assert group.json()["field"] == "org"
    past = api.post(
        "/announcements", {"org": college.branch.pk, "title": "通知", "body": "内容", "expires_on": yesterday}
    )
    assert past.status_code == 400
    assert past.json()["field"] == "expires_on"
    assert api.post("/announcements", {"org": college.branch.pk, "title": "", "body": "内容"}).status_code == 422
    assert (
        api.post("/announcements", {"org": college.branch.pk, "title": "通知", "body": "内容", "x": 1}).status_code
        == 422
    )
    bad_audience = api.post("/announcements", {"org": college.branch.pk, "title": "t", "body": "b", "audience": "all2"})
    assert bad_audience.status_code == 422
    assert not Announcement.objects.exists()
    announcement = announce(college.branch)
    assert api.patch(f"/announcements/{announcement.pk}", {"title": None}).status_code == 422
    too_far = api.patch(f"/announcements/{announcement.pk}", {"expires_on": "2099-01-01"})
    assert too_far.status_code == 400
    assert too_far.json()["field"] == "expires_on"


def test_reading_and_counts_stay_private(college):
    plain = announce(college.branch, "学习通知")
    ApiClient(college.member.user).get(f"/announcements/{plain.pk}")
    assert AnnouncementRead.objects.count() == 1
    # Another member learns nothing of 张三's reading; a member gets no counts; outsiders see nothing.
    secretary_view = ApiClient(college.user("group_leader")).get(f"/announcements/{plain.pk}").json()
    assert secretary_view["read"] is True  # the leader's own reading, just now
    assert ApiClient(college.user("group_leader")).get(f"/announcements/{plain.pk}/reads").status_code == 404
    assert ApiClient(college.user("other_branch")).get(f"/announcements/{plain.pk}").status_code == 404
    assert ApiClient(college.member.user).post(f"/announcements/{plain.pk}/confirm").status_code == 400
