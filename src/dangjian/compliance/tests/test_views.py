"""The early-warning pages: the lists, the entry with its close forms, the refresh button, and scope."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care.models import Talk
from dangjian.compliance.models import EntryStatus, WarningEntry
from dangjian.compliance.services import warning_close, warnings_refresh_for
from dangjian.compliance.tests.factories import backdate, held
from dangjian.notices.tests.test_inbox import INBOX_QUERIES


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def entry(college):
    zhang = college.member
    backdate(zhang)
    held(college.branch, 130, theme="学习党章")
    for ago in (100, 70, 40):
        held(college.branch, ago, {zhang: "absent"}, theme=f"主题党日{ago}")
    warnings_refresh_for(actor=system_actor(), org=college.branch)
    return WarningEntry.objects.get(member=zhang)


def test_the_branch_list_shows_reasons_with_dates_and_the_suggested_action(
    college, entry, django_assert_max_num_queries
):
    client = client_for(college.user("branch"))
    url = reverse("compliance:warning-list", args=[college.branch.pk])
    with django_assert_max_num_queries(15 + INBOX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "张三" in text
    absences = entry.reasons[0]
    for item in absences["items"]:
        assert item["day"] in text
    assert reverse("compliance:warning-detail", args=[entry.pk]) in text


def test_the_list_never_shows_a_score_and_sorts_alarms_first(college, entry):
    other = WarningEntry.objects.create(
        member=college.secretary,
        org=college.branch,
        level="warning",
        opened_on=entry.opened_on.replace(year=entry.opened_on.year - 1),
        refreshed_on=entry.opened_on,
    )
    WarningEntry.objects.filter(pk=entry.pk).update(level="alarm")
    rows = client_for(college.user("committee")).get(reverse("compliance:warning-list", args=[college.branch.pk]))
    names = [row["entry"].member.name for row in rows.context["rows"]]
    assert names == ["张三", "李书记"]  # the alarm before the older warning
    assert other.pk


def test_an_officer_does_not_see_the_entry_about_themself(college, entry):
    own = WarningEntry.objects.create(
        member=college.secretary, org=college.branch, opened_on=entry.opened_on, refreshed_on=entry.opened_on
    )
    client = client_for(college.user("branch"))
    response = client.get(reverse("compliance:warning-list", args=[college.branch.pk]))
    assert [row["entry"].pk for row in response.context["rows"]] == [entry.pk]
    assert client.get(reverse("compliance:warning-detail", args=[own.pk])).status_code == 404
    assert (
        client_for(college.user("committee")).get(reverse("compliance:warning-detail", args=[own.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("role", ["member", "group_leader", "auditor", "other_branch"])
def test_members_and_other_branches_see_nothing(college, entry, role):
    client = client_for(college.user(role))
    assert client.get(reverse("compliance:warning-detail", args=[entry.pk])).status_code == 404
    assert client.get(reverse("compliance:warning-list", args=[college.branch.pk])).status_code == 404
    response = client.post(reverse("compliance:warning-close", args=[entry.pk]), {"mode": "explained"})
    assert response.status_code == 404


def test_the_committee_sees_counts_per_branch(college, entry):
    response = client_for(college.user("committee")).get(reverse("compliance:warning-overview"))
    assert response.status_code == 200
    counts = {c.org.pk: (c.alarms, c.warnings) for c in response.context["counts"]}
    assert counts == {college.branch.pk: (0, 1), college.other_branch.pk: (0, 0)}
    assert "张三" not in response.content.decode()


def test_a_branch_officer_goes_straight_to_their_list(college, entry):
    response = client_for(college.user("branch")).get(reverse("compliance:warning-overview"))
    assert response.status_code == 302
    assert response.url == reverse("compliance:warning-list", args=[college.branch.pk])


def test_the_refresh_button(college, entry):
    held(college.branch, 5, {college.member: "absent"}, form="group_meeting")
    response = client_for(college.user("branch")).post(reverse("compliance:warning-refresh", args=[college.branch.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.reasons[0]["data"]["count"] == 4


def test_the_detail_offers_the_three_ways_to_close(college, entry):
    response = client_for(college.user("branch")).get(reverse("compliance:warning-detail", args=[entry.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("talk-note", "talk-officer", "action-resolution", "reason-note"):
        assert f'name="{name}"' in text
    # The secretary is offered as the officer who held the talk.
    assert response.context["forms"]["talk"].initial["officer"] == str(college.secretary.pk)
    assert "《中国共产党章程》第九条" in text


def test_closing_with_a_talk_from_the_page(college, entry):
    url = reverse("compliance:warning-close", args=[entry.pk])
    data = {
        "mode": "talk",
        "talk-on": timezone.localdate().isoformat(),
        "talk-officer": str(college.secretary.pk),
        "talk-talk_kind": "reminder",
        "talk-note": "了解到近期教学任务重，约定下次主题党日按时参加",
    }
    response = client_for(college.user("branch")).post(url, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CLOSED
    assert entry.talk == Talk.objects.get(member=college.member)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mode": "explained", "reason-on": "2020-01-01", "reason-note": ""}, "note"),
        ({"mode": "action", "action-on": "2020-01-01", "action-note": "上门"}, "resolution"),
        ({"mode": "talk", "talk-on": "2020-01-01", "talk-note": "谈话", "talk-talk_kind": "reminder"}, "officer"),
    ],
)
def test_closing_without_an_action_or_a_reason_shows_the_form_again(college, entry, data, field):
    response = client_for(college.user("branch")).post(reverse("compliance:warning-close", args=[entry.pk]), data)
    assert response.status_code == 400
    form = next(f for f in response.context["forms"].values() if f.is_bound)
    assert field in form.errors
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OPEN


def test_a_post_without_a_way_of_closing_is_refused(college, entry):
    response = client_for(college.user("branch")).post(reverse("compliance:warning-close", args=[entry.pk]), {})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OPEN


def test_the_history_lists_closed_entries(college, entry):
    warning_close(
        actor=college.user("branch"), entry=entry, resolution="explained", on=timezone.localdate(), note="长期病假"
    )
    client = client_for(college.user("branch"))
    response = client.get(reverse("compliance:warning-history", args=[college.branch.pk]))
    assert response.status_code == 200
    assert "张三" in response.content.decode()
    assert client.get(reverse("compliance:warning-list", args=[college.branch.pk])).context["rows"] == []
    detail = client.get(reverse("compliance:warning-detail", args=[entry.pk]))
    assert "长期病假" in detail.content.decode()
    partial = client.get(
        reverse("compliance:warning-history", args=[college.branch.pk]),
        headers={"HX-Request": "true", "HX-Target": "history-results"},
    )
    assert "<html" not in partial.content.decode()
