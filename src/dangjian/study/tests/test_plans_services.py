import datetime

import pytest

from dangjian.accounts.system import system_actor
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent, CalendarDay
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.study.models import Activity, ActivityStatus, PlanItem, PlanStatus, Semester, StudyPlan
from dangjian.study.services import plans as services
from dangjian.study.tests.factories_plans import (
    FALL_2026,
    SPRING_2027,
    make_directive,
    make_item,
    make_plan,
    make_semester,
)

D = datetime.date


@pytest.fixture
def semester(college):
    return make_semester(college.committee)


# --- Semesters ----------------------------------------------------------------------------------


def test_committee_officer_defines_a_semester_audited(college):
    actor = college.user("committee")
    semester = make_semester(college.committee, actor=actor, teaching_starts_on=D(2026, 9, 7))
    assert semester.committee == college.committee
    event = AuditEvent.objects.get(action="semester.create")
    assert event.actor == actor
    assert event.org_path == college.committee.path
    assert event.changes["starts_on"] == "2026-09-01"


@pytest.mark.parametrize("role", ["branch", "group_leader", "member", "auditor", "other_branch"])
def test_only_committee_officers_define_semesters(college, role):
    with pytest.raises(Forbidden):
        make_semester(college.committee, actor=college.user(role))
    assert not Semester.objects.exists()


def test_overlapping_semester_is_refused_and_nothing_changes(college, semester):
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        make_semester(college.committee, period=("重叠学期", D(2027, 1, 31), D(2027, 6, 30)))
    assert "2026—2027学年第一学期" in exc.value.message
    assert exc.value.field == "starts_on"
    assert Semester.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_next_semester_may_start_the_day_after(college, semester):
    assert make_semester(college.committee, period=SPRING_2027).starts_on == D(2027, 2, 1)


def test_another_committee_may_use_the_same_dates(college, semester):
    other = OrganisationFactory(kind="committee", name="法学院党委", code="C02")
    assert make_semester(other, period=FALL_2026).committee == other


@pytest.mark.parametrize("ends_on", [D(2026, 9, 1), D(2026, 8, 1)])
def test_a_semester_ending_before_it_starts_is_refused(college, ends_on):
    with pytest.raises(DomainError) as exc:
        make_semester(college.committee, period=("错误学期", D(2026, 9, 1), ends_on))
    assert exc.value.field == "ends_on"
    assert not Semester.objects.exists()


def test_semesters_belong_to_committees(college):
    with pytest.raises(DomainError):
        make_semester(college.branch)


def test_semester_update_refuses_an_overlap_and_keeps_the_old_dates(college, semester):
    spring = make_semester(college.committee, period=SPRING_2027)
    with pytest.raises(DomainError):
        services.semester_update(actor=college.user("committee"), semester=spring, starts_on=D(2027, 1, 15))
    spring.refresh_from_db()
    assert spring.starts_on == D(2027, 2, 1)


def test_semester_update_keeps_plan_items_inside(college, semester):
    make_item(make_plan(college.committee, semester), month=D(2027, 1, 1))
    with pytest.raises(DomainError):
        services.semester_update(actor=system_actor(), semester=semester, ends_on=D(2026, 12, 31))
    services.semester_update(actor=college.user("committee"), semester=semester, name="2026秋季学期")
    assert AuditEvent.objects.filter(action="semester.update").get().changes["name"][1] == "2026秋季学期"


# --- Calendar -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("committee", True), ("branch", False)])
def test_calendar_is_kept_by_administrators_and_committee_officers(college, role, allowed):
    day = D(2030, 10, 1)
    if not allowed:
        with pytest.raises(Forbidden):
            services.calendar_day_set(actor=college.user(role), date=day, kind="holiday", name="国庆节")
        assert not CalendarDay.objects.filter(date=day).exists()
        return
    services.calendar_day_set(actor=college.user(role), date=day, kind="holiday", name="国庆节")
    assert not working_calendar().is_working_day(day)
    assert AuditEvent.objects.filter(action="calendar_day.set").exists()
    services.calendar_day_remove(actor=college.user(role), date=day)
    assert working_calendar().is_working_day(day)
    assert AuditEvent.objects.filter(action="calendar_day.remove").exists()


def test_a_make_up_working_day_must_be_a_weekend_day(college):
    with pytest.raises(DomainError):
        services.calendar_day_set(actor=system_actor(), date=D(2030, 10, 11), kind="workday")  # a Friday
    services.calendar_day_set(actor=system_actor(), date=D(2030, 10, 12), kind="workday", name="国庆节调休")
    assert working_calendar().is_working_day(D(2030, 10, 12))


# --- Directives ---------------------------------------------------------------------------------


def test_directive_with_items_audited_and_updated(college, semester):
    directive, items = make_directive(semester, items=2, actor=college.user("committee"))
    assert [i.title for i in items] == ["专题学习1", "专题学习2"]
    services.directive_update(
        actor=college.user("committee"),
        directive=directive,
        title="新标题",
        items=[{"id": items[0].pk, "title": "专题学习一", "audience": "faculty"}, {"title": "参观红色教育基地"}],
    )
    titles = list(directive.items.order_by("pk").values_list("title", "audience"))
    assert titles == [("专题学习一", "faculty"), ("参观红色教育基地", "all")]
    assert {e.action for e in AuditEvent.objects.filter(object_type="study.directive")} == {
        "directive.create",
        "directive.update",
    }


def test_branch_officers_cannot_record_directives(college, semester):
    with pytest.raises(Forbidden):
        make_directive(semester, actor=college.user("branch"))


# --- Plans and items ----------------------------------------------------------------------------


def test_one_plan_per_organisation_and_semester(college, semester):
    plan = make_plan(college.branch, semester, actor=college.user("branch"))
    assert plan.title == "哲学系教工党支部2026—2027学年第一学期学习教育计划"
    with pytest.raises(DomainError):
        make_plan(college.branch, semester, actor=college.user("branch"))
    assert StudyPlan.objects.count() == 1


def test_branch_officer_plans_only_their_branch(college, semester):
    with pytest.raises(Forbidden):
        make_plan(college.other_branch, semester, actor=college.user("branch"))
    with pytest.raises(Forbidden):
        make_plan(college.committee, semester, actor=college.user("branch"))


def test_plan_of_another_committees_semester_is_refused(college):
    other = OrganisationFactory(kind="committee", name="法学院党委", code="C02")
    with pytest.raises(DomainError):
        make_plan(college.branch, make_semester(other))


@pytest.mark.parametrize("month", [D(2026, 8, 1), D(2027, 2, 1)])
def test_an_item_outside_its_semester_is_refused_and_nothing_changes(college, semester, month):
    plan = make_plan(college.branch, semester)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        make_item(plan, month=month)
    assert exc.value.field == "month"
    assert not PlanItem.objects.exists()
    assert AuditEvent.objects.count() == events


def test_item_month_is_stored_as_the_first_day(college, semester):
    item = make_item(make_plan(college.branch, semester), month=D(2026, 10, 17), planned_on=D(2026, 10, 23))
    assert item.month == D(2026, 10, 1)
    assert AuditEvent.objects.get(action="plan_item.add").org_path == college.branch.path


def test_only_a_committee_plan_gives_items_to_every_branch(college, semester):
    with pytest.raises(DomainError):
        make_item(make_plan(college.branch, semester), organiser="every_branch")


def test_directive_item_of_another_semester_is_refused(college, semester):
    spring = make_semester(college.committee, period=SPRING_2027)
    _, (spring_item,) = make_directive(spring)
    with pytest.raises(DomainError):
        make_item(make_plan(college.committee, semester), directive_item=spring_item)


# --- Publishing ---------------------------------------------------------------------------------


@pytest.fixture
def committee_plan(college, semester):
    plan = make_plan(college.committee, semester)
    make_item(plan, month=D(2026, 9, 1), theme="学习贯彻全会精神", organiser="every_branch", form="theme_day")
    make_item(plan, month=D(2026, 11, 1), theme="组织生活会", organiser="every_branch", form="life_meeting")
    make_item(plan, month=D(2026, 10, 1), theme="党委中心组学习", organiser="self", form="group_study")
    return plan


def _required(org):
    return list(
        PlanItem.objects.filter(plan__org=org, source__isnull=False).order_by("month").values_list("theme", flat=True)
    )


def test_publish_pushes_every_branch_items_down(college, committee_plan):
    own = make_plan(college.branch, committee_plan.semester)
    make_item(own, theme="支部自己的学习")
    result = services.study_plan_publish(actor=college.user("committee"), plan=committee_plan)
    assert (result.branches, result.plans_created, result.items_created) == (2, 1, 4)
    committee_plan.refresh_from_db()
    assert committee_plan.status == PlanStatus.PUBLISHED
    assert _required(college.branch) == ["学习贯彻全会精神", "组织生活会"]
    assert _required(college.other_branch) == ["学习贯彻全会精神", "组织生活会"]
    created = StudyPlan.objects.get(org=college.other_branch)
    assert created.status == PlanStatus.DRAFT
    assert own.items.count() == 3  # its own item kept
    assert not PlanItem.objects.filter(plan__org=college.group).exists()
    # Audited for the committee and for each branch, under its own path.
    assert AuditEvent.objects.get(action="study_plan.publish").org_path == college.committee.path
    received = AuditEvent.objects.filter(action="study_plan.receive_required")
    assert {e.org_path for e in received} == {college.branch.path, college.other_branch.path}


def test_publishing_again_creates_nothing_twice(college, committee_plan):
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    items, plans = PlanItem.objects.count(), StudyPlan.objects.count()
    result = services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    assert (result.plans_created, result.items_created, result.items_updated, result.items_removed) == (0, 0, 0, 0)
    assert (PlanItem.objects.count(), StudyPlan.objects.count()) == (items, plans)
    assert AuditEvent.objects.filter(action="study_plan.receive_required").count() == 2  # only the first time


def test_publishing_again_updates_and_withdraws_copies(college, committee_plan):
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    first, second = committee_plan.items.filter(organiser="every_branch").order_by("month")
    services.plan_item_update(actor=system_actor(), item=first, theme="学习贯彻四中全会精神")
    services.plan_item_update(actor=system_actor(), item=second, organiser="self")
    result = services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    assert (result.items_updated, result.items_removed) == (2, 2)
    assert _required(college.branch) == ["学习贯彻四中全会精神"]


def test_a_withdrawn_copy_already_held_stays_as_the_branch_item(college, committee_plan):
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    source = committee_plan.items.get(theme="组织生活会")
    copy = PlanItem.objects.get(source=source, plan__org=college.branch)
    start = datetime.datetime(2026, 11, 20, 14, tzinfo=datetime.UTC)
    Activity.objects.create(
        org=college.branch,
        plan_item=copy,
        form="life_meeting",
        theme="组织生活会",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status=ActivityStatus.PUBLISHED,
    )
    services.plan_item_update(actor=system_actor(), item=source, organiser="self")
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    copy.refresh_from_db()
    assert copy.source_id is None
    with pytest.raises(DomainError):
        services.plan_item_remove(
            actor=system_actor(), item=committee_plan.items.get(theme="学习贯彻全会精神").copies.first()
        )


def test_required_items_cannot_be_removed_or_rewritten(college, committee_plan):
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    copy = PlanItem.objects.filter(plan__org=college.branch, source__isnull=False).first()
    actor = college.user("branch")
    with pytest.raises(DomainError):
        services.plan_item_remove(actor=actor, item=copy)
    with pytest.raises(DomainError):
        services.plan_item_update(actor=actor, item=copy, theme="改掉主题")
    assert PlanItem.objects.filter(pk=copy.pk, theme="学习贯彻全会精神").exists()
    # …but the branch may fix its own date and notes.
    services.plan_item_update(actor=actor, item=copy, planned_on=D(2026, 9, 4), notes="第一个周五")
    copy.refresh_from_db()
    assert copy.planned_on == D(2026, 9, 4)


def test_removing_a_committee_item_withdraws_it_from_the_branches(college, committee_plan):
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    source = committee_plan.items.get(theme="组织生活会")
    services.plan_item_remove(actor=college.user("committee"), item=source)
    assert _required(college.branch) == ["学习贯彻全会精神"]
    assert AuditEvent.objects.get(action="plan_item.remove").changes["removed_from_branches"] == 2


def test_branch_officer_cannot_publish_the_committee_plan(college, committee_plan):
    with pytest.raises(Forbidden):
        services.study_plan_publish(actor=college.user("branch"), plan=committee_plan)
    assert not PlanItem.objects.filter(source__isnull=False).exists()


def test_dissolved_branches_receive_nothing(college, committee_plan):
    college.other_branch.dissolved_on = D(2026, 8, 1)
    college.other_branch.save()
    result = services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    assert result.branches == 1
    assert _required(college.other_branch) == []
