"""Who sees which announcement, read counts per branch, the inbox source and the home's list."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.permissions import scope_for
from dangjian.core.errors import NotFound
from dangjian.notices.models import Announcement
from dangjian.notices.selectors import (
    access_announcement,
    access_read_counts,
    addressed_announcements,
    announcement_list,
    home_announcements,
    publishing_orgs,
    read_counts,
)
from dangjian.notices.services import announcement_confirm, announcement_mark_read, announcement_withdraw
from dangjian.notices.tests.factories import announce
from dangjian.notices.todos import announcement_todos


def titles(queryset) -> set[str]:
    return {a.title for a in queryset}


def test_a_committees_announcement_reaches_every_branch_and_group_under_it(college):
    announce(college.committee, "学院通知")
    for member in (college.member, college.secretary, college.other_member):
        assert titles(addressed_announcements(actor=member.user)) == {"学院通知"}


def test_a_branchs_announcement_stays_in_its_subtree(college):
    announce(college.branch, "支部通知")
    assert titles(addressed_announcements(actor=college.member.user)) == {"支部通知"}  # in the branch's group
    assert titles(addressed_announcements(actor=college.other_member.user)) == set()
    assert titles(announcement_list(actor=college.user("other_branch"))) == set()


@pytest.mark.parametrize(
    ("audience", "readers"),
    [
        ("all", {"member", "group_leader", "other_branch"}),
        ("faculty", {"member", "group_leader"}),
        ("students", {"other_branch"}),
        ("officers", {"group_leader", "other_branch"}),  # the group leader and the student branch's secretary
        ("retired", set()),
    ],
)
def test_the_audience_decides_among_the_members_addressed(college, audience, readers):
    announce(college.committee, "通知", audience=audience)
    reached = {
        role for role in ("member", "group_leader", "other_branch") if addressed_announcements(actor=college.user(role))
    }
    assert reached == readers


def test_members_do_not_see_withdrawn_expired_or_future_announcements_but_publishers_do(college):
    today = timezone.localdate()
    announce(college.branch, "已撤回")
    announcement_withdraw(actor=college.user("branch"), announcement=Announcement.objects.get(title="已撤回"))
    expired = announce(college.branch, "已过期", expires_on=today)
    Announcement.objects.filter(pk=expired.pk).update(expires_on=today - datetime.timedelta(days=1))
    future = announce(college.branch, "未来")
    Announcement.objects.filter(pk=future.pk).update(published_at=timezone.now() + datetime.timedelta(hours=1))
    announce(college.branch, "有效")
    assert titles(addressed_announcements(actor=college.member.user)) == {"有效"}
    assert titles(announcement_list(actor=college.member.user)) == {"有效"}
    assert titles(announcement_list(actor=college.user("branch"))) == {"已撤回", "已过期", "未来", "有效"}
    with pytest.raises(NotFound):
        access_announcement(college.member.user, expired.pk)


def test_pinned_first_then_newest_with_the_readers_own_marks(college):
    old_pinned = announce(college.committee, "置顶", pinned=True)
    Announcement.objects.filter(pk=old_pinned.pk).update(published_at=timezone.now() - datetime.timedelta(days=9))
    announce(college.branch, "较新")
    read = announce(college.branch, "最新")
    announcement_mark_read(actor=college.member.user, announcement=read)
    rows = list(announcement_list(actor=college.member.user))
    assert [a.title for a in rows] == ["置顶", "最新", "较新"]
    assert [(a.is_addressed, a.is_read) for a in rows] == [(True, False), (True, True), (True, False)]
    # Someone else's reading leaves the secretary's marks alone.
    assert not any(a.is_read for a in announcement_list(actor=college.secretary.user))


def test_managers_see_their_subtrees_announcements_as_not_addressed_when_they_are_not(college):
    announce(college.other_branch, "本科生支部通知")
    [row] = announcement_list(actor=college.user("committee"))  # 吕书记 is a member of the faculty branch
    assert not row.is_addressed
    assert access_announcement(college.user("committee"), row.pk, manage=True) == row
    with pytest.raises(NotFound):
        access_announcement(college.user("branch"), row.pk)


def test_publishing_orgs_are_the_scopes_committees_and_branches(college):
    assert list(publishing_orgs(actor=college.user("branch"))) == [college.branch]
    assert set(publishing_orgs(actor=college.user("committee"))) == {
        college.committee,
        college.branch,
        college.other_branch,
    }
    assert list(publishing_orgs(actor=college.user("group_leader"))) == []
    assert list(publishing_orgs(actor=college.user("auditor"))) == []


def test_read_counts_per_branch_without_names(college):
    announcement = announce(college.committee, "学院通知")
    announcement_mark_read(actor=college.member.user, announcement=announcement)
    counts = read_counts(actor=college.user("committee"), announcement=announcement)
    figures = {row.org.name: (row.addressed, row.read, row.not_confirmed) for row in counts.rows}
    # The faculty branch: 李书记, 王组长 (in the group), 张三 (in the group), 吕书记; the student branch: 赵学生, 钱书记.
    assert figures == {college.branch.name: (4, 1, []), college.other_branch.name: (2, 0, [])}
    assert (counts.addressed, counts.read) == (6, 1)


def test_who_has_not_confirmed_is_listed_only_for_an_announcement_asking_for_confirmation(college):
    meeting = announce(college.branch, "支部党员大会通知", requires_confirmation=True)
    announcement_confirm(actor=college.member.user, announcement=meeting)
    announcement_mark_read(actor=college.secretary.user, announcement=meeting)  # read, not confirmed
    [row] = read_counts(actor=college.user("branch"), announcement=meeting).rows
    assert (row.addressed, row.read, row.confirmed) == (4, 2, 1)
    assert row.not_confirmed == ["吕书记", "李书记", "王组长"]


def test_a_branch_officer_sees_only_their_branchs_figures_for_the_committees_notice(college):
    announcement = announce(college.committee, "学院通知", requires_confirmation=True)
    assert access_read_counts(college.user("other_branch"), announcement.pk) == announcement
    [row] = read_counts(actor=college.user("other_branch"), announcement=announcement).rows
    assert row.org == college.other_branch
    assert row.not_confirmed == ["赵学生", "钱书记"]
    for role in ("member", "group_leader", "auditor"):
        with pytest.raises(NotFound):
            access_read_counts(college.user(role), announcement.pk)
    branch_notice = announce(college.branch, "支部通知")
    with pytest.raises(NotFound):
        access_read_counts(college.user("other_branch"), branch_notice.pk)


def test_the_inbox_holds_unread_and_unconfirmed_announcements_until_done(college, django_assert_max_num_queries):
    plain = announce(college.branch, "学习通知")
    meeting = announce(college.branch, "会议通知", requires_confirmation=True)
    announce(college.other_branch, "别的支部的通知")
    user = college.member.user
    today = timezone.localdate()
    scope_for(user)  # read once per request, before the inbox
    with django_assert_max_num_queries(2):
        todos = announcement_todos(user, today)
    assert {(t.kind, t.url.rstrip("/").rsplit("/", 1)[-1]) for t in todos} == {
        ("notices.announcement_read", str(plain.pk)),
        ("notices.announcement_confirm", str(meeting.pk)),
    }
    announcement_mark_read(actor=user, announcement=plain)
    announcement_mark_read(actor=user, announcement=meeting)
    assert [t.kind for t in announcement_todos(user, today)] == ["notices.announcement_confirm"]
    announcement_confirm(actor=user, announcement=meeting)
    assert announcement_todos(user, today) == []


def test_the_inbox_of_an_account_without_a_member_record_is_empty(college):
    announce(college.committee)
    assert announcement_todos(college.user("admin"), timezone.localdate()) == []


def test_the_home_shows_pinned_and_unread_ones_newest_first(college):
    pinned = announce(college.committee, "置顶通知", pinned=True)
    read = announce(college.branch, "已读通知")
    announce(college.branch, "未读通知")
    announcement_mark_read(actor=college.member.user, announcement=read)
    announcement_mark_read(actor=college.member.user, announcement=pinned)
    assert [a.title for a in home_announcements(actor=college.member.user)] == ["置顶通知", "未读通知"]


def test_read_counts_take_the_same_few_queries_however_many_branches(college, django_assert_max_num_queries):
    from dangjian.members.tests.factories import MemberFactory
    from dangjian.orgs.tests.factories import OrganisationFactory

    for n in range(5):
        branch = OrganisationFactory(parent=college.committee, name=f"第{n}党支部", code=f"X{n}")
        MemberFactory(org=branch, name=f"党员{n}", number=f"X{n}00")
    announcement = announce(college.committee, "学院通知")
    officer = college.user("committee")
    scope_for(officer)
    with django_assert_max_num_queries(4):
        counts = read_counts(actor=officer, announcement=announcement)
    assert len(counts.rows) == 7


def test_an_administrator_sees_every_announcement_but_is_addressed_by_none(college):
    announce(college.branch, "支部通知")
    announce(college.other_branch, "另一支部通知")
    rows = list(announcement_list(actor=college.user("admin")))
    assert {a.title for a in rows} == {"支部通知", "另一支部通知"}
    assert not any(a.is_addressed for a in rows)
