"""Meeting records: the minutes, the vote record tallied by the one vote rule at its boundaries, the
organisational life meeting's stages and its 整改 items tracked to done, and the inbox source."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.members.tests.factories import MemberFactory
from dangjian.study.models import RectificationStatus
from dangjian.study.rules import records as rules
from dangjian.study.selectors import records as selectors
from dangjian.study.services import activities as activity_services
from dangjian.study.services import records as services
from dangjian.study.tests.factories_records import held_meeting

pytestmark = pytest.mark.django_db

BRANCH_FULL = 4  # the faculty branch's full members: 李书记, 吕书记, 王组长, 张三


@pytest.fixture
def meeting(college):
    return held_meeting(college.branch)


@pytest.fixture
def life(college):
    return held_meeting(college.branch, form="life_meeting")


def the_four(college):
    from dangjian.members.models import Member

    return list(
        Member.objects.filter(
            name__in=["李书记", "吕书记", "王组长", "张三"], org__path__startswith=college.branch.path
        )
    )


def present(meeting, *members):
    for member in members:
        activity_services.attendance_mark(
            actor=system_actor(), activity=meeting, member=member, status="present", reason="现场登记"
        )


# --- rules ----------------------------------------------------------------------------------------


def test_only_a_general_meeting_takes_votes():
    assert rules.takes_votes("general_meeting")
    assert not rules.takes_votes("committee_meeting")
    assert not rules.takes_votes("life_meeting")


def test_present_never_exceeds_the_roster():
    assert rules.voting_counts(5, 7) == (5, 5)
    assert rules.voting_counts(5, 3) == (5, 3)


@pytest.mark.parametrize(("day", "overdue"), [(datetime.date(2026, 3, 31), False), (datetime.date(2026, 4, 1), True)])
def test_a_rectification_is_overdue_the_day_after_it_is_due(day, overdue):
    assert rules.rectification_overdue("open", datetime.date(2026, 3, 31), day) is overdue
    assert rules.rectification_overdue("done", datetime.date(2026, 3, 31), day) is False


# --- minutes --------------------------------------------------------------------------------------


def test_minutes_keep_host_recorder_agenda_and_speeches_in_order(college, meeting):
    present(meeting, college.secretary, college.member)
    services.minutes_save(
        actor=college.user("branch"),
        activity=meeting,
        agenda="通报支部工作\n\n讨论接收预备党员",
        host=college.secretary,
        recorder=college.member,
        decisions="同意接收。",
        speeches=[
            services.Speech(gist="介绍发展对象情况", speaker=college.secretary),
            services.Speech(gist="谈了培养考察意见", speaker_name="校外专家"),
        ],
    )
    record = selectors.meeting_record(actor=college.user("branch"), activity=meeting)
    assert record.minutes.agenda_items == ["通报支部工作", "讨论接收预备党员"]
    assert record.minutes.host == college.secretary
    assert [str(s) for s in record.speeches] == [college.secretary.name, "校外专家"]
    assert record.activity.decisions == "同意接收。"
    assert sorted(record.attendees) == sorted([college.secretary.name, college.member.name])
    assert AuditEvent.objects.filter(action="meeting_minutes.save").count() == 1


def test_minutes_again_replace_the_speeches(college, meeting):
    def save(*gists):
        services.minutes_save(
            actor=college.user("branch"),
            activity=meeting,
            speeches=[services.Speech(gist=g, speaker=college.secretary) for g in gists],
        )

    save("一", "二")
    save("三")
    assert [s.gist for s in selectors.speeches_of(meeting)] == ["三"]


def test_minutes_refuse_an_outsider_and_a_speech_without_gist(college, meeting):
    with pytest.raises(DomainError) as refused:
        services.minutes_save(actor=college.user("branch"), activity=meeting, host=college.other_member)
    assert refused.value.field == "host"
    with pytest.raises(DomainError):
        services.minutes_save(
            actor=college.user("branch"), activity=meeting, speeches=[services.Speech(gist=" ", speaker_name="某")]
        )


def test_minutes_are_for_the_organisers_officers(college, meeting):
    with pytest.raises(Forbidden):
        services.minutes_save(actor=college.user("member"), activity=meeting, agenda="x")
    with pytest.raises(Forbidden):
        services.minutes_save(actor=college.user("other_branch"), activity=meeting, agenda="x")


def test_minutes_wait_for_the_meeting(college):
    later = held_meeting(college.branch, hours_ago=-5)
    with pytest.raises(DomainError):
        services.minutes_save(actor=college.user("branch"), activity=later, agenda="x")


def test_members_read_the_record_without_names(college, meeting):
    present(meeting, college.secretary)
    record = selectors.meeting_record(actor=college.user("member"), activity=meeting)
    assert record.attendees == []
    assert not record.can_see_names
    assert record.summary.attended == 1


# --- votes ----------------------------------------------------------------------------------------


def test_defaults_count_full_members_only(college, meeting):
    MemberFactory(org=college.branch, name="预备甲", full_member_on=None)
    present(meeting, college.secretary, college.member)
    assert selectors.voting_defaults(meeting) == (BRANCH_FULL, 2)


def test_probationary_members_present_are_not_counted(college):
    probationary = MemberFactory(org=college.branch, name="预备乙", full_member_on=None)
    meeting = held_meeting(college.branch)
    present(meeting, probationary, college.secretary)
    assert selectors.voting_defaults(meeting) == (BRANCH_FULL, 1)


def _vote(college, meeting, **numbers):
    return services.vote_record_add(
        actor=college.user("branch"), activity=meeting, item="接收李四为预备党员", **numbers
    )


@pytest.mark.parametrize(("yes", "passed"), [(2, False), (3, True)])
def test_a_motion_needs_more_than_half_of_entitled(college, meeting, yes, passed):
    """4 entitled, all present: 2 in favour is half, not more; 3 is."""
    present(meeting, *the_four(college))
    record = _vote(college, meeting, yes=yes, no=4 - yes)
    assert selectors.tallied(record).result.passed is passed


def test_entitled_not_present_is_the_denominator(college, meeting):
    """3 of 4 present, 2 in favour: a majority of those present, but not of 应到."""
    present(meeting, college.secretary, college.member)
    record = _vote(college, meeting, present=3, yes=2, no=1, adjust_reason="一人签到后补录")
    result = selectors.tallied(record).result
    assert result.quorum
    assert not result.passed
    assert result.needed == 3


def test_written_opinions_count_for_admission(college, meeting):
    """3 of 4 present, 2 in favour and the absent member's written yes: 3 > 4 / 2. Without it, not passed."""
    present(meeting, *the_four(college)[:3])
    record = _vote(college, meeting, matter="admit", yes=2, no=1, written_yes=1)
    assert selectors.tallied(record).result.passed
    record = _vote(college, meeting, matter="admit", yes=2, no=1)
    assert not selectors.tallied(record).result.passed


def test_no_quorum_no_pass(college, meeting):
    present(meeting, college.secretary, college.member)
    record = _vote(college, meeting, yes=2)
    result = selectors.tallied(record).result
    assert not result.quorum
    assert not result.passed


@pytest.mark.parametrize(
    ("numbers", "field"),
    [
        ({"yes": 3}, "__all__"),  # more votes than present (2)
        ({"present": 5, "adjust_reason": "x"}, "__all__"),  # more present than entitled
        ({"written_yes": 1}, "__all__"),  # written opinions on another matter
        ({"entitled": 3}, "adjust_reason"),  # changed without a reason
        ({"entitled": 0, "present": 0, "adjust_reason": "x"}, "__all__"),
    ],
)
def test_numbers_that_do_not_add_up_are_refused(college, meeting, numbers, field):
    present(meeting, college.secretary, college.member)
    with pytest.raises(DomainError) as refused:
        _vote(college, meeting, **numbers)
    assert field in refused.value.errors
    assert not meeting.vote_records.exists()


def test_a_changed_count_keeps_its_reason_and_the_default(college, meeting):
    present(meeting, college.secretary, college.member)
    record = _vote(
        college, meeting, entitled=3, present=2, yes=2, adjust_reason="一名党员长期卧床，经上级同意不计入应到"
    )
    assert (record.entitled_default, record.present_default) == (BRANCH_FULL, 2)
    tallied = selectors.tallied(record)
    assert tallied.adjusted
    assert tallied.result.passed


def test_only_a_general_meeting_records_votes(college, life):
    with pytest.raises(DomainError):
        _vote(college, life, yes=1)


def test_a_vote_record_is_audited_and_can_be_removed(college, meeting):
    present(meeting, college.secretary, college.member, college.secretary)
    record = _vote(college, meeting, yes=1)
    event = AuditEvent.objects.get(action="vote_record.add")
    assert event.changes["passed"] is False
    services.vote_record_remove(actor=college.user("branch"), record=record)
    assert not meeting.vote_records.exists()
    assert AuditEvent.objects.filter(action="vote_record.remove").exists()


# --- the organisational life meeting and 整改 ------------------------------------------------------


def test_stages_are_recorded_for_a_life_meeting_only(college, life, meeting):
    saved = services.life_meeting_save(
        actor=college.user("branch"),
        activity=life,
        study_done=True,
        study_note="集中学习两次",
        talks_done=True,
        problems="理论学习不够深入\n\n联系群众不够",
        criticism="书记带头作对照检查。",
    )
    assert saved.problem_list == ["理论学习不够深入", "联系群众不够"]
    assert AuditEvent.objects.get(action="life_meeting.save").changes["study_done"] == [False, True]
    with pytest.raises(DomainError):
        services.life_meeting_save(actor=college.user("branch"), activity=meeting, study_done=True)


def _item(college, life, **kwargs):
    values = {
        "problem": "理论学习不够深入",
        "measure": "每月精读一篇原著并交流",
        "owner": college.member,
        "due_on": timezone.localdate() + datetime.timedelta(days=30),
    } | kwargs
    return services.rectification_add(actor=college.user("branch"), activity=life, **values)


def test_a_rectification_is_tracked_to_done_by_its_owner(college, life):
    item = _item(college, life)
    assert selectors.my_open_rectifications(actor=college.user("member")) == [item]
    today = timezone.localdate()
    services.rectification_done(actor=college.user("member"), item=item, done_on=today, note="已完成三次交流")
    item.refresh_from_db()
    assert (item.status, item.done_on) == (RectificationStatus.DONE, today)
    assert selectors.my_open_rectifications(actor=college.user("member")) == []
    assert AuditEvent.objects.filter(action="rectification.done").exists()
    with pytest.raises(DomainError):
        services.rectification_done(actor=college.user("member"), item=item, done_on=today, note="again")


def test_only_the_owner_or_an_officer_reports_done(college, life):
    item = _item(college, life)
    with pytest.raises(Forbidden):
        services.rectification_done(
            actor=college.user("group_leader"), item=item, done_on=timezone.localdate(), note="x"
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"done_on": 1}, "done_on"), ({"note": " "}, "note")],
)
def test_done_needs_a_past_day_and_a_note(college, life, kwargs, field):
    item = _item(college, life)
    values = {"done_on": timezone.localdate(), "note": "完成"} | kwargs
    if values["done_on"] == 1:
        values["done_on"] = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        services.rectification_done(actor=college.user("member"), item=item, **values)
    assert field in refused.value.errors


def test_a_rectification_needs_an_owner_of_the_branch_and_a_due_day_after_the_meeting(college, life):
    with pytest.raises(DomainError) as refused:
        _item(college, life, owner=college.other_member, due_on=timezone.localdate() - datetime.timedelta(days=3))
    assert set(refused.value.errors) == {"owner", "due_on"}


def test_the_branch_list_shows_open_items_in_scope(college, life):
    item = _item(college, life)
    assert list(selectors.rectification_list(actor=college.user("branch"), org=college.branch)) == [item]
    assert list(selectors.rectification_list(actor=college.user("other_branch"))) == []
    assert list(selectors.rectification_list(actor=college.user("member"))) == []


def test_access_to_an_item(college, life):
    from dangjian.core.errors import NotFound

    item = _item(college, life)
    assert selectors.access_rectification(college.user("member"), item.pk, manage=True) == item
    with pytest.raises(NotFound):
        selectors.access_rectification(college.user("group_leader"), item.pk, manage=True)
    with pytest.raises(NotFound):
        selectors.access_rectification(college.user("other_branch"), item.pk)


# --- the to-do inbox ------------------------------------------------------------------------------


def test_owners_see_their_open_items_in_the_inbox_overdue_after_the_due_day(college, life):
    from dangjian.notices.inbox import inbox_for, todo_sources

    assert "study.rectifications" in todo_sources()
    item = _item(college, life, due_on=timezone.localdate() + datetime.timedelta(days=2))
    mine = [t for t in inbox_for(college.user("member"), timezone.localdate()) if t.kind == "study.rectification"]
    assert [t.due for t in mine] == [item.due_on]
    assert not mine[0].overdue
    later = [
        t
        for t in inbox_for(college.user("member"), item.due_on + datetime.timedelta(days=1))
        if t.kind == "study.rectification"
    ]
    assert later[0].overdue
    others = inbox_for(college.user("group_leader"), timezone.localdate())
    assert not [t for t in others if t.kind == "study.rectification"]
    services.rectification_done(actor=college.user("member"), item=item, done_on=timezone.localdate(), note="完成")
    assert not [t for t in inbox_for(college.user("member"), timezone.localdate()) if t.kind == "study.rectification"]
