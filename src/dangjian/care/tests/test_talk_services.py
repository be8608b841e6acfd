import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care.models import Talk, TalkKind, TalkTodo, TodoReason
from dangjian.care.selectors import last_talk_dates
from dangjian.care.services import talk_record, talk_todo_cancel, talk_todo_open, talk_todos_sync
from dangjian.core.errors import DomainError, Forbidden, NotFound
from dangjian.notices.models import Notice


def test_todo_open_is_idempotent_and_notifies_the_secretary(college):
    todo = talk_todo_open(
        actor=None, member=college.member, reason=TodoReason.HARDSHIP_NEED, detail="x", source_key="need:1"
    )
    again = talk_todo_open(
        actor=None, member=college.member, reason=TodoReason.HARDSHIP_NEED, detail="y", source_key="need:1"
    )
    assert again.pk == todo.pk
    assert todo.org == college.branch
    assert todo.assignee == college.secretary
    assert Notice.objects.filter(recipient=college.secretary.user).count() == 1


def test_record_from_todo_closes_it(college):
    todo = talk_todo_open(actor=None, member=college.member, reason=TodoReason.NEW_MEMBER, detail="", source_key="k")
    today = timezone.localdate()
    talk = talk_record(
        actor=college.user("branch"),
        member=college.member,
        officer=college.secretary,
        held_on=today,
        kind=TalkKind.REQUIRED,
        summary="谈了工作",
        todo=todo,
    )
    todo.refresh_from_db()
    assert todo.talk == talk
    assert last_talk_dates([college.member.pk]) == {college.member.pk: today}


def test_future_talk_refused(college):
    with pytest.raises(DomainError):
        talk_record(
            actor=college.user("branch"),
            member=college.member,
            officer=college.secretary,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            kind=TalkKind.ROUTINE,
            summary="x",
        )
    assert not Talk.objects.exists()
    assert not TalkTodo.objects.exists()


def test_summary_readers(college):
    from dangjian.care.selectors.talks import access_talk

    talk = talk_record(
        actor=college.user("committee"),
        member=college.member,
        officer=college.secretary,
        held_on=timezone.localdate(),
        kind=TalkKind.ROUTINE,
        summary="内容",
    )
    assert access_talk(college.user("committee"), talk.pk).summary_visible  # recorded it
    assert access_talk(college.user("branch"), talk.pk).summary_visible  # held it, and is the branch secretary
    assert not access_talk(college.user("admin"), talk.pk).summary_visible
    with pytest.raises(NotFound):
        access_talk(college.user("other_branch"), talk.pk)
    with pytest.raises(NotFound):
        access_talk(college.member.user, talk.pk)


def test_an_officer_must_belong_to_the_members_branch(college):
    with pytest.raises(DomainError) as refused:
        talk_record(
            actor=college.user("committee"),
            member=college.member,
            officer=college.user("other_branch").member,
            held_on=timezone.localdate(),
            kind=TalkKind.ROUTINE,
            summary="x",
        )
    assert refused.value.field == "officer"
    with pytest.raises(Forbidden):
        talk_record(
            actor=college.user("other_branch"),
            member=college.member,
            officer=college.secretary,
            held_on=timezone.localdate(),
            kind=TalkKind.ROUTINE,
            summary="x",
        )


def test_coverage_counts_each_committee_member(college):
    from dangjian.care.selectors.talks import talk_coverage

    year = timezone.localdate().year
    before = talk_coverage(college.branch, year)
    [row] = before.officers  # the secretary is the branch's only committee member
    assert row.officer == college.secretary
    assert row.covered == 0
    assert {m.name for m in row.missing} == {"王组长", "张三", "吕书记"}
    talk_record(
        actor=college.user("branch"),
        member=college.member,
        officer=college.secretary,
        held_on=timezone.localdate(),
        kind=TalkKind.ROUTINE,
        summary="x",
    )
    [row] = talk_coverage(college.branch, year).officers
    assert row.covered == 1
    assert row.total == 3
    assert college.member not in row.missing
    assert talk_coverage(college.branch, year - 1).officers[0].covered == 0


def test_todos_sync_opens_one_per_arrival(college):
    from dangjian.members.services import member_create, member_transfer
    from dangjian.members.tests.factories import MemberFactory

    today = timezone.localdate()
    newcomer = member_create(
        actor=system_actor(),
        org=college.group,
        since=today - datetime.timedelta(days=3),
        name="新同志",
        gender="female",
        birth_date=datetime.date(1999, 1, 1),
        category="graduate",
        joined_on=today - datetime.timedelta(days=5),
    )
    mover = MemberFactory(org=college.other_branch, name="转入者")
    member_transfer(actor=system_actor(), member=mover, to_org=college.branch, on=today)
    # A move between a branch and its own group is no arrival.
    member_transfer(actor=system_actor(), member=college.member, to_org=college.branch, on=today)
    assert talk_todos_sync(today=today) == 2
    assert talk_todos_sync(today=today) == 0
    reasons = dict(TalkTodo.objects.values_list("member__name", "reason"))
    assert reasons == {"新同志": TodoReason.NEW_MEMBER, "转入者": TodoReason.TRANSFERRED_IN}
    assert TalkTodo.objects.get(member=newcomer).assignee == college.secretary
    # Thirty days on, nobody new.
    assert talk_todos_sync(today=today + datetime.timedelta(days=40)) == 0


def test_cancel_needs_a_reason(college):
    todo = talk_todo_open(
        actor=None, member=college.member, reason=TodoReason.EARLY_WARNING, detail="", source_key="w:1"
    )
    with pytest.raises(DomainError):
        talk_todo_cancel(actor=college.user("branch"), todo=todo, reason=" ")
    with pytest.raises(Forbidden):
        talk_todo_cancel(actor=college.user("other_branch"), todo=todo, reason="x")
    talk_todo_cancel(actor=college.user("branch"), todo=todo, reason="已调离")
    todo.refresh_from_db()
    assert not todo.is_open
    with pytest.raises(DomainError):
        talk_record(
            actor=college.user("branch"),
            member=college.member,
            officer=college.secretary,
            held_on=timezone.localdate(),
            kind=TalkKind.REQUIRED,
            summary="x",
            todo=todo,
        )


def test_care_daily_command(college):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("care_daily", stdout=out)
    assert "escalated: 0" in out.getvalue()
