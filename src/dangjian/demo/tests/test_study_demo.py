import datetime
import zoneinfo

import pytest
from django.db.models import Q

from dangjian.accounts.models import User
from dangjian.core.models import AuditEvent
from dangjian.demo import generator, study
from dangjian.demo.generator import Scale
from dangjian.members.models import SpecialSituation
from dangjian.orgs.models import Organisation
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Directive,
    Form,
    LeaveRequest,
    MakeUp,
    MakeUpStatus,
    PlanItem,
    PlanStatus,
    ReadingList,
    SelfStudy,
    Semester,
    StudyPlan,
)
from dangjian.study.rules import selfstudy as selfstudy_rules
from dangjian.study.selectors.activities import my_study
from dangjian.study.services.activities import check_in_window_of

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 18, 15, 5, tzinfo=SHANGHAI)  # a Wednesday afternoon
TODAY = NOW.date()
SMALL = Scale(committees=1, branches=8, members=60)


def counts() -> dict[str, int]:
    models = (Semester, Directive, StudyPlan, PlanItem, Activity, Attendance, LeaveRequest, MakeUp, SelfStudy)
    return {m.__name__: m.objects.count() for m in models} | {"events": AuditEvent.objects.count()}


@pytest.mark.django_db
def test_the_demo_college_gets_a_living_study_system():
    generator.build_demo(today=TODAY)
    result = study.study_demo_ensure(now=NOW)
    assert result.built
    committee = Organisation.objects.get(code=generator.DEMO_COMMITTEE_CODE)

    # The previous and the current semester, with teaching start and the university's directives.
    semesters = list(Semester.objects.filter(committee=committee).order_by("starts_on"))
    assert [s.name for s in semesters] == ["2025—2026学年第二学期", "2026—2027学年第一学期"]
    current = semesters[-1]
    assert current.starts_on <= TODAY <= current.ends_on
    assert current.teaching_starts_on
    directive = Directive.objects.get(semester=current)
    assert directive.title == "关于开展2026年秋季学期党员学习教育的通知"
    assert directive.issued_by == "校党委组织部"
    assert 2 <= directive.items.count() <= 3
    assert all(i.deadline for i in directive.items.all())

    # The committee's plan is published; every branch's plan holds its required items and its own.
    plan = StudyPlan.objects.get(org=committee, semester=current)
    assert plan.status == PlanStatus.PUBLISHED
    pushed = plan.items.filter(organiser="every_branch")
    assert {i.form for i in plan.items.all()} >= {Form.THEME_DAY, Form.LECTURE, Form.REPORT, Form.VISIT, Form.FILM}
    assert plan.items.filter(directive_item__isnull=False).exists()
    branches = Organisation.objects.filter(kind="branch", path__startswith=committee.path)
    for branch in branches:
        branch_plan = StudyPlan.objects.get(org=branch, semester=current)
        assert branch_plan.items.filter(source__in=pushed).count() == pushed.count()
        assert 1 <= branch_plan.items.filter(source__isnull=True).count() <= 2
    spring = StudyPlan.objects.get(org=committee, semester=semesters[0])
    assert spring.items.filter(month__month=4, theme__contains="军事生活日").exists()

    # A year of past activities with attendance in every status, leave, and make-ups at every stage.
    past = Activity.objects.filter(org__path__startswith=committee.path, ends_at__lt=NOW)
    assert past.filter(starts_at__lt=NOW - datetime.timedelta(days=300)).exists()
    assert set(past.values_list("form", flat=True)) >= {
        Form.THEME_DAY,
        Form.GENERAL_MEETING,
        Form.COMMITTEE_MEETING,
        Form.GROUP_MEETING,
        Form.LECTURE,
    }
    assert not past.exclude(status=ActivityStatus.PUBLISHED).exists()
    assert not past.filter(minutes="").exists()
    # Who came is not copied into the minutes' text, where it would go stale when attendance changes
    # (a make-up accepted, an absence turned into leave): the record shows it from the attendance.
    assert not past.filter(Q(minutes__contains="请假") | Q(minutes__contains="应到")).exists()
    statuses = set(Attendance.objects.filter(activity__in=past).values_list("status", flat=True))
    assert statuses == {"present", "late", "leave", "absent", "made_up"}
    assert not MakeUp.objects.exclude(attendance__status__in=["leave", "absent", "made_up"]).exists()
    assert not Attendance.objects.filter(activity__in=past, status__in=["leave", "absent"], make_up__isnull=True)
    made_up = set(MakeUp.objects.values_list("status", flat=True))
    assert {MakeUpStatus.ACCEPTED, MakeUpStatus.SUBMITTED, MakeUpStatus.ASSIGNED} <= made_up
    assert LeaveRequest.objects.filter(status="approved").exists()
    # Members exempt that day (frail, abroad, away) are not expected.
    for situation in SpecialSituation.objects.all():
        during = Attendance.objects.filter(member=situation.member, activity__starts_at__date__gte=situation.since)
        if situation.until:
            during = during.filter(activity__starts_at__date__lte=situation.until)
        assert not during.exists(), situation
    lectures = past.filter(form=Form.LECTURE, org__kind="branch")
    assert lectures.filter(speaker__isnull=False).exists()

    # Self-study, mostly by faculty, with reflections; one near-duplicate pair is flagged.
    entries = SelfStudy.objects.filter(member__org__path__startswith=committee.path)
    assert entries.filter(member__category="faculty").count() > entries.exclude(member__category="faculty").count()
    flagged = list(entries.filter(similar_to__isnull=False).select_related("similar_to"))
    assert len(flagged) == 1
    assert selfstudy_rules.similarity(flagged[0].reflection, flagged[0].similar_to.reflection) >= 0.7
    assert entries.exclude(reflection="").count() >= 8
    assert ReadingList.objects.filter(org=committee, audience="faculty").exists()
    assert entries.filter(reading_item__isnull=False).exists()

    # Open for check-in now: an activity of the demo faculty branch, which the demo member sees.
    try_it = result.try_it
    secretary = User.objects.get(username="demo-branch").member
    assert try_it.org.officer_terms.filter(member=secretary, position="secretary", until__isnull=True).exists()
    window = check_in_window_of(try_it)
    assert window.opens_at <= NOW <= window.closes_at
    assert try_it.starts_at > NOW
    assert try_it.status == ActivityStatus.PUBLISHED
    member = User.objects.get(username="demo-member")
    mine = my_study(actor=member, now=NOW)
    assert [a.activity for a in mine.today if a.check_in_open] == [try_it]
    assert any(m.make_up.status == MakeUpStatus.ASSIGNED for m in mine.make_ups)
    student = User.objects.get(username="demo-student")
    soon = [a.activity for a in my_study(actor=student, now=NOW).upcoming]
    assert any(a.starts_at < NOW + datetime.timedelta(days=5) for a in soon)

    # A second run adds nothing.
    before = counts()
    again = study.study_demo_ensure(now=NOW + datetime.timedelta(minutes=30))
    assert not again.built
    assert not again.try_it_moved
    assert again.try_it == try_it
    assert counts() == before


@pytest.mark.django_db
def test_a_later_run_moves_the_check_in_activity_once_it_is_over(monkeypatch):
    generator.build_demo(today=TODAY, scale=SMALL)
    try_it = study.study_demo_ensure(now=NOW).try_it
    row = try_it.attendances.first()
    row.status, row.checked_in_at, row.method = AttendanceStatus.PRESENT, NOW, "qr"
    row.save()
    before = counts()

    later = NOW + datetime.timedelta(days=1)
    result = study.study_demo_ensure(now=later)
    assert result.try_it_moved
    assert result.try_it.pk == try_it.pk
    try_it.refresh_from_db()
    window = check_in_window_of(try_it)
    assert window.opens_at <= later <= window.closes_at
    assert set(try_it.attendances.values_list("status", flat=True)) == {AttendanceStatus.EXPECTED}
    assert not try_it.attendances.filter(checked_in_at__isnull=False).exists()
    after = counts()
    assert after.pop("events") > before.pop("events")  # the move is audited
    assert after == before
    assert "正在签到" in study.study_demo_summary(result)
