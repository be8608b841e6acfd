import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care import files, services
from dangjian.care.models import Need, NeedAttachment, NeedEvent, NeedState, NeedVisibility, TalkTodo, TodoReason
from dangjian.care.selectors import needs as selectors
from dangjian.care.tests.factories import fresh, pdf, raise_need
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError, Forbidden, NotFound
from dangjian.core.models import AuditEvent
from dangjian.notices.models import Notice

MONDAY = datetime.date(2025, 3, 3)


def test_a_group_members_need_goes_to_the_groups_branch_with_working_day_deadlines(college):
    need = raise_need(college.member, today=MONDAY, uploads=[pdf()])
    assert need.org == college.branch
    assert need.state == NeedState.SUBMITTED
    assert need.accept_due == datetime.date(2025, 3, 6)  # three working days after Monday
    assert need.answer_due == datetime.date(2025, 3, 24)  # fifteen
    assert need.attachments.get().content_type == "application/pdf"
    assert list(need.events.values_list("kind", flat=True)) == ["submitted"]
    assert Notice.objects.filter(recipient=college.secretary.user).exists()
    event = AuditEvent.objects.get(action="need.submit")
    assert "孩子" not in str(event.changes)
    assert "孩子" not in event.object_repr


def test_the_whole_journey(college):
    need = raise_need(college.member)
    secretary, member = college.user("branch"), college.user("member")
    services.need_accept(actor=secretary, need=need)
    services.need_note(actor=secretary, need=need, text="已联系附小。")
    services.need_answer(actor=secretary, need=need, answer="附小接收教工子女，材料已发你邮箱。")
    need = services.need_confirm(actor=member, need=need, rating=5)
    assert need.state == NeedState.CLOSED
    assert need.rating == 5
    assert need.closed_on == timezone.localdate()
    assert list(need.events.values_list("kind", flat=True)) == [
        "submitted",
        "accepted",
        "note",
        "answered",
        "confirmed",
    ]


def test_reopen_goes_back_in_progress_with_a_fresh_deadline(college):
    need = raise_need(college.member, today=MONDAY)
    secretary = college.user("branch")
    services.need_accept(actor=secretary, need=need)
    services.need_answer(actor=secretary, need=need, answer="请看通知。")
    with pytest.raises(DomainError) as refused:
        services.need_reopen(actor=college.user("member"), need=need, reason="  ")
    assert refused.value.field == "reason"
    reopened_on = datetime.date(2025, 4, 1)
    need = services.need_reopen(actor=college.user("member"), need=need, reason="没有回答我的问题", today=reopened_on)
    assert need.state == NeedState.IN_PROGRESS
    assert need.answered_on is None
    assert need.answer_due == working_calendar().add_working_days(reopened_on, 15)


ACTIONS = {
    "accept": lambda c, n: services.need_accept(actor=c.user("branch"), need=n),
    "note": lambda c, n: services.need_note(actor=c.user("branch"), need=n, text="进展"),
    "answer": lambda c, n: services.need_answer(actor=c.user("branch"), need=n, answer="答复"),
    "confirm": lambda c, n: services.need_confirm(actor=c.user("member"), need=n, rating=4),
    "reopen": lambda c, n: services.need_reopen(actor=c.user("member"), need=n, reason="不满意"),
    "hardship": lambda c, n: services.need_mark_hardship(actor=c.user("branch"), need=n),
}
ALLOWED = {
    "submitted": {"accept"},
    "accepted": {"note", "answer", "hardship"},
    "in_progress": {"note", "answer", "hardship"},
    "answered": {"confirm", "reopen", "hardship"},
    "closed": set(),
}
TO_STATE = {
    "submitted": [],
    "accepted": ["accept"],
    "in_progress": ["accept", "note"],
    "answered": ["accept", "answer"],
    "closed": ["accept", "answer", "confirm"],
}


def _snapshot(need):
    need = fresh(need)
    fields = {f.name: getattr(need, f.attname) for f in Need._meta.concrete_fields if f.name != "updated_at"}
    return fields, NeedEvent.objects.filter(need=need).count(), TalkTodo.objects.count()


@pytest.mark.parametrize("state", list(ALLOWED))
def test_every_illegal_transition_is_refused_and_changes_nothing(college, state):
    need = raise_need(college.member)
    for action in TO_STATE[state]:
        ACTIONS[action](college, fresh(need))
    assert fresh(need).state == state
    for action in sorted(set(ACTIONS) - ALLOWED[state]):
        before = _snapshot(need)
        with pytest.raises(DomainError) as refused:
            ACTIONS[action](college, fresh(need))
        assert refused.value.status_code == 400
        assert refused.value.message
        assert _snapshot(need) == before, action


def test_a_bad_rating_is_refused(college):
    need = raise_need(college.member)
    services.need_accept(actor=college.user("branch"), need=need)
    services.need_answer(actor=college.user("branch"), need=need, answer="答复")
    for rating in (0, 6, True):
        with pytest.raises(DomainError):
            services.need_confirm(actor=college.user("member"), need=fresh(need), rating=rating)
    assert fresh(need).state == NeedState.ANSWERED


def test_only_the_member_confirms_and_no_one_handles_their_own_need(college):
    need = raise_need(college.member)
    services.need_accept(actor=college.user("branch"), need=need)
    services.need_answer(actor=college.user("branch"), need=need, answer="答复")
    with pytest.raises(Forbidden):
        services.need_confirm(actor=college.user("branch"), need=fresh(need), rating=5)
    own = raise_need(college.secretary)
    with pytest.raises(Forbidden):
        services.need_accept(actor=college.user("branch"), need=own)


def test_answering_outside_ones_scope_is_refused(college):
    need = raise_need(college.member, visibility=NeedVisibility.COMMITTEE)
    other = college.user("other_branch")
    with pytest.raises(NotFound):
        selectors.access_need(other, need.pk)
    with pytest.raises(Forbidden):
        services.need_accept(actor=other, need=need)
    assert fresh(need).state == NeedState.SUBMITTED


def test_a_branch_only_need_is_unreadable_by_the_committee_even_escalated(college):
    need = raise_need(college.member, today=MONDAY, uploads=[pdf()])
    committee = college.user("committee")
    admin = college.user("admin")
    for actor in (committee, admin):
        with pytest.raises(NotFound):
            selectors.access_need(actor, need.pk)
        assert selectors.officer_needs(actor, selectors.NeedFilters(state="all")) == []
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 7)) == 1
    for actor in (committee, admin):
        seen = selectors.access_need(actor, need.pk)
        assert seen.access == selectors.Access.OUTLINE
        with pytest.raises(NotFound):
            selectors.access_need(actor, need.pk, full=True)
        with pytest.raises(NotFound):
            selectors.access_need_attachment(actor, need.pk, need.attachments.get().pk)
        assert not selectors.can_handle_need(actor, seen)
        [row] = selectors.officer_needs(actor, selectors.NeedFilters(state="all"))
        assert row.access == selectors.Access.OUTLINE
    committee_notice = Notice.objects.get(recipient=committee)
    assert "孩子" not in committee_notice.title + committee_notice.body
    member_notice = Notice.objects.filter(recipient=college.member.user).latest("pk")
    assert "overdue" in member_notice.title or "逾期" in member_notice.title
    # The member widens it: the committee reads it in full.
    services.need_widen(actor=college.member.user, need=need)
    assert selectors.access_need(committee, need.pk, full=True).access == selectors.Access.FULL


def test_a_committee_visible_need_is_read_and_may_be_handled_by_the_committee(college):
    need = raise_need(college.member, visibility=NeedVisibility.COMMITTEE)
    committee = college.user("committee")
    assert selectors.access_need(committee, need.pk, full=True)
    services.need_accept(actor=committee, need=need)
    assert fresh(need).state == NeedState.ACCEPTED


def test_escalation_is_idempotent_and_once_per_missed_deadline(college):
    need = raise_need(college.member, today=MONDAY)
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 6)) == 0  # due that day
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 7)) == 1
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 7)) == 0
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 10)) == 0
    need = fresh(need)
    assert need.escalated_to == college.committee
    assert need.escalated_on == datetime.date(2025, 3, 7)
    services.need_accept(actor=college.user("branch"), need=need, today=datetime.date(2025, 3, 10))
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 24)) == 0
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 25)) == 1
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 26)) == 0
    assert list(need.events.filter(kind="escalated").values_list("data__stage", flat=True)) == ["accept", "answer"]


def test_hardship_opens_a_required_talk_once(college):
    need = raise_need(college.member)
    services.need_accept(actor=college.user("branch"), need=need)
    services.need_mark_hardship(actor=college.user("branch"), need=need)
    todo = TalkTodo.objects.get()
    assert todo.reason == TodoReason.HARDSHIP_NEED
    assert todo.source_key == f"need:{need.pk}"
    assert todo.member == college.member
    assert todo.assignee == college.secretary
    assert "孩子" not in todo.detail
    with pytest.raises(DomainError):
        services.need_mark_hardship(actor=college.user("branch"), need=fresh(need))
    assert TalkTodo.objects.count() == 1


def test_delegation_goes_to_an_officer_of_the_branch_who_may_then_handle_it(college):
    from dangjian.orgs import services as org_services

    need = raise_need(college.member)
    with pytest.raises(DomainError):  # the other branch's secretary is no officer here
        services.need_assign(actor=college.user("branch"), need=need, officer=college.user("other_branch").member)
    deputy = college.other_member
    org_services.officer_appoint(
        actor=system_actor(), org=college.branch, member=deputy, position="organisation", since=MONDAY
    )
    services.need_assign(actor=college.user("branch"), need=need, officer=deputy)
    need = fresh(need)
    assert need.handler == deputy
    assert selectors.can_handle_need(deputy.user, selectors.access_need(deputy.user, need.pk))
    services.need_accept(actor=deputy.user, need=need)


def test_attachments_are_checked_by_content_and_size(college, settings):
    exe = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff", content_type="image/jpeg")
    with pytest.raises(DomainError) as refused:
        raise_need(college.member, uploads=[exe])
    assert refused.value.field == "files"
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * files.MAX_ATTACHMENT_BYTES)
    with pytest.raises(DomainError):
        raise_need(college.member, uploads=[big])
    with pytest.raises(DomainError):
        raise_need(college.member, uploads=[pdf(f"{i}.pdf") for i in range(files.MAX_ATTACHMENTS + 1)])
    assert not Need.objects.exists()
    assert not NeedAttachment.objects.exists()
    need = raise_need(college.member, uploads=[pdf()])
    added = services.need_attachment_add(
        actor=college.member.user, need=need, uploads=[SimpleUploadedFile("说明.txt", "说明".encode())]
    )
    assert added[0].content_type.startswith("text/plain")
    assert "说明" not in added[0].file.name  # the stored name never carries the member's file name


def test_history_is_append_only(college):
    need = raise_need(college.member)
    event = need.events.get()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        NeedEvent.objects.filter(need=need).delete()


def test_response_times_by_branch_have_no_names(college):
    need = raise_need(college.member, today=MONDAY)
    services.need_accept(actor=college.user("branch"), need=need, today=datetime.date(2025, 3, 5))
    services.need_answer(actor=college.user("branch"), need=need, answer="答复", today=datetime.date(2025, 3, 10))
    raise_need(college.other_member, today=MONDAY)
    rows = selectors.need_stats(
        college.user("committee"), year=2025, calendar=working_calendar(), today=datetime.date(2025, 3, 12)
    )
    assert [r.org for r in rows] == [college.branch, college.other_branch]
    faculty, students = rows
    assert faculty.median_days_to_accept == 2
    assert faculty.median_days_to_answer == 5
    assert students.overdue == 1
    assert students.median_days_to_accept is None
    only_own = selectors.need_stats(college.user("branch"), year=2025, calendar=working_calendar())
    assert [r.org for r in only_own] == [college.branch]


def test_settings_inherit_and_apply_to_new_needs(college):
    services.care_settings_update(
        actor=college.user("committee"), org=college.committee, accept_working_days=2, answer_working_days=None
    )
    services.care_settings_update(
        actor=college.user("branch"), org=college.branch, accept_working_days=None, answer_working_days=10
    )
    need = raise_need(college.member, today=MONDAY)
    assert need.accept_due == datetime.date(2025, 3, 5)
    assert need.answer_due == datetime.date(2025, 3, 17)
    with pytest.raises(DomainError):
        services.care_settings_update(
            actor=college.user("branch"), org=college.branch, accept_working_days=12, answer_working_days=10
        )
    with pytest.raises(Forbidden):
        services.care_settings_update(
            actor=college.user("branch"), org=college.committee, accept_working_days=1, answer_working_days=None
        )
