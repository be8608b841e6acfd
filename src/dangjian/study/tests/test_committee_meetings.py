"""Committee-level meetings (党委会, 党政联席会议): rules, services, scope of the reads, the owner's to-dos."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.members.tests.factories import MemberFactory
from dangjian.notices.inbox import inbox_for
from dangjian.study.models import Activity, AttendanceStatus, DecisionStatus, MakeUp
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.selectors import activities as activity_selectors
from dangjian.study.selectors import committee_meetings as selectors
from dangjian.study.services import activities as activity_services
from dangjian.study.services import committee_meetings as services

# Monday 9 March 2026, 09:00 in Beijing.
START = datetime.datetime(2026, 3, 9, 1, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=2)
DAY = datetime.date(2026, 3, 9)


def meeting_of(college, form=rules.JOINT_MEETING, publish=True, start=START) -> Activity:
    activity = services.committee_meeting_create(
        actor=college.user("committee"),
        org=college.committee,
        form=form,
        theme="2026年第2次党政联席会议",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="学院会议室",
        chair_name="吕书记",
        recorder_name="党政办主任",
    )
    if publish:
        activity_services.activity_publish(actor=college.user("committee"), activity=activity, now=start)
    return activity


@pytest.fixture
def meeting(college):
    return meeting_of(college)


def decision_of(college, meeting, *, orgs=(), owner=None, due_on=DAY + datetime.timedelta(days=30), **kwargs):
    return services.decision_create(
        actor=college.user("committee"),
        activity=meeting,
        text="修订本科生导师制实施办法",
        owner_side="administration",
        owner=owner,
        owner_name="" if owner else "王院长",
        owner_post="" if owner else "院长",
        due_on=due_on,
        orgs=orgs,
        **kwargs,
    )


# --- rules --------------------------------------------------------------------------------------


def test_leadership_forms_fit_a_committee_only():
    assert rules.form_fits_org_kind(rules.PARTY_COMMITTEE_MEETING, "committee")
    assert rules.form_fits_org_kind(rules.JOINT_MEETING, "committee")
    assert not rules.form_fits_org_kind(rules.JOINT_MEETING, "branch")
    assert not rules.form_fits_org_kind(rules.PARTY_COMMITTEE_MEETING, "general_branch")
    assert rules.form_fits_org_kind("theme_day", "branch")  # the other forms as before
    assert rules.form_fits_org_kind("theme_day", "committee")


def test_a_decision_is_overdue_from_the_day_after_its_due_day():
    due = datetime.date(2026, 4, 30)
    assert not rules.decision_overdue(rules.OPEN, due, due)
    assert rules.decision_overdue(rules.OPEN, due, due + datetime.timedelta(days=1))
    assert not rules.decision_overdue(rules.DONE, due, due + datetime.timedelta(days=1))
    assert not rules.decision_overdue(rules.OPEN, None, due)
    assert rules.decision_state(rules.OPEN, due, due + datetime.timedelta(days=1)) == rules.OVERDUE
    assert rules.decision_state(rules.DONE, due, due + datetime.timedelta(days=9)) == rules.DONE
    assert rules.decision_state(rules.OPEN, due, due) == rules.OPEN


def test_done_dates_lie_between_the_meeting_and_today():
    meeting, today = datetime.date(2026, 3, 9), datetime.date(2026, 4, 1)
    assert rules.done_on_problem(meeting, meeting, today) is None
    assert rules.done_on_problem(today, meeting, today) is None
    assert rules.done_on_problem(meeting - datetime.timedelta(days=1), meeting, today) == "before_meeting"
    assert rules.done_on_problem(today + datetime.timedelta(days=1), meeting, today) == "future"
    assert rules.due_on_problem(meeting, meeting) is None
    assert rules.due_on_problem(meeting - datetime.timedelta(days=1), meeting) == "before_meeting"
    assert rules.due_on_problem(None, meeting) is None


def test_only_approved_items_lead_to_decisions():
    assert rules.decision_allowed_for(rules.APPROVED)
    assert rules.decision_allowed_for(rules.AMENDED)
    assert not rules.decision_allowed_for(rules.DEFERRED)
    assert not rules.decision_allowed_for(rules.NOTED)


# --- the meeting ----------------------------------------------------------------------------------


def test_a_meeting_expects_the_committees_officers_only_and_credits_no_study(college, meeting):
    assert meeting.form == "joint_meeting"
    assert meeting.credit_minutes == 0
    assert {row.member.name for row in meeting.attendances.all()} == {"吕书记"}
    assert meeting.committee_meeting.chair_name == "吕书记"
    assert AuditEvent.objects.filter(action="committee_meeting.create").count() == 1


def test_a_branch_cannot_hold_a_committee_meeting(college):
    with pytest.raises(DomainError) as info:
        activity_services.activity_create(
            actor=college.user("branch"), org=college.branch, form="party_committee_meeting", theme="支部开党委会",
            starts_at=START, ends_at=END,
        )  # fmt: skip
    assert info.value.field == "form"


def test_a_branch_officer_cannot_record_the_committees_meeting(college):
    with pytest.raises(Forbidden):
        services.committee_meeting_create(
            actor=college.user("branch"), org=college.committee, form="party_committee_meeting", theme="党委会",
            starts_at=START, ends_at=END,
        )  # fmt: skip


def test_an_ordinary_form_is_refused_by_the_meeting_service(college):
    with pytest.raises(DomainError):
        services.committee_meeting_create(
            actor=college.user("committee"), org=college.committee, form="theme_day", theme="x",
            starts_at=START, ends_at=END,
        )  # fmt: skip


def test_a_leader_who_is_a_member_is_expected_and_one_who_is_not_is_recorded_by_name(college, meeting):
    dean = MemberFactory(org=college.branch, name="孙院长")
    services.meeting_attendee_add(actor=college.user("committee"), activity=meeting, member=dean)
    with pytest.raises(DomainError):
        services.meeting_attendee_add(actor=college.user("committee"), activity=meeting, member=dean)
    services.external_attendee_add(
        actor=college.user("committee"), activity=meeting, name="周副院长", post="副院长", side="administration"
    )
    with pytest.raises(DomainError) as info:
        services.external_attendee_add(
            actor=college.user("committee"), activity=meeting, name="某人", post="", side="administration"
        )
    assert info.value.field == "post"
    record = selectors.meeting_record(activity=meeting)
    assert record.expected == 3
    assert {p.name for p in record.attendees} == {"周副院长"}  # nobody has checked in yet
    assert {p.name for p in record.absent} == {"吕书记", "孙院长"}


def test_a_leaders_meeting_closes_without_make_up_study(college, meeting):
    activity_services.activity_close(
        actor=college.user("committee"), activity=meeting, now=END + datetime.timedelta(hours=1)
    )
    assert meeting.attendances.get().status == AttendanceStatus.ABSENT
    assert not MakeUp.objects.filter(attendance__activity=meeting).exists()


def test_members_do_not_see_a_leaders_meeting_among_their_activities(college, meeting):
    listed = lambda role: set(activity_selectors.activity_list(  # noqa: E731
        actor=college.user(role), filters=activity_selectors.ActivityFilters(when="all")
    ).values_list("pk", flat=True))  # fmt: skip
    assert meeting.pk in listed("committee")  # an attendee, and an officer over the committee
    assert meeting.pk not in listed("member")
    assert meeting.pk not in listed("branch")
    assert meeting.pk in listed("auditor")
    assert not activity_selectors.can_view_activity(college.user("member"), meeting)


# --- agenda -------------------------------------------------------------------------------------


def test_agenda_items_from_both_sides_and_their_outcome_after_the_start(college):
    meeting = meeting_of(college, start=timezone.now() + datetime.timedelta(days=2))
    actor = college.user("committee")
    party = services.agenda_item_add(
        actor=actor, activity=meeting, title="研究发展党员工作", side="party", proposer_name="吕书记",
        proposer_post="党委书记",
    )  # fmt: skip
    admin = services.agenda_item_add(
        actor=actor, activity=meeting, title="审议年度经费预算", side="administration", proposer_name="孙院长",
        proposer_post="院长", materials="预算说明",
    )  # fmt: skip
    assert (party.position, admin.position) == (1, 2)
    with pytest.raises(DomainError) as info:
        services.agenda_item_update(actor=actor, item=admin, outcome="approved")
    assert info.value.field == "outcome"  # not before the meeting has started
    with pytest.raises(DomainError) as info:
        services.agenda_item_add(actor=actor, activity=meeting, title="x", side="nobody", proposer_name="某")
    assert info.value.field == "side"
    with pytest.raises(Forbidden):
        services.agenda_item_add(
            actor=college.user("branch"), activity=meeting, title="x", side="party", proposer_name="某"
        )


def test_an_item_with_decisions_stays_approved_and_on_the_agenda(college, meeting):
    actor = college.user("committee")
    item = services.agenda_item_add(
        actor=actor, activity=meeting, title="导师制", side="administration", proposer_name="孙院长"
    )
    services.agenda_item_update(actor=actor, item=item, outcome="approved", resolution="原则通过")
    decision_of(college, meeting, agenda_item=item)
    with pytest.raises(DomainError):
        services.agenda_item_update(actor=actor, item=item, outcome="deferred")
    with pytest.raises(DomainError):
        services.agenda_item_remove(actor=actor, item=item)
    other = services.agenda_item_add(actor=actor, activity=meeting, title="通报", side="party", proposer_name="吕书记")
    services.agenda_item_update(actor=actor, item=other, outcome="noted")
    with pytest.raises(DomainError) as info:
        decision_of(college, meeting, agenda_item=other)
    assert info.value.field == "agenda_item"
    services.agenda_item_remove(actor=actor, item=other)
    assert AuditEvent.objects.filter(action="agenda_item.remove").exists()


# --- decisions ----------------------------------------------------------------------------------


def test_a_decision_names_its_owner_and_the_organisations_it_concerns(college, meeting):
    decision = decision_of(college, meeting, orgs=[college.branch])
    assert decision.owner_display == "王院长（院长）"
    assert list(decision.orgs.all()) == [college.branch]
    with pytest.raises(DomainError) as info:
        decision_of(college, meeting, due_on=DAY - datetime.timedelta(days=1))
    assert info.value.field == "due_on"
    with pytest.raises(DomainError) as info:
        services.decision_create(actor=college.user("committee"), activity=meeting, text="x", owner_side="party")
    assert info.value.field == "owner_name"
    from dangjian.orgs.tests.factories import OrganisationFactory

    elsewhere = OrganisationFactory(kind="committee", name="外院党委", code="X02")
    outsider = MemberFactory(org=OrganisationFactory(parent=elsewhere, name="外院支部", code="X03"), name="外院党员")
    with pytest.raises(DomainError) as info:
        decision_of(college, meeting, owner=outsider)
    assert info.value.field == "owner"


def test_a_decision_cannot_concern_an_organisation_outside_the_committee(college, meeting):
    from dangjian.orgs.tests.factories import OrganisationFactory

    elsewhere = OrganisationFactory(kind="committee", name="外院党委", code="X01")
    with pytest.raises(DomainError) as info:
        decision_of(college, meeting, orgs=[elsewhere])
    assert info.value.field == "orgs"


def test_the_owner_records_it_done_and_it_leaves_their_inbox(college, meeting):
    owner = college.secretary  # 李书记, secretary of the faculty branch
    decision = decision_of(
        college, meeting, owner=owner, orgs=[college.branch], due_on=DAY + datetime.timedelta(days=5)
    )
    late = DAY + datetime.timedelta(days=6)
    [todo] = [t for t in inbox_for(college.user("branch"), late) if t.kind == "study.decision_carry_out"]
    assert todo.overdue
    assert todo.due == DAY + datetime.timedelta(days=5)
    assert todo.url == f"/study/decisions/{decision.pk}/"
    assert not [t for t in inbox_for(college.user("member"), late) if t.kind == "study.decision_carry_out"]

    with pytest.raises(Forbidden):  # a member it concerns sees it, but does not record it done
        services.decision_complete(actor=college.user("member"), decision=decision, done_on=DAY, note="x", today=late)
    with pytest.raises(DomainError) as info:
        services.decision_complete(
            actor=college.user("branch"),
            decision=decision,
            done_on=DAY - datetime.timedelta(days=1),
            note="已办",
            today=late,
        )
    assert info.value.field == "done_on"
    with pytest.raises(DomainError) as info:
        services.decision_complete(actor=college.user("branch"), decision=decision, done_on=late, note="  ", today=late)
    assert info.value.field == "note"
    done = services.decision_complete(
        actor=college.user("branch"), decision=decision, done_on=late, note="已印发新办法", today=late
    )
    assert (done.status, done.done_on, done.done_by) == (DecisionStatus.DONE, late, college.user("branch"))
    assert not [t for t in inbox_for(college.user("branch"), late) if t.kind == "study.decision_carry_out"]
    with pytest.raises(DomainError):
        services.decision_complete(actor=college.user("branch"), decision=done, done_on=late, note="再次", today=late)
    assert AuditEvent.objects.filter(action="decision.complete", object_id=str(decision.pk)).exists()

    with pytest.raises(Forbidden):  # the owner does not reopen; the committee does
        services.decision_reopen(actor=college.user("branch"), decision=done, reason="未落实")
    reopened = services.decision_reopen(actor=college.user("committee"), decision=done, reason="未落实到位")
    assert (reopened.status, reopened.done_on, reopened.done_note) == (DecisionStatus.OPEN, None, "")


def test_a_decision_update_changes_what_is_given(college, meeting):
    decision = decision_of(college, meeting, orgs=[college.branch])
    services.decision_update(
        actor=college.user("committee"), decision=decision, orgs=[college.other_branch], owner_side="party"
    )
    decision.refresh_from_db()
    assert decision.owner_side == "party"
    assert decision.owner_name == "王院长"
    assert list(decision.orgs.all()) == [college.other_branch]
    event = AuditEvent.objects.filter(action="decision.update").latest("pk")
    assert set(event.changes) == {"owner_side", "orgs"}


# --- who sees which decision ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"faculty", "students", "all"}),
        ("committee", {"faculty", "students", "all"}),
        ("auditor", {"faculty", "students", "all"}),
        ("branch", {"faculty", "all"}),
        ("group_leader", {"faculty", "all"}),
        ("member", {"faculty", "all"}),
        ("other_branch", {"students", "all"}),
    ],
)
def test_decisions_are_seen_by_the_organisations_they_concern(college, meeting, role, expected):
    decisions = {
        "faculty": decision_of(college, meeting, orgs=[college.branch]),
        "students": decision_of(college, meeting, orgs=[college.other_branch]),
        "all": decision_of(college, meeting, orgs=[college.committee]),
        "none": decision_of(college, meeting),  # concerns nobody below: the leadership's only
    }
    names = {v.pk: k for k, v in decisions.items()}
    filters = selectors.DecisionFilters(state="all")
    seen = {names[d.pk] for d in selectors.decision_list(actor=college.user(role), filters=filters, today=DAY)}
    if role in ("admin", "committee", "auditor"):
        expected = expected | {"none"}
    assert seen == expected


def test_the_tracker_filters_open_overdue_and_done(college, meeting):
    soon = decision_of(college, meeting, due_on=DAY + datetime.timedelta(days=1))
    later = decision_of(college, meeting, due_on=DAY + datetime.timedelta(days=60))
    done = decision_of(college, meeting, due_on=DAY + datetime.timedelta(days=2))
    today = DAY + datetime.timedelta(days=10)
    services.decision_complete(actor=college.user("committee"), decision=done, done_on=today, note="已办", today=today)
    actor = college.user("committee")

    def listed(state):
        return [
            d.pk for d in selectors.decision_list(actor=actor, filters=selectors.DecisionFilters(state), today=today)
        ]

    assert listed("open") == [soon.pk, later.pk]
    assert listed("overdue") == [soon.pk]
    assert listed("done") == [done.pk]
    assert selectors.decision_counts(actor=actor, today=today) == {"open": 2, "overdue": 1, "done": 1, "all": 3}


def test_a_meeting_record_is_for_the_leadership_and_its_attendees(college, meeting):
    from dangjian.core.errors import NotFound

    for role in ("admin", "committee", "auditor"):
        assert selectors.access_meeting(college.user(role), meeting.pk) == meeting
    for role in ("branch", "member", "other_branch", "group_leader"):
        with pytest.raises(NotFound):
            selectors.access_meeting(college.user(role), meeting.pk)
    dean = MemberFactory(org=college.branch, name="孙院长")
    services.meeting_attendee_add(actor=college.user("committee"), activity=meeting, member=dean)
    assert selectors.access_meeting(dean.user, meeting.pk) == meeting
    with pytest.raises(NotFound):
        selectors.access_meeting(dean.user, meeting.pk, manage=True)
    ordinary = activity_services.activity_create(
        actor=system_actor(), org=college.branch, form="theme_day", theme="主题党日", starts_at=START, ends_at=END
    )
    with pytest.raises(NotFound):  # an ordinary activity is not a committee meeting
        selectors.access_meeting(college.user("admin"), ordinary.pk)


def test_the_record_numbers_the_meeting_within_its_year_and_form(college, meeting):
    second = meeting_of(college, start=START + datetime.timedelta(days=14))
    meeting_of(college, form=rules.PARTY_COMMITTEE_MEETING, start=START + datetime.timedelta(days=7))
    assert selectors.meeting_record(activity=meeting).number_in_year == 1
    assert selectors.meeting_record(activity=second).number_in_year == 2


@pytest.mark.parametrize(
    ("role", "sees"),
    [("admin", True), ("committee", True), ("auditor", True), ("branch", False), ("member", False)],
)
def test_the_meetings_are_offered_to_those_who_view_a_committee(college, meeting, role, sees):
    assert selectors.can_see_meetings(college.user(role)) is sees


def test_the_record_lists_those_sitting_in_apart(college, meeting):
    services.external_attendee_add(
        actor=college.user("committee"), activity=meeting, name="刘主任", post="党政办主任", side="administration",
        sits_in=True,
    )  # fmt: skip
    services.external_attendee_add(
        actor=college.user("committee"), activity=meeting, name="王院长", post="院长", side="administration"
    )
    record = selectors.meeting_record(activity=meeting)
    assert [p.name for p in record.present_members] == ["王院长"]
    assert [p.name for p in record.sitting_in] == ["刘主任"]


def test_a_meeting_does_not_change_into_another_form_and_back(college, meeting):
    actor = college.user("committee")
    with pytest.raises(DomainError) as info:
        activity_services.activity_update(actor=actor, activity=meeting, form="theme_day")
    assert info.value.field == "form"
    activity_services.activity_update(actor=actor, activity=meeting, form="party_committee_meeting")
    ordinary = activity_services.activity_create(
        actor=actor, org=college.committee, form="report", theme="专题报告会", starts_at=START, ends_at=END
    )
    with pytest.raises(DomainError):
        activity_services.activity_update(actor=actor, activity=ordinary, form="joint_meeting")
