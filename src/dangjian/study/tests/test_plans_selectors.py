import datetime

import pytest

from dangjian.accounts.system import system_actor
from dangjian.core.errors import NotFound
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.study.models import Activity, ActivityStatus
from dangjian.study.selectors import plans as selectors
from dangjian.study.services import plans as services
from dangjian.study.tests.factories_plans import SPRING_2027, make_directive, make_item, make_plan, make_semester

D = datetime.date


@pytest.fixture
def plans(college):
    semester = make_semester(college.committee)
    committee_plan = make_plan(college.committee, semester)
    make_item(committee_plan, theme="全体党员集中学习", organiser="every_branch")
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    return semester, committee_plan


def _orgs(qs) -> set[str]:
    return {plan.org.name for plan in qs}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"哲学与社会发展学院党委", "哲学系教工党支部", "本科生第一党支部"}),
        ("committee", {"哲学与社会发展学院党委", "哲学系教工党支部", "本科生第一党支部"}),
        ("auditor", {"哲学与社会发展学院党委", "哲学系教工党支部", "本科生第一党支部"}),
        ("branch", {"哲学与社会发展学院党委", "哲学系教工党支部"}),
        ("group_leader", {"哲学与社会发展学院党委", "哲学系教工党支部"}),
        ("other_branch", {"哲学与社会发展学院党委", "本科生第一党支部"}),
        ("member", set()),
    ],
)
def test_plans_are_scoped(college, plans, role, expected):
    assert _orgs(selectors.study_plan_list(actor=college.user(role))) == expected


def test_access_to_a_plan_follows_the_list(college, plans):
    other_plan = selectors.study_plan_list(actor=college.user("other_branch")).get(org=college.other_branch)
    with pytest.raises(NotFound):
        selectors.access_study_plan(college.user("branch"), other_plan.pk)
    assert selectors.access_study_plan(college.user("branch"), plans[1].pk) == plans[1]
    # A branch officer sees the committee's plan but may not change it.
    with pytest.raises(NotFound):
        selectors.access_study_plan(college.user("branch"), plans[1].pk, selectors.Perm.MANAGE_STUDY)


def test_semesters_reach_officers_of_the_committee_only(college, plans):
    other = OrganisationFactory(kind="committee", name="法学院党委", code="C02")
    make_semester(other)
    assert [s.committee for s in selectors.semester_list(actor=college.user("branch"))] == [college.committee]
    assert len(selectors.semester_list(actor=college.user("admin"))) == 2
    assert list(selectors.semester_list(actor=college.user("member"))) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 10, 1), "2026—2027学年第一学期"),  # inside
        (D(2027, 2, 1), "2026—2027学年第二学期"),  # first day of the next
        (D(2026, 8, 1), "2026—2027学年第一学期"),  # before any: the next to come
        (D(2028, 1, 1), "2026—2027学年第二学期"),  # after all: the latest
    ],
)
def test_current_semester(college, plans, today, expected):
    make_semester(college.committee, period=SPRING_2027)
    assert selectors.semester_current(actor=college.user("committee"), today=today).name == expected


def test_directives_are_scoped_like_semesters(college, plans):
    make_directive(plans[0])
    assert selectors.directive_list(actor=college.user("branch")).count() == 1
    assert selectors.directive_list(actor=college.user("member")).count() == 0


def _activity(org, item, *, status=ActivityStatus.PUBLISHED, day=None):
    day = day or D(2026, 9, 10)
    start = datetime.datetime(day.year, day.month, day.day, 14, tzinfo=datetime.UTC)
    return Activity.objects.create(
        org=org,
        plan_item=item,
        form=item.form,
        theme=item.theme,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status=status,
    )


def test_plan_detail_shows_required_items_and_planned_vs_actual(college, plans, django_assert_max_num_queries):
    semester, committee_plan = plans
    branch_plan = selectors.study_plan_list(actor=college.user("branch")).get(org=college.branch)
    own = make_item(branch_plan, month=D(2026, 10, 1), theme="支部党课", form="lecture", planned_minutes=90)
    required = branch_plan.items.get(source__isnull=False)
    _activity(college.branch, required)  # held in September
    _activity(college.branch, own, day=D(2026, 10, 20))  # scheduled
    _activity(college.branch, own, status=ActivityStatus.CANCELLED, day=D(2026, 10, 21))
    now = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    with django_assert_max_num_queries(3):
        detail = selectors.study_plan_detail(plan=branch_plan, now=now)
    rows = {row.item.theme: row for row in detail.rows}
    assert rows["全体党员集中学习"].required
    assert rows["全体党员集中学习"].done
    assert (rows["支部党课"].required, rows["支部党课"].activity_count, rows["支部党课"].done) == (False, 1, False)
    assert rows["支部党课"].sanhui_yike == "lesson"
    assert detail.held == 1
    # The committee sees how many branches received and held its item.
    (row,) = selectors.study_plan_detail(plan=committee_plan, now=now).rows
    assert (row.branch_count, row.branches_done) == (2, 1)
