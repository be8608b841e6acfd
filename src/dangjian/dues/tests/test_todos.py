import datetime

from dangjian.dues import services
from dangjian.dues.tests.factories import confirmed_base, generate
from dangjian.dues.todos import arrears_todos

D = datetime.date
MONTHS = [D(2026, m, 1) for m in range(1, 8)]


def test_three_months_behind_is_a_todo_for_the_branch_and_a_reminder_for_the_member(college):
    confirmed_base(college.member, "6500", MONTHS[0])
    generate(college.branch, *MONTHS[3:6], today=D(2026, 6, 20))
    assert arrears_todos(college.user("branch"), D(2026, 6, 20)) == []  # April and May: two months
    todos = arrears_todos(college.user("branch"), D(2026, 7, 2))
    assert [(t.kind, t.overdue) for t in todos] == [("dues.arrears", False)]
    assert "张三" in str(todos[0].title)
    assert "批评教育" in str(todos[0].title)
    assert arrears_todos(college.user("committee"), D(2026, 7, 2))
    own = arrears_todos(college.user("member"), D(2026, 7, 2))
    assert [t.kind for t in own] == ["dues.own_arrears"]
    for role in ("auditor", "other_branch", "group_leader"):
        assert arrears_todos(college.user(role), D(2026, 7, 2)) == []
    services.payment_record(
        actor=college.user("branch"),
        member=college.member,
        months=[MONTHS[5]],
        paid_on=D(2026, 7, 1),
        method="cash",
        today=D(2026, 7, 2),
    )
    assert arrears_todos(college.user("branch"), D(2026, 7, 2)) == []


def test_six_months_is_the_article_13_warning(college):
    generate(college.other_branch, *MONTHS[:6], today=D(2026, 6, 20))
    found = arrears_todos(college.user("other_branch"), D(2026, 7, 2))
    assert {t.kind for t in found} == {"dues.arrears", "dues.own_arrears"}  # the secretary is behind too
    todos = [t for t in found if t.kind == "dues.arrears"]
    assert len(todos) == 2
    assert all(t.overdue for t in todos)
    assert all("第十三条" in str(t.title) for t in todos)
    assert todos[0].due == D(2026, 6, 30)
