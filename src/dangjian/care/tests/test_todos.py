"""Care's to-dos in the inbox: needs to accept, answer or confirm, and required talks."""

import datetime

from dangjian.accounts.permissions import scope_for
from dangjian.accounts.system import system_actor
from dangjian.care import todos
from dangjian.care.models import TodoReason
from dangjian.care.services.needs import need_accept, need_answer, need_confirm, need_submit
from dangjian.care.services.talks import talk_todo_cancel, talk_todo_open
from dangjian.notices.inbox import inbox_for

MONDAY = datetime.date(2026, 3, 2)


def of_kind(user, kind, today=MONDAY):
    return [item for item in inbox_for(user, today) if item.kind == kind]


def test_a_need_waits_to_be_accepted_answered_then_confirmed(college):
    need = need_submit(
        actor=college.user("member"), category="study", title="希望借阅党史资料", description="图书馆缺少", today=MONDAY
    )
    [item] = of_kind(college.user("branch"), "care.need_accept")
    assert (item.title, item.url, item.due) == ("希望借阅党史资料", f"/care/needs/{need.pk}/", need.accept_due)
    assert of_kind(college.user("other_branch"), "care.need_accept") == []
    assert of_kind(college.user("member"), "care.need_accept") == []  # one's own need is not one's to-do
    assert of_kind(college.user("branch"), "care.need_accept", today=need.accept_due + datetime.timedelta(days=1))[
        0
    ].overdue

    need_accept(actor=college.user("branch"), need=need, today=MONDAY)
    assert of_kind(college.user("branch"), "care.need_accept") == []
    [answer] = of_kind(college.user("branch"), "care.need_answer")
    need.refresh_from_db()
    assert answer.due == need.answer_due

    need_answer(actor=college.user("branch"), need=need, answer="已从学院资料室调取。", today=MONDAY)
    assert of_kind(college.user("branch"), "care.need_answer") == []
    [confirm] = of_kind(college.user("member"), "care.need_confirm")
    assert confirm.title == "希望借阅党史资料"
    assert of_kind(college.user("group_leader"), "care.need_confirm") == []

    need.refresh_from_db()
    need_confirm(actor=college.user("member"), need=need, rating=5)
    assert of_kind(college.user("member"), "care.need_confirm") == []


def test_a_required_talk_waits_for_the_branch_secretary_until_it_is_done_or_cancelled(college):
    todo = talk_todo_open(
        actor=system_actor(), member=college.member, reason=TodoReason.HARDSHIP_NEED, detail="x", source_key="need:1"
    )
    [item] = of_kind(college.user("branch"), "care.talk")
    assert (item.title, item.due) == ("与张三谈心谈话", todo.due_on)
    assert item.url.endswith(f"?todo={todo.pk}")
    assert of_kind(college.user("other_branch"), "care.talk") == []
    assert of_kind(college.user("member"), "care.talk") == []  # never a to-do about oneself
    talk_todo_cancel(actor=college.user("branch"), todo=todo, reason="已调离")
    assert of_kind(college.user("branch"), "care.talk") == []


def test_each_care_source_reads_three_queries_at_most(college, django_assert_max_num_queries):
    need_submit(actor=college.user("member"), category="study", title="一", description="一", today=MONDAY)
    talk_todo_open(
        actor=system_actor(), member=college.member, reason=TodoReason.HARDSHIP_NEED, detail="", source_key="k"
    )
    for role in ("branch", "member", "committee", "admin"):
        user = college.user(role)
        scope_for(user)
        for source in (todos.need_todos, todos.confirm_todos, todos.talk_todos):
            with django_assert_max_num_queries(3):
                source(user, MONDAY)
