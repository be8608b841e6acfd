"""The refresh (opens, updates, clears, never twice, reopens later) and closing an entry."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care.models import Talk, TalkTodo
from dangjian.compliance import services
from dangjian.compliance.models import EntryStatus, Resolution, WarningEntry
from dangjian.compliance.tests.factories import backdate, days_ago, held
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.members.services import situation_add


@pytest.fixture
def absent_member(college):
    """张三 took part 130 days ago and has been absent from the three activities since; the others came."""
    members = list(college.branch.current_members.all()) + list(college.group.current_members.all())
    backdate(*members)
    zhang = college.member
    held(college.branch, 130)
    for ago in (100, 70, 40):
        held(college.branch, ago, {zhang: "absent"})
    held(college.branch, 10, {zhang: "absent"}, form="general_meeting")
    return zhang


def refresh(**kwargs):
    return services.warnings_refresh(**kwargs)


def only_entry(member) -> WarningEntry:
    return WarningEntry.objects.get(member=member)


# --- The refresh -----------------------------------------------------------------------------------


def test_refresh_opens_an_entry_with_dated_reasons_and_a_required_talk(college, absent_member):
    result = refresh(org=college.committee)
    entry = only_entry(absent_member)
    assert result.opened == 1
    assert result.todos == 1
    assert entry.status == EntryStatus.OPEN
    assert entry.org == college.branch
    signals = [r["signal"] for r in entry.reasons]
    assert signals == ["absences", "organisational_life", "study"]
    absences = entry.reasons[0]
    assert absences["data"]["count"] == 4
    assert [i["day"] for i in absences["items"]] == [days_ago(n).isoformat() for n in (100, 70, 40, 10)]
    assert entry.reasons[1]["data"]["last"] == days_ago(130).isoformat()
    assert entry.level == "warning"
    assert entry.suggested_action == "talk"
    todo = TalkTodo.objects.get(member=absent_member)
    assert todo.reason == "repeated_absence"
    assert str(entry.pk) in todo.source_key
    assert entry.talk_todo == todo
    assert AuditEvent.objects.filter(action="warning.open", object_id=str(entry.pk)).count() == 1
    # Everybody else came: no entry.
    assert WarningEntry.objects.count() == 1


def test_refresh_is_idempotent(college, absent_member):
    refresh()
    events = AuditEvent.objects.count()
    entry = only_entry(absent_member)
    again = refresh()
    assert (again.opened, again.updated, again.cleared, again.todos) == (0, 0, 0, 0)
    assert AuditEvent.objects.count() == events
    assert TalkTodo.objects.filter(member=absent_member).count() == 1
    assert only_entry(absent_member).updated_at == entry.updated_at


def test_refresh_updates_the_reasons_of_the_open_entry(college, absent_member):
    refresh()
    held(college.branch, 5, {absent_member: "absent"}, form="group_meeting")
    result = refresh()
    entry = only_entry(absent_member)
    assert result.updated == 1
    assert result.opened == 0
    assert entry.reasons[0]["data"]["count"] == 5
    assert AuditEvent.objects.filter(action="warning.update", object_id=str(entry.pk)).exists()


def test_refresh_later_raises_the_level_as_the_six_month_line_nears(college, absent_member):
    refresh()
    later = timezone.localdate() + datetime.timedelta(days=30)  # 160 days since the last organisational life
    refresh(today=later)
    entry = only_entry(absent_member)
    assert entry.level == "alarm"
    assert entry.suggested_action == "visit"


def test_an_entry_whose_signals_went_away_stays_open_until_closed(college, absent_member):
    refresh()
    held(college.branch, 2)  # 张三 came this time
    result = refresh()
    entry = only_entry(absent_member)
    assert result.cleared == 1
    assert entry.status == EntryStatus.OPEN
    assert entry.cleared_on == timezone.localdate()


def test_there_is_never_a_second_open_entry(college, absent_member):
    refresh()
    entry = only_entry(absent_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        WarningEntry.objects.create(
            member=absent_member, org=college.branch, opened_on=entry.opened_on, refreshed_on=entry.opened_on
        )


def test_a_branch_officer_refreshes_only_their_branch(college, absent_member):
    result = refresh(actor=college.user("branch"), org=college.branch)
    assert result.branches == 1
    assert result.opened == 1
    with pytest.raises(Forbidden):
        refresh(actor=college.user("other_branch"), org=college.branch)
    assert refresh(actor=college.user("other_branch")).branches == 1  # their own branch only


def test_a_frail_member_has_no_attendance_or_study_signals(college, absent_member):
    situation_add(actor=college.user("branch"), member=absent_member, kind="frail", since=days_ago(200))
    assert refresh().opened == 0


def test_a_frail_member_not_talked_with_for_a_year_is_brought_study_at_home(college, absent_member):
    from dangjian.care.services import talk_record

    situation_add(actor=college.user("branch"), member=absent_member, kind="frail", since=days_ago(200))
    talk_record(
        actor=None,
        member=absent_member,
        officer=college.secretary,
        held_on=days_ago(400),
        kind="routine",
        summary="了解身体情况",
    )
    refresh()
    entry = only_entry(absent_member)
    assert [r["signal"] for r in entry.reasons] == ["talk"]
    assert entry.suggested_action == "study_at_home"
    assert entry.reasons[0]["exemption"] == "frail"


# --- Closing ---------------------------------------------------------------------------------------


@pytest.fixture
def entry(college, absent_member):
    refresh()
    return only_entry(absent_member)


def close(entry, actor, **kwargs):
    values = {"resolution": "visit", "on": timezone.localdate(), "note": "上门了解情况"} | kwargs
    return services.warning_close(actor=actor, entry=entry, **values)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"resolution": ""}, "resolution"),
        ({"resolution": "nonsense"}, "resolution"),
        ({"note": "  "}, "note"),
        ({"resolution": "explained", "note": ""}, "note"),
        ({"on": None}, "on"),
        ({"on": timezone.localdate() + datetime.timedelta(days=1)}, "on"),
        ({"resolution": "talk", "officer": None}, "officer"),
    ],
)
def test_closing_without_an_action_or_a_reason_is_refused_and_changes_nothing(college, entry, values, field):
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        close(entry, college.user("branch"), **values)
    assert caught.value.field == field
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OPEN
    assert AuditEvent.objects.count() == events


def test_closing_with_a_visit_or_a_reason(college, entry):
    closed = close(entry, college.user("branch"), on=days_ago(1))
    assert closed.status == EntryStatus.CLOSED
    assert closed.resolution == Resolution.VISIT
    assert closed.resolved_on == days_ago(1)
    assert closed.closed_by == college.user("branch")
    event = AuditEvent.objects.get(action="warning.close", object_id=str(entry.pk))
    assert "上门" not in str(event.changes)  # the note stays out of the audit trail
    with pytest.raises(DomainError, match=r"already|已"):
        close(closed, college.user("branch"), resolution="explained", note="长期病假")


def test_closing_with_a_talk_records_the_talk_and_closes_the_entry_together(college, entry):
    closed = close(
        entry,
        college.user("branch"),
        resolution="talk",
        officer=college.secretary,
        talk_kind="reminder",
        note="谈心了解缺席原因，家中老人住院",
        follow_up="下次主题党日前再联系",
    )
    talk = Talk.objects.get(member=entry.member)
    assert closed.talk == talk
    assert closed.status == EntryStatus.CLOSED
    assert talk.officer == college.secretary
    assert talk.kind == "reminder"
    assert talk.held_on == timezone.localdate()
    assert talk.follow_up == "下次主题党日前再联系"
    assert TalkTodo.objects.get(pk=entry.talk_todo_id).talk == talk  # the required talk is done


def test_a_talk_refused_by_the_care_rules_leaves_the_entry_open(college, entry):
    with pytest.raises(DomainError) as caught:
        close(entry, college.user("branch"), resolution="talk", officer=entry.member, note="谈话")
    assert caught.value.field == "officer"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OPEN
    assert not Talk.objects.exists()


def test_a_failure_after_the_talk_undoes_the_talk_too(college, entry, monkeypatch):
    real = services.audit.record

    def failing(**kwargs):
        if kwargs["action"] == "warning.close":
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services.audit, "record", failing)
    with pytest.raises(RuntimeError):
        close(entry, college.user("branch"), resolution="talk", officer=college.secretary, note="谈话")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OPEN
    assert not Talk.objects.exists()


def test_only_officers_over_the_branch_close_and_never_their_own_entry(college, entry):
    for role in ("other_branch", "member", "group_leader", "auditor"):
        with pytest.raises(Forbidden):
            close(entry, college.user(role))
    college.secretary  # noqa: B018
    own = WarningEntry.objects.create(
        member=college.secretary, org=college.branch, opened_on=entry.opened_on, refreshed_on=entry.opened_on
    )
    with pytest.raises(Forbidden):
        close(own, college.user("branch"))
    assert close(own, college.user("committee")).status == EntryStatus.CLOSED


# --- After closing ---------------------------------------------------------------------------------


def test_a_closed_entry_is_not_reopened_by_the_same_signals(college, entry):
    close(entry, college.user("branch"))
    assert refresh().opened == 0
    assert refresh(today=timezone.localdate() + datetime.timedelta(days=5)).opened == 0


def test_a_new_entry_opens_when_a_signal_fires_anew_after_closing(college, absent_member):
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=35)
    refresh(today=earlier)
    first = only_entry(absent_member)
    services.warning_close(
        actor=college.user("branch"),
        entry=first,
        resolution="explained",
        on=earlier,
        note="长期外出调研，已说明情况",
        today=earlier,
    )
    assert refresh().opened == 0  # only the absence of 10 days ago is new
    for ago in (8, 6):
        held(college.branch, ago, {absent_member: "absent"}, form="group_meeting")
    assert refresh().opened == 1
    second = WarningEntry.objects.get(member=absent_member, status=EntryStatus.OPEN)
    assert second.pk != first.pk
    assert second.reasons[0]["signal"] == "absences"
    assert TalkTodo.objects.filter(member=absent_member).count() == 2


def test_an_open_entry_follows_a_member_to_another_branch(college, absent_member):
    from dangjian.members.services import member_transfer

    refresh()
    member_transfer(actor=system_actor(), member=absent_member, to_org=college.other_branch, on=timezone.localdate())
    refresh()
    entry = only_entry(absent_member)
    assert entry.org == college.other_branch
    assert entry.status == EntryStatus.OPEN
