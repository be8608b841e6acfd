"""Records that agree: the attendance counts come from the attendance rows when shown, only present and
late members show a check-in time, the check-in screen is offered and served only while check-in is
open, and make-up study past its due day says so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.study.models import Attendance, MakeUp
from dangjian.study.rules import attendance as rules
from dangjian.study.selectors import activities as selectors
from dangjian.study.services import activities as services
from dangjian.study.tests.factories_activities import ActivityFactory, at

HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def held(college):
    """A branch activity that took place three hours ago, with its record written; nobody checked in."""
    activity = ActivityFactory(org=college.branch, starts_at=at(-3), ends_at=at(-1), publish=True)
    services.activity_record(actor=system_actor(), activity=activity, minutes="时间：……\n内容：学习党章。")
    return activity


def row(activity, member) -> Attendance:
    return Attendance.objects.get(activity=activity, member=member)


# --- one source for the counts ------------------------------------------------------------------


def test_the_summary_counts_the_rows(college, held):
    services.attendance_mark(actor=system_actor(), activity=held, member=college.member, status="leave", reason="出差")
    services.attendance_mark(
        actor=system_actor(), activity=held, member=college.secretary, status="late", reason="现场登记"
    )
    counts, summary = selectors.attendance_summary(held)
    expected = held.attendances.filter(expected=True).count()
    assert summary.expected == expected
    assert (summary.leave, summary.late, summary.attended) == (1, 1, 1)
    assert summary.not_yet == expected - 2
    assert counts["leave"] == summary.leave


def test_the_record_shows_the_attendance_as_it_is_now(client, college, held):
    """The record's attendance line follows a change made after the minutes were written."""
    client.force_login(college.user("branch"))
    url = reverse("study:activity-detail", args=[held.pk])
    before = client.get(url).context["detail"].summary
    assert before.leave == 0
    services.attendance_mark(actor=system_actor(), activity=held, member=college.member, status="leave", reason="出差")
    response = client.get(url)
    summary = response.context["detail"].summary
    assert summary.leave == 1
    body = response.content.decode()
    record = body.split('id="activity-record"')[1].split("</section>")[0]
    assert 'id="attendance-summary"' in record
    assert "1" in record.split('id="attendance-summary"')[1]


# --- only present and late show a time -------------------------------------------------------------


def test_marking_leave_clears_an_earlier_check_in_time(college, held):
    services.attendance_mark(
        actor=system_actor(), activity=held, member=college.member, status="present", reason="现场登记"
    )
    assert row(held, college.member).checked_in_at is not None
    services.attendance_mark(actor=system_actor(), activity=held, member=college.member, status="leave", reason="补假")
    assert row(held, college.member).checked_in_at is None


def test_a_member_on_leave_shows_no_time_even_with_one_stored(client, college, held):
    Attendance.objects.filter(activity=held, member=college.member).update(
        status="absent", checked_in_at=at(-2), method="manual"
    )
    client.force_login(college.user("branch"))
    body = client.get(reverse("study:activity-detail", args=[held.pk])).content.decode()
    cells = body.split(f'id="attendance-{college.member.pk}"')[1].split("</tr>")[0]
    assert timezone.localtime(at(-2)).strftime("%H:%M") not in cells


# --- the check-in screen while check-in is open only ------------------------------------------------


def test_check_in_is_open_only_inside_the_window(college):
    activity = ActivityFactory(org=college.branch, starts_at=at(1 / 6), publish=True)
    window = selectors.check_in_window_of(activity)
    assert selectors.check_in_is_open(activity, window.opens_at)
    assert selectors.check_in_is_open(activity, window.closes_at)
    assert not selectors.check_in_is_open(activity, window.opens_at - datetime.timedelta(seconds=1))
    assert not selectors.check_in_is_open(activity, window.closes_at + datetime.timedelta(seconds=1))
    draft = ActivityFactory(org=college.branch, starts_at=at(1 / 6))
    assert not selectors.check_in_is_open(draft, selectors.check_in_window_of(draft).opens_at)


def test_a_past_activity_offers_no_check_in_screen_and_refuses_it(client, college, held):
    client.force_login(college.user("branch"))
    screen = reverse("study:check-in-screen", args=[held.pk])
    assert screen not in client.get(reverse("study:activity-detail", args=[held.pk])).content.decode()
    response = client.get(screen)
    assert response.status_code == 302
    assert response["Location"] == reverse("study:activity-detail", args=[held.pk])
    fragment = client.get(reverse("study:check-in-qr", args=[held.pk]), headers=HTMX).content.decode()
    assert "<svg" not in fragment
    assert "hx-trigger" not in fragment  # the screen stops asking for codes


def test_a_future_activity_refuses_the_screen_before_check_in_opens(client, college):
    later = ActivityFactory(org=college.branch, starts_at=at(24), publish=True)
    client.force_login(college.user("branch"))
    assert (
        reverse("study:check-in-screen", args=[later.pk])
        not in client.get(reverse("study:activity-detail", args=[later.pk])).content.decode()
    )
    assert client.get(reverse("study:check-in-screen", args=[later.pk])).status_code == 302


# --- overdue make-up ----------------------------------------------------------------------------


def test_make_up_overdue_rule():
    due = datetime.date(2025, 12, 31)
    assert not rules.make_up_overdue("assigned", due, due)
    assert rules.make_up_overdue("assigned", due, due + datetime.timedelta(days=1))
    assert rules.make_up_overdue("returned", due, due + datetime.timedelta(days=1))
    assert not rules.make_up_overdue("submitted", due, due + datetime.timedelta(days=30))
    assert not rules.make_up_overdue("accepted", due, due + datetime.timedelta(days=30))


@pytest.fixture
def overdue(college) -> MakeUp:
    """张三's make-up for an activity held a month ago, due long since and not handed in."""
    past = ActivityFactory(org=college.branch, starts_at=at(-24 * 40), ends_at=at(-24 * 40 + 2), publish=True)
    services.activity_close(actor=system_actor(), activity=past)
    make_up = MakeUp.objects.get(attendance__activity=past, attendance__member=college.member)
    assert make_up.due_on < timezone.localdate()
    return make_up


def test_my_study_marks_an_overdue_make_up(client, college, overdue):
    client.force_login(college.user("member"))
    response = client.get(reverse("study:my-study"))
    [item] = response.context["my"].make_ups
    assert item.overdue
    assert item.open
    card = response.content.decode().split('id="my-make-ups"')[1].split("</section>")[0]
    assert "badge text-nowrap bg-red-lt" in card
    assert "已逾期" in card
    assert "逾期补交" in card
    assert "去补学" not in card


def test_the_make_up_page_marks_it_overdue_and_still_takes_it(client, college, overdue):
    client.force_login(college.user("member"))
    url = reverse("study:make-up-submit", args=[overdue.pk])
    assert "已逾期" in client.get(url).content.decode()
    assert client.post(url, {"reflection": "补学了党章，写下体会。"}).status_code == 302
    overdue.refresh_from_db()
    assert overdue.status == "submitted"
    response = client.get(reverse("study:my-study"))
    [item] = response.context["my"].make_ups
    assert not item.overdue  # handed in: no longer late to hand in


def test_the_officer_sees_which_make_ups_are_overdue(client, college, overdue):
    client.force_login(college.user("branch"))
    response = client.get(reverse("study:activity-detail", args=[overdue.attendance.activity_id]))
    assert overdue.pk in response.context["overdue_make_ups"]
    cells = response.content.decode().split(f'id="attendance-{college.member.pk}"')[1].split("</tr>")[0]
    assert "已逾期" in cells
    assert (
        selectors.overdue_make_up_ids(list(selectors.attendance_rows(overdue.attendance.activity)), overdue.due_on)
        == set()
    )
