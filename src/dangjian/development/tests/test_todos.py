import datetime

from dangjian.development.tests.factories import register
from dangjian.development.todos import late_step_todos

D = datetime.date


def test_late_steps_go_to_the_branch_officers(college):
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    todos = late_step_todos(college.user("branch"), D(2025, 4, 2))
    assert [(t.kind, t.overdue, t.due) for t in todos] == [("development.late_step", True, D(2025, 4, 1))]
    assert person.name in str(todos[0].title)
    assert late_step_todos(college.user("branch"), D(2025, 3, 20)) == []
    assert late_step_todos(college.user("committee"), D(2025, 4, 2))
    for role in ("member", "auditor", "other_branch", "group_leader"):
        assert late_step_todos(college.user(role), D(2025, 4, 2)) == []
