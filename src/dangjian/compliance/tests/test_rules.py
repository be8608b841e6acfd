"""The early-warning signals at their boundaries, with exemptions, and after an entry was closed."""

import datetime
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.compliance import rules
from dangjian.compliance.rules import Item, MemberFacts, Occasion, Period

TODAY = datetime.date(2026, 6, 15)
LONG_AGO = datetime.date(2020, 1, 1)


def facts(*occasions: Occasion, **kwargs) -> MemberFacts:
    defaults = dict(member_id=1, member_since=LONG_AGO, observed_since=datetime.date(2024, 6, 15))
    return MemberFacts(occasions=tuple(occasions), **(defaults | kwargs))


def occ(day: datetime.date, status: str, form: str = "theme_day", n: int | None = None, **kwargs) -> Occasion:
    return Occasion(activity_id=n or day.toordinal(), day=day, theme=f"活动{day}", form=form, status=status, **kwargs)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


# --- add_months ------------------------------------------------------------------------------------


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert rules.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert rules.add_months(datetime.date(2026, 1, 15), -1) == datetime.date(2025, 12, 15)
    assert rules.add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)), st.integers(0, 36))
def test_add_months_moves_forward_by_whole_months(day, months):
    later = rules.add_months(day, months)
    assert later >= day
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day


# --- Consecutive absences --------------------------------------------------------------------------


def test_two_absences_in_a_row_are_not_yet_a_signal():
    f = facts(occ(days_ago(60), "present"), occ(days_ago(40), "absent"), occ(days_ago(20), "absent"))
    assert rules.consecutive_absences(f, TODAY) is None


def test_three_absences_in_a_row_are_a_warning_with_their_dates():
    f = facts(
        occ(days_ago(80), "present"),
        occ(days_ago(60), "absent"),
        occ(days_ago(40), "absent"),
        occ(days_ago(20), "absent"),
    )
    finding = rules.consecutive_absences(f, TODAY)
    assert finding is not None
    assert finding.level == rules.Level.WARNING
    assert finding.action == rules.Action.TALK
    assert [i.day for i in finding.items] == [days_ago(60), days_ago(40), days_ago(20)]
    assert finding.since == days_ago(60)
    assert finding.key_date == days_ago(20)
    assert finding.data == {"count": 3}


def test_attending_breaks_the_run():
    f = facts(
        occ(days_ago(60), "absent"), occ(days_ago(40), "absent"), occ(days_ago(30), "late"), occ(days_ago(20), "absent")
    )
    assert rules.consecutive_absences(f, TODAY) is None


def test_approved_leave_is_excused_neither_counted_nor_breaking_the_run():
    runs = facts(
        occ(days_ago(60), "absent"),
        occ(days_ago(50), "leave"),
        occ(days_ago(40), "absent"),
        occ(days_ago(20), "absent"),
    )
    finding = rules.consecutive_absences(runs, TODAY)
    assert finding is not None
    assert finding.data["count"] == 3
    only_leave = facts(*(occ(days_ago(d), "leave") for d in (60, 40, 20)))
    assert rules.consecutive_absences(only_leave, TODAY) is None


def test_an_accepted_make_up_is_excused_like_leave():
    f = facts(occ(days_ago(60), "absent"), occ(days_ago(40), "made_up"), occ(days_ago(20), "absent"))
    assert rules.consecutive_absences(f, TODAY) is None


def test_activities_not_yet_closed_count_neither_way():
    f = facts(*(occ(days_ago(d), "absent") for d in (60, 40, 20)), occ(days_ago(1), "expected"))
    assert rules.consecutive_absences(f, TODAY) is not None


def test_the_threshold_is_configurable():
    f = facts(occ(days_ago(40), "absent"), occ(days_ago(20), "absent"))
    assert rules.consecutive_absences(f, TODAY, replace(rules.DEFAULT_RULES, absence_threshold=2)) is not None


@pytest.mark.parametrize("kind", ["frail", "abroad", "flowing"])
def test_no_absence_signal_for_an_exempt_member(kind):
    f = facts(*(occ(days_ago(d), "absent") for d in (60, 40, 20)), situations=(Period(kind, days_ago(10)),))
    assert rules.consecutive_absences(f, TODAY) is None


def test_absences_before_an_exemption_do_not_join_those_after_it():
    f = facts(
        occ(days_ago(90), "absent"),
        occ(days_ago(80), "absent"),
        occ(days_ago(20), "absent"),
        situations=(Period("abroad", days_ago(70), days_ago(30)),),
    )
    assert rules.consecutive_absences(f, TODAY) is None


def test_after_closing_only_new_absences_count():
    f = facts(*(occ(days_ago(d), "absent") for d in (80, 60, 40, 20)))
    assert rules.consecutive_absences(f, TODAY, not_before=days_ago(50)) is None
    assert rules.consecutive_absences(f, TODAY, not_before=days_ago(85)) is not None


# --- Organisational life ---------------------------------------------------------------------------


def life(last_attended: int, missed: tuple[int, ...] = (10,), **kwargs) -> MemberFacts:
    return facts(occ(days_ago(last_attended), "present"), *(occ(days_ago(d), "absent", n=d) for d in missed), **kwargs)


@pytest.mark.parametrize(("days", "fires"), [(89, False), (90, True), (91, True)])
def test_no_organisational_life_warns_from_ninety_days(days, fires):
    finding = rules.organisational_life(life(days), TODAY)
    assert (finding is not None) == fires
    if fires:
        assert finding.level == rules.Level.WARNING
        assert finding.action == rules.Action.TALK
        assert finding.since == days_ago(days)
        assert finding.data["last"] == days_ago(days)


def test_the_alarm_comes_a_month_before_the_six_month_line_of_article_9():
    last = rules.add_months(TODAY, -5)
    day_before = life((TODAY - last).days - 1)
    assert rules.organisational_life(day_before, TODAY).level == rules.Level.WARNING
    finding = rules.organisational_life(life((TODAY - last).days), TODAY)
    assert finding.level == rules.Level.ALARM
    assert finding.action == rules.Action.VISIT
    assert finding.data["limit_on"] == rules.add_months(last, 6)
    assert finding.data["limit_passed"] is False


def test_exactly_six_months_is_the_line_of_article_9():
    last = rules.add_months(TODAY, -6)
    finding = rules.organisational_life(life((TODAY - last).days), TODAY)
    assert finding.level == rules.Level.ALARM
    assert finding.data["limit_on"] == TODAY
    assert finding.data["limit_passed"] is True
    before = rules.organisational_life(life((TODAY - last).days - 1), TODAY)
    assert before.data["limit_passed"] is False


def test_only_organisational_life_forms_count_as_taking_part():
    f = facts(
        occ(days_ago(120), "present"),
        occ(days_ago(30), "present", form="report"),  # a report meeting is study, not organisational life
        occ(days_ago(20), "absent", form="group_meeting"),
    )
    finding = rules.organisational_life(f, TODAY)
    assert finding is not None
    assert finding.since == days_ago(120)


def test_leave_does_not_count_as_taking_part():
    f = facts(occ(days_ago(120), "present"), occ(days_ago(60), "leave"), occ(days_ago(30), "leave"))
    finding = rules.organisational_life(f, TODAY)
    assert finding is not None
    assert [i.status for i in finding.items] == ["leave", "leave"]


def test_a_branch_that_held_nothing_is_not_the_members_gap():
    assert rules.organisational_life(life(200, missed=()), TODAY) is None


def test_without_any_attendance_the_clock_starts_when_the_member_joined():
    joined = days_ago(100)
    f = facts(occ(days_ago(30), "absent"), member_since=joined)
    finding = rules.organisational_life(f, TODAY)
    assert finding.since == joined
    assert finding.data["last"] is None


@pytest.mark.parametrize("kind", ["frail", "abroad", "flowing"])
def test_no_organisational_life_signal_while_exempt(kind):
    f = life(300, missed=(200, 100), situations=(Period(kind, days_ago(150)),))
    assert rules.organisational_life(f, TODAY) is None


def test_organisational_life_resumes_on_return_from_abroad():
    back = days_ago(60)
    f = life(300, missed=(30,), situations=(Period("abroad", days_ago(280), back - datetime.timedelta(days=1)),))
    assert rules.organisational_life(f, TODAY) is None  # 60 days since the return
    f = life(300, missed=(30,), situations=(Period("abroad", days_ago(280), days_ago(100)),))
    finding = rules.organisational_life(f, TODAY)
    assert finding is not None
    assert finding.since == days_ago(99)


def test_after_closing_the_alarm_still_fires_when_the_line_comes_closer():
    last = rules.add_months(TODAY, -5)
    f = life((TODAY - last).days, missed=(100, 20))
    closed = TODAY - datetime.timedelta(days=30)  # closed while it was a warning
    assert rules.organisational_life(f, TODAY, not_before=closed).level == rules.Level.ALARM
    closed_today = TODAY
    assert rules.organisational_life(f, TODAY, not_before=closed_today) is None


def test_after_closing_it_fires_again_after_another_full_period_with_a_miss():
    # Every line (90 days, five and six months) was crossed before the closing 100 days ago.
    closed = days_ago(100)
    assert rules.organisational_life(life(300, missed=(250, 50)), TODAY, not_before=closed) is not None
    assert rules.organisational_life(life(300, missed=(250,)), TODAY, not_before=closed) is None
    assert rules.organisational_life(life(300, missed=(250, 50)), TODAY, not_before=days_ago(60)) is None


def test_after_closing_a_line_crossed_later_fires_again():
    f = life(100, missed=(80, 20))  # the 90-day line was crossed 10 days ago
    assert rules.organisational_life(f, TODAY, not_before=days_ago(5)) is None
    assert rules.organisational_life(f, TODAY, not_before=days_ago(30)) is not None


# --- Study -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "fires"), [(89, False), (90, True), (91, True)])
def test_no_study_for_ninety_days_is_a_warning(days, fires):
    f = facts(last_self_study=days_ago(days))
    finding = rules.study(f, TODAY)
    assert (finding is not None) == fires
    if fires:
        assert finding.items == (Item(days_ago(days), "", "self_study"),)


def test_any_kind_of_study_counts():
    assert rules.study(facts(last_reading=days_ago(10), last_self_study=days_ago(200)), TODAY) is None
    assert rules.study(facts(occ(days_ago(10), "present", form="film"), last_self_study=days_ago(200)), TODAY) is None
    made_up = occ(days_ago(120), "made_up", made_up_on=days_ago(30))
    assert rules.study(facts(made_up), TODAY) is None
    meeting = occ(days_ago(10), "present", form="committee_meeting")
    assert rules.study(facts(meeting, last_self_study=days_ago(200)), TODAY) is not None


@pytest.mark.parametrize(("kind", "fires"), [("frail", False), ("abroad", False), ("flowing", True)])
def test_study_signal_by_exemption(kind, fires):
    f = facts(last_self_study=days_ago(200), situations=(Period(kind, days_ago(150)),))
    finding = rules.study(f, TODAY)
    assert (finding is not None) == fires
    if fires:
        assert finding.exemption == "flowing"


def test_study_clock_restarts_when_a_frail_period_ends():
    f = facts(last_self_study=days_ago(300), situations=(Period("frail", days_ago(280), days_ago(50)),))
    assert rules.study(f, TODAY) is None


# --- Talks -----------------------------------------------------------------------------------------


def test_a_talk_is_due_once_a_year():
    last = rules.add_months(TODAY, -12)
    assert rules.talk(facts(last_talk=last), TODAY) is None  # exactly a year: still within
    finding = rules.talk(facts(last_talk=last - datetime.timedelta(days=1)), TODAY)
    assert finding is not None
    assert finding.action == rules.Action.TALK
    assert finding.data["never"] is False


def test_a_member_never_talked_with_counts_from_when_talks_began_to_be_recorded():
    assert rules.talk(facts(), TODAY) is None  # the college records no talks yet
    recorded = rules.add_months(TODAY, -13)
    finding = rules.talk(facts(talks_recorded_since=recorded), TODAY)
    assert finding is not None
    assert finding.data["never"] is True
    assert finding.since == recorded
    newcomer = facts(talks_recorded_since=recorded, member_since=days_ago(100))
    assert rules.talk(newcomer, TODAY) is None


def test_a_frail_member_keeps_the_talk_signal_and_is_brought_study_at_home():
    f = facts(last_talk=days_ago(400), situations=(Period("frail", days_ago(500)),))
    finding = rules.talk(f, TODAY)
    assert finding.action == rules.Action.STUDY_AT_HOME
    assert finding.exemption == "frail"
    assert rules.suggested_action([finding]) == rules.Action.STUDY_AT_HOME


def test_a_member_abroad_is_contacted_every_half_year():
    last = rules.add_months(TODAY, -6)
    abroad = (Period("abroad", days_ago(300)),)
    assert rules.talk(facts(last_talk=last, situations=abroad), TODAY) is None
    finding = rules.talk(facts(last_talk=last - datetime.timedelta(days=1), situations=abroad), TODAY)
    assert finding is not None
    assert finding.data["months"] == 6
    assert finding.exemption == "abroad"
    assert rules.talk(facts(last_talk=last - datetime.timedelta(days=1)), TODAY) is None


def test_after_closing_the_talk_clock_restarts():
    f = facts(last_talk=days_ago(500))
    assert rules.talk(f, TODAY, not_before=days_ago(100)) is None
    assert rules.talk(f, TODAY, not_before=days_ago(400)) is not None


# --- Participation ---------------------------------------------------------------------------------


def history(previous: tuple[int, int], recent: tuple[int, int], **kwargs) -> MemberFacts:
    """`previous` = (attended, expected) in the 12 months before the last 6; `recent` likewise for the last 6."""
    occasions = [
        occ(days_ago(200 + 20 * index), "present" if index < previous[0] else "absent", n=1000 + index)
        for index in range(previous[1])
    ]
    for index in range(recent[1]):
        # Missed ones alternate leave and absence so no run of three absences forms.
        status = "present" if index < recent[0] else ("leave" if index % 2 else "absent")
        occasions.append(occ(days_ago(10 + 15 * index), status, n=2000 + index))
    return facts(*occasions, **kwargs)


def test_participation_well_below_the_members_own_history():
    finding = rules.participation(history((8, 8), (1, 4)), TODAY)
    assert finding is not None
    assert finding.data["recent_attended"] == 1
    assert finding.data["previous_attended"] == 8
    assert len(finding.items) == 3


def test_exactly_half_the_former_rate_is_not_a_signal():
    assert rules.participation(history((8, 8), (2, 4)), TODAY) is None
    assert rules.participation(history((4, 8), (1, 4)), TODAY) is None
    assert rules.participation(history((4, 8), (0, 4)), TODAY) is not None


def test_participation_needs_enough_activities_in_both_windows():
    assert rules.participation(history((8, 8), (0, 3)), TODAY) is None
    assert rules.participation(history((3, 3), (0, 4)), TODAY) is None
    assert rules.participation(history((0, 8), (0, 4)), TODAY) is None  # nothing to fall from


def test_participation_ratio_is_configurable():
    strict = replace(rules.DEFAULT_RULES, drop_ratio=Fraction(3, 4))
    assert rules.participation(history((8, 8), (2, 4)), TODAY, strict) is not None


@pytest.mark.parametrize("kind", ["frail", "abroad", "flowing"])
def test_no_participation_signal_while_exempt(kind):
    f = history((8, 8), (0, 4), situations=(Period(kind, days_ago(5)),))
    assert rules.participation(f, TODAY) is None


# --- Entries ---------------------------------------------------------------------------------------


def test_the_entry_takes_the_highest_level_and_the_most_fitting_action():
    warn = rules.Finding(rules.Signal.STUDY, rules.Level.WARNING, rules.Action.TALK, TODAY, TODAY)
    alarm = rules.Finding(rules.Signal.ORGANISATIONAL_LIFE, rules.Level.ALARM, rules.Action.VISIT, TODAY, TODAY)
    assert rules.entry_level([warn]) == rules.Level.WARNING
    assert rules.entry_level([warn, alarm]) == rules.Level.ALARM
    assert rules.suggested_action([warn, alarm]) == rules.Action.VISIT
    assert rules.suggested_action([warn]) == rules.Action.TALK


def test_evaluate_lists_every_signal_that_fires_in_a_fixed_order():
    f = facts(
        occ(days_ago(300), "present"),
        *(occ(days_ago(d), "absent") for d in (120, 60, 20)),
        last_self_study=days_ago(200),
        last_talk=days_ago(400),
    )
    assert [x.signal for x in rules.evaluate(f, TODAY)] == ["absences", "organisational_life", "study", "talk"]
    stored = rules.evaluate(f, TODAY)[1].as_dict()
    assert stored["level"] == "alarm"
    assert stored["items"][0]["day"] == days_ago(120).isoformat()


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=30))
def test_waiting_longer_never_lowers_the_organisational_life_level(days, more):
    order = {None: 0, rules.Level.WARNING: 1, rules.Level.ALARM: 2}
    f = life(days + more, missed=(0,))
    earlier = rules.organisational_life(life(days, missed=(0,)), TODAY)
    later = rules.organisational_life(f, TODAY)
    assert order[later.level if later else None] >= order[earlier.level if earlier else None]


def test_settings_override_the_defaults_and_bad_values_are_refused():
    custom = rules.rules_from_settings({"absence_threshold": 4, "drop_ratio": "0.4"})
    assert custom.absence_threshold == 4
    assert custom.drop_ratio == Fraction(2, 5)
    assert rules.rules_from_settings(None) is rules.DEFAULT_RULES
    with pytest.raises(ValueError, match="unknown"):
        rules.rules_from_settings({"nonsense": 1})
    with pytest.raises(ValueError, match="positive"):
        rules.rules_from_settings({"absence_threshold": 0})
