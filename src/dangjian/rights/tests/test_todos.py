"""Rights' to-dos in the inbox: appeals the actor's organisation must answer, by their due day."""

import datetime

from dangjian.accounts.permissions import scope_for
from dangjian.notices.inbox import inbox_for
from dangjian.rights import services, todos

MONDAY = datetime.date(2026, 3, 2)


def of_kind(user, today=MONDAY):
    return [item for item in inbox_for(user, today) if item.kind == "rights.appeal_answer"]


def test_an_appeal_waits_for_the_receiving_officers_until_answered(college, decisions):
    pk = decisions.add(college.member, college.group)  # decided by the group: the branch answers
    appeal = services.appeal_create(
        actor=college.member.user, kind=decisions.kind, object_id=pk, reasons="理由充分", today=MONDAY
    )
    [item] = of_kind(college.user("branch"))
    assert (item.title, item.due, item.url) == ("张三的申诉", appeal.due_on, f"/rights/appeals/{appeal.pk}/")
    assert not item.overdue
    assert of_kind(college.user("branch"), today=appeal.due_on + datetime.timedelta(days=1))[0].overdue
    assert of_kind(college.user("other_branch")) == []
    assert of_kind(college.user("member")) == []
    services.appeal_answer(actor=college.secretary.user, appeal=appeal, answer="维持原决定，理由如下。")
    assert of_kind(college.user("branch")) == []


def test_the_appeal_source_reads_one_query(college, decisions, django_assert_max_num_queries):
    pk = decisions.add(college.member, college.group)
    services.appeal_create(actor=college.member.user, kind=decisions.kind, object_id=pk, reasons="理由", today=MONDAY)
    for role in ("branch", "committee", "member"):
        user = college.user(role)
        scope_for(user)
        with django_assert_max_num_queries(1):
            todos.appeal_todos(user, MONDAY)
