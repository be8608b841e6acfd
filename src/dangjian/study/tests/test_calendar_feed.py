"""A member's activities in their phone's calendar, through a private link they make and revoke."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from dangjian.accounts.models import ApiToken, TokenPurpose
from dangjian.accounts.services import api_token_create, token_issue
from dangjian.core.models import AuditEvent
from dangjian.study.models import ActivityStatus
from dangjian.study.services import activities as activity_services
from dangjian.study.tests.factories_activities import ActivityFactory, at


def feed(client, key: str):
    return client.get(reverse("study:calendar-feed", args=[key]))


def events(response) -> dict[str, dict]:
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def link(college):
    return token_issue(actor=college.member.user, purpose=TokenPurpose.CALENDAR, days=30)


def test_the_feed_holds_the_members_activities_and_not_others(client, college, link):
    mine = ActivityFactory(
        org=college.branch, theme="主题党日：学习党章", starts_at=at(48), place="学院楼C303", publish=True
    )
    ActivityFactory(org=college.other_branch, theme="别的支部的支部党员大会", starts_at=at(48), publish=True)
    ActivityFactory(org=college.branch, theme="还没发布的党课", starts_at=at(72))  # a draft
    response = feed(client, link[1])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    [summary] = found
    assert "主题党日：学习党章" in summary
    event = found[summary]
    assert str(event["uid"]) == f"activity-{mine.pk}@dangjian"
    assert event.decoded("dtstart") == mine.starts_at.replace(microsecond=0)  # iCalendar keeps whole seconds
    assert str(event["location"]) == "学院楼C303"
    assert str(event["status"]) == "CONFIRMED"
    assert f"/study/activities/{mine.pk}/" in str(event["url"])


def test_a_cancelled_activity_stays_in_the_feed_as_cancelled(client, college, link):
    activity = ActivityFactory(org=college.branch, theme="改期的主题党日", starts_at=at(48), publish=True)
    activity_services.activity_cancel(actor=college.user("branch"), activity=activity, reason="与学院大会冲突")
    [event] = events(feed(client, link[1])).values()
    assert str(event["status"]) == "CANCELLED"
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


@pytest.mark.parametrize("case", ["unknown", "api token", "revoked", "expired"])
def test_only_a_live_calendar_key_opens_the_feed(client, college, link, case):
    token, key = link
    if case == "unknown":
        key = "x" * 40
    elif case == "api token":
        key = api_token_create(actor=college.member.user, name="脚本")[1]
    elif case == "revoked":
        token.delete()
    else:
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert feed(client, key).status_code == 404


def test_a_member_makes_a_link_sees_it_once_and_revokes_it(client, college):
    client.force_login(college.member.user)
    page = client.get(reverse("study:calendar-subscription"))
    assert "生成我的日历链接" in page.content.decode()

    made = client.post(reverse("study:calendar-subscription"))
    html = made.content.decode()
    token = ApiToken.objects.get(user=college.member.user, purpose=TokenPurpose.CALENDAR)
    url = html.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
    assert url.startswith("http://testserver/study/my-calendar/feed/")
    assert "webcal://testserver/study/my-calendar/feed/" in html
    assert AuditEvent.objects.filter(action="token.calendar.create", actor=college.member.user).exists()
    assert client.get(url).status_code == 200

    again = client.get(reverse("study:calendar-subscription")).content.decode()
    assert url not in again  # shown once
    assert f"{token.prefix}…" in again

    revoked = client.post(reverse("study:calendar-link-revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="token.calendar.revoke").exists()


def test_an_api_token_cannot_be_revoked_here(client, college):
    client.force_login(college.member.user)
    api_token = api_token_create(actor=college.member.user, name="脚本")[0]
    response = client.post(reverse("study:calendar-link-revoke", args=[api_token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=api_token.pk).exists()


def test_an_account_without_a_member_record_is_told_so(client, college):
    client.force_login(college.user("admin"))
    html = client.post(reverse("study:calendar-subscription")).content.decode()
    assert "只有党员本人的活动可以订阅" in html
    assert not ApiToken.objects.filter(purpose=TokenPurpose.CALENDAR).exists()


def test_the_api_makes_a_link_that_opens_the_feed_and_lists_it_as_a_calendar_token(client, college):
    from dangjian.core.tests.apiclient import api_as

    api = api_as(college.member.user)
    made = api.post("/study/me/calendar-link")
    assert made.status_code == 201
    body = made.json()
    assert body["webcal_url"].startswith("webcal://")
    assert client.get(body["url"]).status_code == 200
    listed = {t["id"]: t["purpose"] for t in api.get("/auth/tokens").json()}
    assert listed[body["token_id"]] == "calendar"
    refused = api_as(college.user("admin")).post("/study/me/calendar-link")
    assert refused.status_code == 400
    assert "只有党员本人" in refused.json()["detail"]
