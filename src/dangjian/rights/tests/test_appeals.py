"""Appeals: against one's own decisions only, to the organisation above, answered in writing by a deadline."""

import datetime

import pytest
from django.test import override_settings

from dangjian.core.calendar import working_calendar
from dangjian.core.errors import Conflict, DomainError, Forbidden, NotFound
from dangjian.core.models import AuditEvent, CalendarDay
from dangjian.members.models import Member
from dangjian.notices.models import Notice
from dangjian.rights import rules, selectors, services
from dangjian.rights.models import Appeal, AppealStatus
from dangjian.rights.registry import appealable_kinds

MONDAY = datetime.date(2026, 3, 2)


def counts() -> tuple[int, int, int]:
    return Appeal.objects.count(), AuditEvent.objects.count(), Notice.objects.count()


def appeal(college, decisions, *, pk=None, user=None, today=MONDAY, reasons="评议时未考虑我下乡支教一年的工作。"):
    pk = pk or decisions.add(college.member, college.branch)
    return services.appeal_create(
        actor=user or college.member.user, kind=decisions.kind, object_id=pk, reasons=reasons, today=today
    )


def test_the_fake_kind_is_registered_only_for_the_test(decisions):
    assert decisions.kind in appealable_kinds()


def test_the_fake_kind_is_gone_after_it(college):
    assert "test_decision" not in appealable_kinds()


def test_an_appeal_goes_to_the_organisation_above_the_one_that_decided(college, decisions):
    made = appeal(college, decisions)
    assert made.org == college.committee
    assert made.decided_by == college.branch
    assert made.status == AppealStatus.SUBMITTED
    assert (made.decision, made.decided_on) == ("2026年度民主评议：基本合格", datetime.date(2026, 1, 15))
    assert made.submitted_on == MONDAY
    assert made.due_on == rules.appeal_due_on(MONDAY, working_calendar(), 20) == datetime.date(2026, 3, 30)
    assert AuditEvent.objects.get(action="appeal.create").actor == college.member.user
    notice = Notice.objects.get()
    assert notice.recipient == college.user("committee")
    assert "2026-03-30" in notice.title


def test_a_decision_of_the_root_is_appealed_to_the_root(college, decisions):
    made = appeal(college, decisions, pk=decisions.add(college.member, college.committee))
    assert made.org == college.committee


def test_holidays_in_the_calendar_move_the_deadline(college, decisions):
    CalendarDay.objects.create(date=datetime.date(2026, 3, 4), kind="holiday", name="测试假日")
    assert appeal(college, decisions).due_on == datetime.date(2026, 3, 31)


@override_settings(DANGJIAN_APPEAL_ANSWER_WORKING_DAYS=5)
def test_the_deadline_is_configurable(college, decisions):
    assert appeal(college, decisions).due_on == datetime.date(2026, 3, 9)
    assert selectors.appeal_deadline_rule().working_days == 5


def test_an_unknown_kind_is_refused_and_changes_nothing(college, decisions):
    before = counts()
    with pytest.raises(DomainError, match="没有这类") as exc:
        services.appeal_create(actor=college.member.user, kind="no_such_kind", object_id=1, reasons="理由")
    assert exc.value.field == "decision"
    assert counts() == before


def test_a_missing_decision_is_refused_and_changes_nothing(college, decisions):
    before = counts()
    with pytest.raises(DomainError, match="不存在"):
        services.appeal_create(actor=college.member.user, kind=decisions.kind, object_id=999, reasons="理由")
    assert counts() == before


def test_someone_elses_decision_is_refused_and_changes_nothing(college, decisions):
    theirs = decisions.add(college.other_member, college.other_branch)
    before = counts()
    for role in ("member", "branch", "committee"):
        with pytest.raises(DomainError, match="你本人"):
            appeal(college, decisions, pk=theirs, user=college.user(role))
    assert counts() == before


def test_a_decision_no_longer_open_to_appeal_is_refused(college, decisions):
    pk = decisions.add(college.member, college.branch)
    decisions.closed.add(pk)
    before = counts()
    with pytest.raises(DomainError, match="目前不能申诉"):
        appeal(college, decisions, pk=pk)
    assert counts() == before


@pytest.mark.parametrize("reasons", ["", "   ", "字" * 5001])
def test_grounds_are_required(college, decisions, reasons):
    before = counts()
    with pytest.raises(DomainError) as exc:
        appeal(college, decisions, reasons=reasons)
    assert exc.value.field == "reasons"
    assert counts() == before


def test_an_account_without_a_member_record_cannot_appeal(college, decisions):
    before = counts()
    with pytest.raises(DomainError, match="没有关联"):
        appeal(college, decisions, user=college.user("admin"))
    assert counts() == before


def test_a_second_open_appeal_against_the_same_decision_is_refused(college, decisions):
    first = appeal(college, decisions)
    before = counts()
    with pytest.raises(Conflict, match="未办结的申诉"):
        appeal(college, decisions, pk=first.object_id)
    services.appeal_accept(actor=college.user("committee"), appeal=first)
    with pytest.raises(Conflict):
        appeal(college, decisions, pk=first.object_id)
    assert Appeal.objects.count() == before[0]


def test_after_a_withdrawal_the_member_may_appeal_again_at_the_same_level(college, decisions):
    first = appeal(college, decisions)
    services.appeal_withdraw(actor=college.member.user, appeal=first)
    again = appeal(college, decisions, pk=first.object_id)
    assert again.org == college.committee


def test_after_an_answer_a_new_appeal_goes_one_level_further_up(college, decisions):
    pk = decisions.add(college.member, college.group)  # decided by the group: goes to the branch first
    first = appeal(college, decisions, pk=pk, reasons="理由一")
    assert first.org == college.branch
    services.appeal_answer(actor=college.secretary.user, appeal=first, answer="维持原决定，理由如下。")
    second = appeal(college, decisions, pk=pk, reasons="理由二")
    assert second.org == college.committee
    services.appeal_answer(actor=college.user("committee"), appeal=second, answer="维持。")
    assert appeal(college, decisions, pk=pk, reasons="理由三").org == college.committee  # the root: no further


def test_the_receiving_officer_accepts_and_answers_and_the_appellant_is_told(college, decisions):
    made = appeal(college, decisions)
    officer = college.user("committee")
    Notice.objects.all().delete()
    services.appeal_accept(actor=officer, appeal=made)
    made.refresh_from_db()
    assert made.status == AppealStatus.ACCEPTED
    assert made.accepted_by == officer
    services.appeal_answer(actor=officer, appeal=made, answer="经复核，等次调整为合格。")
    made.refresh_from_db()
    assert made.status == AppealStatus.ANSWERED
    assert made.answer == "经复核，等次调整为合格。"
    assert made.answered_by == officer
    assert made.answered_at
    assert list(Notice.objects.values_list("recipient", flat=True)) == [college.member.user_id] * 2
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="appeal.").order_by("pk")] == [
        "appeal.create",
        "appeal.accept",
        "appeal.answer",
    ]


def test_an_appeal_may_be_answered_without_being_accepted_first(college, decisions):
    made = appeal(college, decisions)
    services.appeal_answer(actor=college.user("admin"), appeal=made, answer="已答复。")
    assert Appeal.objects.get().status == AppealStatus.ANSWERED


def test_refused_handling_changes_nothing(college, decisions):
    made = appeal(college, decisions)
    before = counts()
    # The branch that decided does not judge the appeal against its own decision.
    for role in ("branch", "group_leader", "auditor", "other_branch", "member"):
        with pytest.raises(Forbidden):
            services.appeal_answer(actor=college.user(role), appeal=made, answer="答复")
        with pytest.raises(Forbidden):
            services.appeal_accept(actor=college.user(role), appeal=made)
    with pytest.raises(DomainError) as exc:
        services.appeal_answer(actor=college.user("committee"), appeal=made, answer="")
    assert exc.value.field == "answer"
    with pytest.raises(Forbidden):
        services.appeal_withdraw(actor=college.user("committee"), appeal=made)
    assert counts() == before
    assert Appeal.objects.get().status == AppealStatus.SUBMITTED


def test_an_officer_does_not_answer_their_own_appeal(college, decisions):
    # The committee secretary appeals a decision of the faculty branch about themself.
    secretary = Member.objects.get(user=college.user("committee"))
    made = appeal(college, decisions, pk=decisions.add(secretary, college.branch), user=college.user("committee"))
    with pytest.raises(Forbidden):
        services.appeal_answer(actor=college.user("committee"), appeal=made, answer="自己答复自己")
    services.appeal_answer(actor=college.user("admin"), appeal=made, answer="由管理员代党委答复。")


def test_closed_appeals_stay_closed(college, decisions):
    answered = appeal(college, decisions)
    services.appeal_answer(actor=college.user("committee"), appeal=answered, answer="答复")
    withdrawn = appeal(college, decisions)
    services.appeal_withdraw(actor=college.member.user, appeal=withdrawn)
    before = counts()
    for closed in (answered, withdrawn):
        with pytest.raises(Conflict):
            services.appeal_answer(actor=college.user("committee"), appeal=closed, answer="再答复")
        with pytest.raises(Conflict):
            services.appeal_accept(actor=college.user("committee"), appeal=closed)
        with pytest.raises(Conflict):
            services.appeal_withdraw(actor=college.member.user, appeal=closed)
    assert counts() == before


def test_accepting_twice_is_refused(college, decisions):
    made = appeal(college, decisions)
    services.appeal_accept(actor=college.user("committee"), appeal=made)
    with pytest.raises(Conflict):
        services.appeal_accept(actor=college.user("committee"), appeal=made)


def test_who_sees_an_appeal(college, decisions):
    made = appeal(college, decisions)
    for role in ("member", "committee", "admin"):
        assert selectors.access_appeal(college.user(role), made.pk) == made
    for role in ("branch", "group_leader", "auditor", "other_branch"):
        with pytest.raises(NotFound):
            selectors.access_appeal(college.user(role), made.pk)
    with pytest.raises(NotFound):
        selectors.access_appeal(college.user("admin"), "x")
    assert list(selectors.received_appeals(actor=college.user("committee"))) == [made]
    assert list(selectors.received_appeals(actor=college.secretary.user)) == []
    assert list(selectors.my_appeals(member=college.member)) == [made]


def test_overdue_appeals_are_shown_and_filtered(college, decisions):
    made = appeal(college, decisions)
    assert not made.is_overdue(made.due_on)
    assert made.is_overdue(made.due_on + datetime.timedelta(days=1))
    late = made.due_on + datetime.timedelta(days=1)
    officer = college.user("committee")
    overdue = selectors.received_appeals(actor=officer, filters=selectors.AppealFilters(status="overdue"), today=late)
    assert list(overdue) == [made]
    on_time = selectors.received_appeals(
        actor=officer, filters=selectors.AppealFilters(status="overdue"), today=made.due_on
    )
    assert list(on_time) == []
    services.appeal_answer(actor=officer, appeal=made, answer="答复")
    made.refresh_from_db()
    assert not made.is_overdue(late)


def test_the_overdue_reminder_goes_once_a_day_to_the_receiving_officers(college, decisions):
    made = appeal(college, decisions)
    Notice.objects.all().delete()
    assert services.appeals_remind_overdue(today=made.due_on) == 0
    late = made.due_on + datetime.timedelta(days=1)
    assert services.appeals_remind_overdue(today=late) == 1
    assert services.appeals_remind_overdue(today=late) == 0  # idempotent for the day
    assert list(Notice.objects.values_list("recipient", flat=True)) == [college.user("committee").pk]
    assert services.appeals_remind_overdue(today=late + datetime.timedelta(days=1)) == 1
    assert Notice.objects.count() == 2
    assert AuditEvent.objects.filter(action="appeal.remind_overdue", actor__is_system=True).count() == 2
    services.appeal_answer(actor=college.user("committee"), appeal=made, answer="答复")
    assert services.appeals_remind_overdue(today=late + datetime.timedelta(days=2)) == 0


def test_appealable_decisions_are_the_members_own_with_their_open_appeal(college, decisions):
    mine = decisions.add(college.member, college.branch, decided_on=datetime.date(2026, 1, 10))
    older = decisions.add(college.member, college.branch, "2025年度民主评议：合格", datetime.date(2025, 1, 10))
    decisions.add(college.other_member, college.other_branch)
    made = appeal(college, decisions, pk=mine)
    listed = selectors.appealable_decisions(member=college.member)
    assert [(d.object_id, d.open_appeal) for d in listed] == [(mine, made), (older, None)]
    assert listed[0].key == f"{decisions.kind}:{mine}"
    assert selectors.appealable_decisions(member=college.other_member)[0].open_appeal is None
