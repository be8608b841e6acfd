"""Study's to-dos in the inbox: leave to decide and make-ups to review (officers), make-ups to hand in."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.permissions import scope_for
from dangjian.notices.inbox import inbox_for
from dangjian.study import todos
from dangjian.study.models import MakeUp
from dangjian.study.services import activities as services
from dangjian.study.tests.factories_activities import ActivityFactory

START = datetime.datetime(2026, 5, 8, 6, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=2)
MIN = datetime.timedelta(minutes=1)
BEFORE = datetime.date(2026, 5, 6)


@pytest.fixture
def activity(college):
    return ActivityFactory(org=college.branch, starts_at=START, ends_at=END, publish=True)


@pytest.fixture
def leave(college, activity):
    return services.leave_request_create(
        actor=college.user("member"), activity=activity, reason="出差", now=START - MIN
    )


def kinds(user, today=BEFORE, kind=None):
    return [item for item in inbox_for(user, today) if kind is None or item.kind == kind]


def test_the_branch_secretary_decides_the_leave_and_it_leaves_the_inbox(college, leave):
    [item] = kinds(college.user("branch"), kind="study.leave_decide")
    assert item.title == "张三的请假申请"
    assert item.url == f"/study/leave/{leave.pk}/decide/"
    assert item.due == timezone.localdate(START)
    assert not item.overdue
    services.leave_request_decide(actor=college.user("branch"), leave=leave, approve=True)
    assert kinds(college.user("branch"), kind="study.leave_decide") == []


def test_another_branchs_leave_is_not_in_my_inbox(college, leave):
    assert kinds(college.user("other_branch"), kind="study.leave_decide") == []
    assert kinds(college.user("member"), kind="study.leave_decide") == []


def test_a_leave_not_decided_by_the_activity_day_is_overdue(college, leave):
    [item] = kinds(college.user("branch"), today=datetime.date(2026, 5, 9), kind="study.leave_decide")
    assert item.overdue
    assert inbox_for(college.user("branch"), datetime.date(2026, 5, 9))[0] == item


def test_make_ups_to_hand_in_then_to_review(college, activity, leave):
    services.leave_request_decide(actor=college.user("branch"), leave=leave, approve=True)
    services.activity_close(actor=college.user("branch"), activity=activity, now=END + datetime.timedelta(hours=1))
    make_up = MakeUp.objects.get(attendance__member=college.member)
    [mine] = kinds(college.user("member"), kind="study.make_up_submit")
    assert (mine.due, mine.url) == (make_up.due_on, f"/study/make-ups/{make_up.pk}/")
    assert kinds(
        college.user("member"), today=make_up.due_on + datetime.timedelta(days=1), kind="study.make_up_submit"
    )[0].overdue
    # Another member's make-up is not in my inbox.
    assert all(i.url != mine.url for i in kinds(college.user("group_leader"), kind="study.make_up_submit"))

    services.make_up_submit(
        actor=college.user("member"), make_up=make_up, reflection="学习了党章第一章，体会很深。" * 3
    )
    assert kinds(college.user("member"), kind="study.make_up_submit") == []
    [review] = kinds(college.user("branch"), kind="study.make_up_review")
    assert review.title == "张三的补学"
    assert kinds(college.user("other_branch"), kind="study.make_up_review") == []
    services.make_up_review(actor=college.user("branch"), make_up=make_up, accept=True)
    assert kinds(college.user("branch"), kind="study.make_up_review") == []


def test_each_study_source_reads_two_queries_at_most(college, activity, leave, django_assert_max_num_queries):
    for role in ("branch", "member", "committee"):
        user = college.user(role)
        scope_for(user)
        with django_assert_max_num_queries(2):
            todos.officer_todos(user, BEFORE)
        with django_assert_max_num_queries(1):
            todos.member_todos(user, BEFORE)


def test_a_draft_plan_waits_to_be_published_by_the_semester_start(college):
    from dangjian.study.services import plans as plan_services
    from dangjian.study.tests.factories_plans import make_item, make_plan, make_semester

    semester = make_semester(college.committee)
    plan = make_plan(college.branch, semester)
    make_item(plan)
    before = semester.starts_on - datetime.timedelta(days=10)
    [item] = [i for i in inbox_for(college.user("branch"), before) if i.kind == "study.plan_publish"]
    assert (item.url, item.due, item.overdue) == (f"/study/plans/{plan.pk}/", semester.starts_on, False)
    late = semester.starts_on + datetime.timedelta(days=1)
    assert [i for i in inbox_for(college.user("branch"), late) if i.kind == "study.plan_publish"][0].overdue
    assert [i for i in inbox_for(college.user("other_branch"), before) if i.kind == "study.plan_publish"] == []
    assert [i for i in inbox_for(college.user("member"), before) if i.kind == "study.plan_publish"] == []
    plan_services.study_plan_publish(actor=college.user("branch"), plan=plan)
    assert [i for i in inbox_for(college.user("branch"), before) if i.kind == "study.plan_publish"] == []


def test_the_plan_source_reads_one_query(college, django_assert_max_num_queries):
    user = college.user("branch")
    scope_for(user)
    with django_assert_max_num_queries(1):
        todos.plan_todos(user, BEFORE)


def test_a_leave_is_due_on_the_local_day_the_activity_starts(college):
    # 20:00 UTC is 04:00 the next morning in China: the leave is due that next day, not the UTC one.
    late = datetime.datetime(2026, 5, 8, 20, 0, tzinfo=datetime.UTC)
    activity = ActivityFactory(
        org=college.branch, starts_at=late, ends_at=late + datetime.timedelta(hours=2), publish=True
    )
    services.leave_request_create(actor=college.user("member"), activity=activity, reason="出差", now=late - MIN)
    [item] = kinds(college.user("branch"), kind="study.leave_decide")
    assert item.due == datetime.date(2026, 5, 9)


# --- Reading lists -------------------------------------------------------------------------------

DUE = datetime.date(2026, 5, 20)


def reading(college, *, due_on=DUE, titles=("党章", "准则")):
    from dangjian.study.services.selfstudy import ItemIn, reading_list_create

    return reading_list_create(
        actor=college.user("branch"),
        org=college.branch,
        title="五月必读",
        items=[ItemIn(title=title) for title in titles],
        due_on=due_on,
        today=BEFORE,
    )


def test_a_dated_reading_list_waits_until_its_required_items_are_studied(college):
    from dangjian.study.services.selfstudy import self_study_log

    reading_list = reading(college)
    [item] = kinds(college.user("member"), kind="study.reading_list")
    assert item.title == "阅读清单：五月必读（还有 2 项必学）"
    assert item.url == "/study/reading-lists/"
    assert item.due == DUE
    assert not item.overdue
    assert kinds(college.user("other_branch"), kind="study.reading_list") == []

    member = college.user("member")
    for entry in reading_list.items.all():
        self_study_log(
            actor=member,
            studied_on=BEFORE,
            minutes=30,
            title=entry.title,
            reading_item=entry,
            today=BEFORE,
        )
    assert kinds(member, kind="study.reading_list") == []


def test_a_reading_list_is_overdue_after_its_day_and_leaves_the_inbox_a_month_later(college):
    reading(college)
    [item] = kinds(college.user("member"), today=DUE + datetime.timedelta(days=1), kind="study.reading_list")
    assert item.overdue
    last = DUE + datetime.timedelta(days=30)
    assert kinds(college.user("member"), today=last, kind="study.reading_list")
    assert kinds(college.user("member"), today=last + datetime.timedelta(days=1), kind="study.reading_list") == []


def test_an_undated_reading_list_is_not_a_to_do(college):
    reading(college, due_on=None)
    assert kinds(college.user("member"), kind="study.reading_list") == []
