"""Activity services: publishing fixes the expected attendees, check-in, marking, leave, closing, make-up."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.core.models import AuditEvent, CalendarDay, DayKind
from dangjian.members import services as member_services
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import services as org_services
from dangjian.study import tokens
from dangjian.study.models import (
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    MakeUp,
    MakeUpStatus,
    PlanItem,
    RequestStatus,
    Semester,
    StudyPlan,
)
from dangjian.study.services import activities as services
from dangjian.study.tests.factories_activities import ActivityFactory

# Friday 8 May 2026, 14:00 in Beijing.
START = datetime.datetime(2026, 5, 8, 6, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=2)
MIN = datetime.timedelta(minutes=1)
BRANCH_MEMBERS = {"李书记", "王组长", "张三", "吕书记"}


def names(rows) -> set[str]:
    return {row.member.name for row in rows}


@pytest.fixture
def activity(college):
    return ActivityFactory(org=college.branch, starts_at=START, ends_at=END, publish=True)


def check_in(college, activity, role="member", at=START, token_at=None, **kwargs):
    token = tokens.current_token(activity.pk, token_at or at)
    return services.attendance_check_in(
        actor=college.user(role), activity=activity, token=token, ip="10.0.0.8", device="iPhone", now=at, **kwargs
    )


def row(activity, member) -> Attendance:
    return Attendance.objects.get(activity=activity, member=member)


# --- create, update, publish ------------------------------------------------------------------


def test_create_derives_window_and_credit(college):
    activity = services.activity_create(
        actor=college.user("branch"),
        org=college.branch,
        form="lecture",
        theme="党课：学习党章",
        starts_at=START,
        ends_at=START + datetime.timedelta(minutes=90),
    )
    assert activity.status == ActivityStatus.DRAFT
    assert activity.credit_minutes == 90
    assert not activity.credit_overridden
    assert activity.check_in_opens_at == START - 30 * MIN
    assert activity.late_after == START + 10 * MIN
    assert activity.check_in_closes_at == START + 90 * MIN
    assert AuditEvent.objects.filter(action="activity.create", object_id=str(activity.pk)).exists()


@pytest.mark.parametrize(("credit", "message"), [(-5, "negative|负数"), (121, "exceed|超过")])
def test_credit_override_is_capped(college, credit, message):
    with pytest.raises(DomainError, match=message) as info:
        services.activity_create(
            actor=college.user("branch"),
            org=college.branch,
            form="lecture",
            theme="党课",
            starts_at=START,
            ends_at=END,
            credit_minutes=credit,
        )
    assert info.value.field == "credit_minutes"


def test_credit_override_and_grace(college):
    activity = services.activity_create(
        actor=system_actor(),
        org=college.branch,
        form="visit",
        theme="参观",
        starts_at=START,
        ends_at=END,
        credit_minutes=60,
        late_grace_minutes=0,
    )
    assert (activity.credit_minutes, activity.credit_overridden) == (60, True)
    assert activity.late_after == START
    # Shortening the activity below the override caps it; the chosen grace is kept.
    services.activity_update(
        actor=system_actor(), activity=activity, starts_at=START + 10 * MIN, ends_at=START + 40 * MIN
    )
    assert activity.credit_minutes == 30
    assert activity.late_after == START + 10 * MIN


def test_ends_before_start_is_refused(college):
    with pytest.raises(DomainError) as info:
        services.activity_create(
            actor=system_actor(), org=college.branch, form="lecture", theme="x", starts_at=END, ends_at=START
        )
    assert info.value.field == "ends_at"


def test_only_officers_of_the_organiser_create(college):
    for role in ("member", "other_branch", "auditor", "group_leader"):
        with pytest.raises(Forbidden):
            services.activity_create(
                actor=college.user(role), org=college.branch, form="lecture", theme="x", starts_at=START, ends_at=END
            )


def test_create_from_plan_item_copies_theme_form_audience(college):
    semester = Semester.objects.create(
        committee=college.committee,
        name="2025—2026学年第二学期",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 7, 15),
    )
    plan = StudyPlan.objects.create(org=college.branch, semester=semester, title="学习教育计划")
    item = PlanItem.objects.create(
        plan=plan,
        month=datetime.date(2026, 5, 1),
        theme="五月主题党日",
        form="theme_day",
        audience="faculty",
        planned_minutes=120,
    )
    activity = services.activity_create(
        actor=college.user("branch"), org=college.branch, plan_item=item, starts_at=START
    )
    assert (activity.theme, activity.form, activity.audience) == ("五月主题党日", "theme_day", "faculty")
    assert activity.ends_at == END
    assert activity.plan_item == item
    with pytest.raises(DomainError, match="another organisation|其他党组织"):
        services.activity_create(actor=system_actor(), org=college.other_branch, plan_item=item, starts_at=START)


def test_publish_fixes_expected_attendees(activity, college):
    assert names(activity.attendances.select_related("member")) == BRANCH_MEMBERS
    assert set(activity.attendances.values_list("expected", "status")) == {(True, AttendanceStatus.EXPECTED)}
    with pytest.raises(DomainError):
        services.activity_publish(actor=system_actor(), activity=activity)


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("all", {*BRANCH_MEMBERS, "赵学生", "钱书记"}),
        ("students", {"赵学生", "钱书记"}),
        ("faculty", BRANCH_MEMBERS),
        ("retired", {"退休老师"}),
        ("officers", {"李书记", "王组长", "吕书记", "钱书记"}),
    ],
)
def test_publish_by_audience(college, audience, expected):
    MemberFactory(org=college.other_branch, name="退休老师", category="retired")
    activity = ActivityFactory(org=college.committee, audience=audience, starts_at=START, ends_at=END)
    services.activity_publish(actor=college.user("committee"), activity=activity)
    expected = expected | {"退休老师"} if audience == "all" else expected
    assert names(activity.attendances.select_related("member")) == expected


def test_exempt_members_are_left_out(college):
    day = datetime.date(2026, 5, 8)
    member_services.situation_add(actor=college.user("branch"), member=college.member, kind="frail", since=day)
    leader = college.user("group_leader").member
    member_services.situation_add(
        actor=college.user("branch"),
        member=leader,
        kind="abroad",
        since=day - datetime.timedelta(days=30),
        until=day - datetime.timedelta(days=1),
    )
    activity = ActivityFactory(org=college.branch, starts_at=START, ends_at=END, publish=True)
    assert names(activity.attendances.select_related("member")) == BRANCH_MEMBERS - {"张三"}
    # Exempt but there after all: welcome, recorded as not expected.
    attendance = check_in(college, activity)
    assert (attendance.status, attendance.expected) == (AttendanceStatus.PRESENT, False)


def test_joint_organisers_bring_their_members(college):
    activity = ActivityFactory(
        org=college.branch, joint_orgs=[college.other_branch], starts_at=START, ends_at=END, publish=True
    )
    assert names(activity.attendances.select_related("member")) == {*BRANCH_MEMBERS, "赵学生", "钱书记"}


def test_audience_is_fixed_after_publishing(activity):
    with pytest.raises(DomainError, match="audience|参加对象"):
        services.activity_update(actor=system_actor(), activity=activity, audience="students")
    services.activity_update(actor=system_actor(), activity=activity, place="图书馆报告厅")
    assert activity.place == "图书馆报告厅"


def test_cancel(college):
    draft = ActivityFactory(org=college.branch, starts_at=START, ends_at=END)
    services.activity_cancel(actor=college.user("branch"), activity=draft, reason="与考试冲突")
    assert draft.status == ActivityStatus.CANCELLED
    with pytest.raises(DomainError):
        services.activity_update(actor=system_actor(), activity=draft, place="x")
    started = ActivityFactory(org=college.branch, starts_at=START, ends_at=END, publish=True)
    with pytest.raises(DomainError, match="started|已开始"):
        services.activity_cancel(actor=system_actor(), activity=started, now=START)
    services.activity_cancel(actor=system_actor(), activity=started, now=START - MIN)


# --- check-in ---------------------------------------------------------------------------------


def test_check_in_on_time(activity, college):
    attendance = check_in(college, activity, at=START + 10 * MIN)
    assert attendance.status == AttendanceStatus.PRESENT
    stored = row(activity, college.member)
    assert (stored.status, stored.method, stored.ip_address, stored.device) == ("present", "qr", "10.0.0.8", "iPhone")
    assert stored.checked_in_at == START + 10 * MIN
    assert stored.expected


def test_check_in_late_after_grace(activity, college):
    assert check_in(college, activity, at=START + 10 * MIN + datetime.timedelta(seconds=1)).status == "late"


def test_double_check_in_is_refused_and_changes_nothing(activity, college):
    check_in(college, activity, at=START - 5 * MIN)
    before = row(activity, college.member)
    with pytest.raises(services.AlreadyCheckedIn) as info:
        check_in(college, activity, at=START + 20 * MIN)
    assert isinstance(info.value, Conflict)
    after = row(activity, college.member)
    assert (after.status, after.checked_in_at, after.updated_at) == (
        before.status,
        before.checked_in_at,
        before.updated_at,
    )
    assert Attendance.objects.filter(activity=activity, member=college.member).count() == 1


def test_double_check_in_outside_the_audience_is_refused(college):
    activity = ActivityFactory(org=college.committee, audience="students", starts_at=START, ends_at=END, publish=True)
    first = check_in(college, activity)
    assert first.expected is False
    with pytest.raises(services.AlreadyCheckedIn):
        check_in(college, activity)
    assert Attendance.objects.filter(activity=activity, member=college.member).count() == 1


@pytest.mark.parametrize(
    ("token_age", "error"),
    [(datetime.timedelta(seconds=30), None), (datetime.timedelta(seconds=60), services.ExpiredToken)],
)
def test_old_tokens_expire(activity, college, token_age, error):
    # Periods are aligned to the epoch; START is on a period boundary.
    moment = START + token_age
    if error is None:
        assert check_in(college, activity, at=moment, token_at=START).status == "present"
    else:
        with pytest.raises(error):
            check_in(college, activity, at=moment, token_at=START)
        assert row(activity, college.member).status == AttendanceStatus.EXPECTED


@pytest.mark.parametrize(
    "make_token",
    [
        lambda activity: "123.forged",
        lambda activity: tokens.current_token(activity.pk + 1, START),
        lambda activity: tokens.current_token(activity.pk, START + datetime.timedelta(seconds=30)),  # future
    ],
)
def test_forged_or_foreign_tokens_are_refused(activity, college, make_token):
    with pytest.raises((services.InvalidToken, services.ExpiredToken)):
        services.attendance_check_in(
            actor=college.user("member"), activity=activity, token=make_token(activity), now=START
        )
    assert row(activity, college.member).status == AttendanceStatus.EXPECTED


def test_outside_the_window(activity, college):
    with pytest.raises(services.CheckInNotOpen):
        check_in(college, activity, at=START - 31 * MIN)
    with pytest.raises(services.CheckInClosed):
        check_in(college, activity, at=END + datetime.timedelta(seconds=1))


def test_members_of_other_organisations_cannot_check_in(activity, college):
    with pytest.raises(services.NotForYou):
        check_in(college, activity, role="other_branch")
    assert not Attendance.objects.filter(activity=activity, member=college.other_member).exists()


def test_accounts_without_a_member_record_cannot_check_in(activity, college):
    with pytest.raises(services.NoMemberRecord):
        check_in(college, activity, role="auditor")


def test_drafts_and_cancelled_activities_take_no_check_in(college):
    draft = ActivityFactory(org=college.branch, starts_at=START, ends_at=END)
    with pytest.raises(services.NotOpenActivity):
        check_in(college, draft)


def test_a_recent_scan_survives_logging_in(activity, college):
    scanned = START + 5 * MIN
    attendance = check_in(college, activity, at=scanned + 3 * MIN, token_at=scanned, scanned_at=scanned)
    assert attendance.status == "present"
    assert attendance.checked_in_at == scanned


def test_an_old_scan_does_not(activity, college):
    scanned = START + 5 * MIN
    with pytest.raises(services.ExpiredToken):
        check_in(college, activity, at=scanned + 6 * MIN, token_at=scanned, scanned_at=scanned)


# --- manual marking ---------------------------------------------------------------------------


def test_manual_marking_is_audited(activity, college):
    attendance = services.attendance_mark(
        actor=college.user("branch"), activity=activity, member=college.member, status="present", reason="手机没电"
    )
    assert (attendance.status, attendance.method, attendance.marked_by) == ("present", "manual", college.user("branch"))
    event = AuditEvent.objects.get(action="attendance.mark")
    assert event.changes["status"] == ["expected", "present"]
    assert event.changes["reason"] == "手机没电"
    assert event.org_path == college.branch.path


def test_manual_marking_needs_a_reason_and_the_right(activity, college):
    with pytest.raises(DomainError) as info:
        services.attendance_mark(
            actor=college.user("branch"), activity=activity, member=college.member, status="present", reason=" "
        )
    assert info.value.field == "reason"
    with pytest.raises(Forbidden):
        services.attendance_mark(
            actor=college.user("other_branch"), activity=activity, member=college.member, status="present", reason="x"
        )
    with pytest.raises(DomainError):
        services.attendance_mark(
            actor=college.user("branch"), activity=activity, member=college.member, status="made_up", reason="x"
        )
    assert row(activity, college.member).status == AttendanceStatus.EXPECTED
    assert not AuditEvent.objects.filter(action="attendance.mark").exists()


# --- leave, closing, make-up ------------------------------------------------------------------


def test_leave_only_before_the_start(activity, college):
    with pytest.raises(DomainError, match="before|开始前"):
        services.leave_request_create(actor=college.user("member"), activity=activity, reason="出差", now=START)
    assert not LeaveRequest.objects.exists()
    leave = services.leave_request_create(
        actor=college.user("member"), activity=activity, reason="出差", now=START - MIN
    )
    assert leave.status == RequestStatus.PENDING
    with pytest.raises(Conflict):
        services.leave_request_create(actor=college.user("member"), activity=activity, reason="出差", now=START - MIN)


def test_leave_needs_an_expected_attendee(activity, college):
    with pytest.raises(DomainError, match="not expected|应出席人员"):
        services.leave_request_create(
            actor=college.user("other_branch"), activity=activity, reason="x", now=START - MIN
        )


def test_only_the_organisers_officers_decide(activity, college):
    leave = services.leave_request_create(
        actor=college.user("member"), activity=activity, reason="出差", now=START - MIN
    )
    for role in ("member", "other_branch", "group_leader"):
        with pytest.raises(Forbidden):
            services.leave_request_decide(actor=college.user(role), leave=leave, approve=True)
    with pytest.raises(DomainError, match="why|理由"):
        services.leave_request_decide(actor=college.user("branch"), leave=leave, approve=False)
    services.leave_request_decide(actor=college.user("branch"), leave=leave, approve=False, answer="重要会议，请参加")
    assert row(activity, college.member).status == AttendanceStatus.EXPECTED
    with pytest.raises(DomainError, match="already|已审批"):
        services.leave_request_decide(actor=college.user("branch"), leave=leave, approve=True)


def test_close_marks_absent_and_assigns_make_ups(activity, college):
    # A holiday in the make-up period pushes the due date on by one working day.
    CalendarDay.objects.create(date=datetime.date(2026, 5, 12), kind=DayKind.HOLIDAY, name="测试假日")
    branch = college.user("branch")
    secretary = college.secretary
    leave = services.leave_request_create(
        actor=college.user("member"), activity=activity, reason="出差", now=START - MIN
    )
    services.leave_request_decide(actor=branch, leave=leave, approve=True)
    assert row(activity, college.member).status == AttendanceStatus.LEAVE
    check_in(college, activity, role="branch")
    with pytest.raises(DomainError, match="closed|签到截止"):
        services.activity_close(actor=branch, activity=activity, now=END)
    services.activity_close(actor=branch, activity=activity, now=END + MIN)
    statuses = {a.member.name: a.status for a in activity.attendances.select_related("member")}
    assert statuses == {"李书记": "present", "张三": "leave", "王组长": "absent", "吕书记": "absent"}
    make_ups = MakeUp.objects.filter(attendance__activity=activity)
    assert {m.attendance.member.name for m in make_ups} == {"张三", "王组长", "吕书记"}
    # Ten working days on the shared calendar (which may ship statutory days too), 12 May skipped.
    calendar = working_calendar()
    assert not calendar.is_working_day(datetime.date(2026, 5, 12))
    assert {m.due_on for m in make_ups} == {calendar.add_working_days(datetime.date(2026, 5, 8), 10)}
    assert calendar.working_days_between(datetime.date(2026, 5, 8), make_ups[0].due_on) == 10
    assert not MakeUp.objects.filter(attendance__member=secretary).exists()
    # Closing again creates nothing new.
    services.activity_close(actor=branch, activity=activity, now=END + MIN)
    assert make_ups.count() == 3


def test_make_up_flow_changes_the_attendance(activity, college):
    branch, member = college.user("branch"), college.user("member")
    services.activity_close(actor=branch, activity=activity, now=END + MIN)
    make_up = MakeUp.objects.get(attendance__member=college.member)
    with pytest.raises(Forbidden):
        services.make_up_submit(actor=college.user("group_leader"), make_up=make_up, reflection="抄的")
    with pytest.raises(DomainError):
        services.make_up_review(actor=branch, make_up=make_up, accept=True)  # not handed in yet
    services.make_up_submit(actor=member, make_up=make_up, reflection="学习了党章第一章，体会是……")
    with pytest.raises(DomainError, match="change|修改的内容"):
        services.make_up_review(actor=branch, make_up=make_up, accept=False)
    services.make_up_review(actor=branch, make_up=make_up, accept=False, note="请结合工作实际再写一写")
    assert make_up.status == MakeUpStatus.RETURNED
    assert row(activity, college.member).status == AttendanceStatus.ABSENT
    services.make_up_submit(actor=member, make_up=make_up, reflection="结合教学工作，体会是……")
    with pytest.raises(Forbidden):
        services.make_up_review(actor=college.user("other_branch"), make_up=make_up, accept=True)
    services.make_up_review(actor=branch, make_up=make_up, accept=True)
    assert make_up.status == MakeUpStatus.ACCEPTED
    assert row(activity, college.member).status == AttendanceStatus.MADE_UP
    assert AuditEvent.objects.filter(action="make_up.review", object_id=str(make_up.pk)).count() == 2


def test_leave_approved_after_closing_turns_the_absence_into_leave(activity, college):
    leave = services.leave_request_create(
        actor=college.user("member"), activity=activity, reason="病假", now=START - MIN
    )
    services.activity_close(actor=system_actor(), activity=activity, now=END + MIN)
    services.leave_request_decide(actor=college.user("branch"), leave=leave, approve=True)
    assert row(activity, college.member).status == AttendanceStatus.LEAVE
    assert MakeUp.objects.filter(attendance__member=college.member).count() == 1


def test_marking_present_after_closing_drops_the_make_up(activity, college):
    services.activity_close(actor=system_actor(), activity=activity, now=END + MIN)
    services.attendance_mark(
        actor=college.user("branch"),
        activity=activity,
        member=college.member,
        status="late",
        reason="签到漏记",
        now=END + 2 * MIN,
    )
    assert not MakeUp.objects.filter(attendance__member=college.member).exists()


def test_record(activity, college):
    with pytest.raises(DomainError):
        services.activity_record(actor=college.user("branch"), activity=activity, summary="x", now=START - MIN)
    services.activity_record(
        actor=college.user("branch"), activity=activity, minutes="会议记录", decisions="决定……", summary="小结", now=END
    )
    activity.refresh_from_db()
    assert (activity.minutes, activity.decisions, activity.summary) == ("会议记录", "决定……", "小结")


def test_officer_terms_count_for_the_officers_audience(college):
    new_officer = MemberFactory(org=college.group, name="新委员")
    org_services.officer_appoint(
        actor=system_actor(),
        org=college.branch,
        member=new_officer,
        position="propaganda",
        since=datetime.date(2026, 5, 1),
    )
    activity = ActivityFactory(org=college.branch, audience="officers", starts_at=START, ends_at=END, publish=True)
    assert "新委员" in names(activity.attendances.select_related("member"))


# --- the speaker ------------------------------------------------------------------------------


def test_the_speaker_comes_from_the_organisers_college(college):
    from dangjian.orgs.tests.factories import OrganisationFactory
    from dangjian.study.selectors.activities import speaker_options

    starts = timezone.now() + datetime.timedelta(days=2)
    committee_secretary = college.committee.officer_terms.get(position="secretary").member
    lecture = services.activity_create(
        actor=college.user("branch"),
        org=college.branch,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        form="lecture",
        theme="书记讲党课",
        speaker=college.other_member,  # a student of another branch of the same college
    )
    assert lecture.speaker == college.other_member
    services.activity_update(actor=system_actor(), activity=lecture, speaker=committee_secretary)
    elsewhere = OrganisationFactory(kind="committee", name="经济学院党委", code="C02")
    stranger = MemberFactory(org=OrganisationFactory(parent=elsewhere, code="B09"), name="外院党员")
    with pytest.raises(DomainError) as caught:
        services.activity_update(actor=system_actor(), activity=lecture, speaker=stranger)
    assert caught.value.field == "speaker"
    lecture.refresh_from_db()
    assert lecture.speaker == committee_secretary
    candidates = list(speaker_options(college.branch))
    assert candidates.index(college.secretary) < candidates.index(college.other_member)  # own branch first
    assert stranger not in candidates


def test_a_copied_make_up_reflection_is_flagged_to_the_reviewer(activity, college):
    services.activity_close(actor=system_actor(), activity=activity, now=END + MIN)
    original = (
        "这次主题党日重温了入党誓词，我认识到要把党章要求落实到教学科研的每一个环节，做一名合格的党员教师。"
        "今后要加强理论学习，结合课程思政，把立德树人的根本任务落到实处。"
    )
    first = MakeUp.objects.get(attendance__member=college.member)
    second = MakeUp.objects.get(attendance__member=college.secretary)
    services.make_up_submit(actor=college.user("member"), make_up=first, reflection=original)
    services.make_up_submit(actor=college.user("branch"), make_up=second, reflection=original.replace("教师", "老师"))
    assert first.similar_to is None
    assert second.similar_to == first
    other = MakeUp.objects.exclude(pk__in=[first.pk, second.pk]).filter(attendance__activity=activity).first()
    if other is not None:  # a third, different reflection is not flagged
        services.make_up_submit(
            actor=other.attendance.member.user,
            make_up=other,
            reflection="结合学生工作谈体会：要关心每一名学生党员的成长。",
        )
        assert other.similar_to is None


def test_activity_materials_are_published_library_materials_the_organiser_sees(college):
    from dangjian.library.models import Material

    def material(org, status="published"):
        return Material.objects.create(org=org, title=f"{org.name}资料", area="theory", kind="txt", status=status)

    committee_text, own_text = material(college.committee), material(college.branch)
    draft, other = material(college.branch, "draft"), material(college.other_branch)
    starts = timezone.now() + datetime.timedelta(days=3)
    activity = services.activity_create(
        actor=college.user("branch"),
        org=college.branch,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        form="theme_day",
        theme="学习",
        materials=[committee_text, own_text],
    )
    assert set(activity.materials.all()) == {committee_text, own_text}
    for refused in (draft, other):
        with pytest.raises(DomainError) as caught:
            services.activity_update(actor=college.user("branch"), activity=activity, materials=[refused])
        assert caught.value.field == "materials"
    assert set(activity.materials.all()) == {committee_text, own_text}
    services.activity_update(actor=college.user("branch"), activity=activity, materials=[own_text])
    assert list(activity.materials.all()) == [own_text]
    event = AuditEvent.objects.filter(action="activity.update", object_id=str(activity.pk)).latest("pk")
    assert event.changes["materials"] == [sorted([committee_text.pk, own_text.pk]), [own_text.pk]]
