import datetime

import pytest

from dangjian.core.errors import NotFound
from dangjian.development import rules, selectors
from dangjian.development.tests.factories import register, walk

D = datetime.date


def test_people_and_access_follow_the_scope(college):
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    other = register(college.user("other_branch"), college.other_branch, name="钱申请", applied_on=D(2025, 3, 1))
    assert list(selectors.person_list(actor=college.user("branch"))) == [person]
    assert set(selectors.person_list(actor=college.user("committee"))) == {person, other}
    assert list(selectors.person_list(actor=college.user("member"))) == []
    assert selectors.access_person(college.user("auditor"), person.pk) == person
    for role in ("member", "other_branch"):
        with pytest.raises(NotFound):
            selectors.access_person(college.user(role), person.pk)
    with pytest.raises(NotFound):
        selectors.access_person(college.user("auditor"), person.pk, selectors.Perm.MANAGE_MEMBERS)
    with pytest.raises(NotFound):
        selectors.access_person(college.user("admin"), 999999)
    assert list(selectors.person_list(actor=college.user("committee"), filters=selectors.PersonFilters(q="qsq"))) == [
        other
    ]


def test_the_file_has_five_stages_and_the_clocks(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2025, 3, 1))
    file = selectors.person_file(person=person, today=D(2025, 4, 2))
    assert [s.key for s in file.stages] == [key for key, _ in rules.STAGES]
    assert file.stages[0].current
    assert file.stages[0].lines[0].done
    assert [w.clock.key for w in file.warnings] == ["talk_within_month"]


def _people(college, n: int, start: int):
    secretary = college.user("branch")
    for i in range(n):
        person = register(secretary, college.branch, name=f"人{start + i}", applied_on=D(2024, 1, 1 + i))
        walk(secretary, person, [("talk", D(2024, 2, 1)), ("activist", D(2024, 3, 1))])


def test_the_clocks_of_a_scope_take_the_same_queries_for_1_or_20_people(college, django_assert_num_queries):
    _people(college, 1, 0)
    actor = college.user("committee")
    selectors.scope_for(actor)
    with django_assert_num_queries(2) as few:  # the people, their records: nobody has a 公示 to count
        small = selectors.scope_clocks(actor=actor, today=D(2025, 1, 1))
    _people(college, 19, 100)
    with django_assert_num_queries(len(few.captured_queries)):
        large = selectors.scope_clocks(actor=actor, today=D(2025, 1, 1))
    assert len(large.late) == 20 * len(small.late) > 0
    reviews = [c for c in large.late if c.state.clock.key == "review_half_year"]
    assert len(reviews) == 20
    assert all(c.state.why and c.state.advice for c in reviews)
    assert dict((k, len(p)) for k, _, p in large.stages)[rules.ACTIVIST] == 20


def test_a_public_notice_reads_the_working_day_calendar_once(college, django_assert_num_queries):
    secretary = college.user("branch")
    for i in range(3):
        person = register(secretary, college.branch, name=f"公示{i}", applied_on=D(2024, 1, 1))
        walk(secretary, person, [("pre_review", D(2025, 3, 1)), ("publicity", D(2025, 3, 6))])
    actor = college.user("committee")
    selectors.scope_for(actor)
    with django_assert_num_queries(3):
        pipeline = selectors.scope_clocks(actor=actor, today=D(2025, 3, 7))
    assert len(pipeline.stages[3][2]) == 3
