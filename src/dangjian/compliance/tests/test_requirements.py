"""The requirements of organisational life: periods, applicability, the check, versions and overrides."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.compliance import rules
from dangjian.compliance.rules.requirements import (
    REGULATIONS_2018,
    Excuse,
    HeldActivity,
    OrganisationFacts,
    PeriodKind,
    Status,
    Variant,
    check,
    check_all,
    period_of,
    periods_between,
    requirement_set,
)

D = datetime.date
dates = st.dates(min_value=D(2000, 2, 1), max_value=D(2099, 11, 30))
kinds = st.sampled_from(PeriodKind.ALL)
BRANCH = OrganisationFacts(kind="branch", full_members=12, founded_on=D(2010, 1, 1))
SMALL_BRANCH = OrganisationFacts(kind="branch", full_members=6, founded_on=D(2010, 1, 1))
GROUP = OrganisationFacts(kind="group", full_members=5)


def held(day: datetime.date, form: str = "committee_meeting", n: int | None = None, **kwargs) -> HeldActivity:
    return HeldActivity(id=n or day.toordinal(), form=form, held_on=day, **kwargs)


# --- Periods -------------------------------------------------------------------------------------


def test_periods_at_their_edges():
    assert period_of("month", D(2024, 2, 10)) == rules.requirements.ReportingPeriod(
        D(2024, 2, 1), D(2024, 2, 29), "month"
    )
    assert (period_of("quarter", D(2026, 12, 31)).starts_on, period_of("quarter", D(2026, 12, 31)).ends_on) == (
        D(2026, 10, 1),
        D(2026, 12, 31),
    )
    spring = period_of("semester", D(2026, 7, 31))
    assert (spring.starts_on, spring.ends_on) == (D(2026, 2, 1), D(2026, 7, 31))
    autumn = period_of("semester", D(2027, 1, 31))
    assert (autumn.starts_on, autumn.ends_on) == (D(2026, 8, 1), D(2027, 1, 31))
    assert period_of("semester", D(2026, 8, 1)) == autumn
    assert period_of("year", D(2026, 6, 1)).ends_on == D(2026, 12, 31)


def test_unknown_period_kind_is_refused():
    with pytest.raises(ValueError, match="未知的周期类型"):
        period_of("week", D(2026, 1, 1))


@given(dates, kinds)
def test_every_date_falls_in_its_period_and_no_neighbour(day, kind):
    period = period_of(kind, day)
    assert period.contains(day)
    assert not period.next().contains(day)
    assert not period.previous().contains(day)
    assert period_of(kind, period.starts_on) == period == period_of(kind, period.ends_on)


@given(dates, kinds)
def test_a_period_closes_the_day_before_the_next_opens(day, kind):
    period = period_of(kind, day)
    assert period.closes_on + datetime.timedelta(days=1) == period.next().starts_on
    assert period.next().previous() == period
    assert period.previous().next() == period


@given(dates, kinds)
def test_periods_tile_whole_months(day, kind):
    period = period_of(kind, day)
    assert period.starts_on.day == 1
    months = (period.ends_on.year - period.starts_on.year) * 12 + period.ends_on.month - period.starts_on.month + 1
    assert months == PeriodKind.MONTHS[kind]


def test_period_labels_are_readable():
    assert period_of("month", D(2026, 5, 1)).label == "2026年5月"
    assert period_of("quarter", D(2026, 5, 1)).label == "2026年第2季度"
    assert period_of("semester", D(2027, 1, 9)).label == "2026年秋季学期"
    assert period_of("semester", D(2026, 3, 1)).label == "2026年春季学期"
    assert period_of("year", D(2026, 3, 1)).label == "2026年"
    own = rules.requirements.semester_period(D(2026, 2, 23), D(2026, 7, 12))
    assert own.label == "学期（2026-02-23 至 2026-07-12）"


def test_a_committees_own_semester_is_checked_as_a_period():
    university = requirement_set(variant=Variant.UNIVERSITY).get("lecture")
    own = rules.requirements.semester_period(D(2026, 2, 23), D(2026, 7, 12))
    lectures = [held(D(2026, 2, 20), form="lecture"), held(D(2026, 3, 2), form="lecture")]
    result = check(university, BRANCH, own, lectures, D(2026, 7, 13))
    assert result.status == Status.OVERDUE
    assert result.closes_on == D(2026, 7, 12)
    assert result.missing_text == "还差 1 次党课"


# --- Applicability -------------------------------------------------------------------------------


def test_a_branch_of_seven_full_members_holds_committee_meetings_and_six_do_not():
    req = REGULATIONS_2018.get("committee_meeting")
    period = period_of("month", D(2026, 3, 1))
    seven = OrganisationFacts(kind="branch", full_members=7)
    assert check(req, seven, period, [], D(2026, 3, 5)).status == Status.DUE
    small = check(req, SMALL_BRANCH, period, [], D(2026, 5, 5))
    assert small.status == Status.NOT_APPLICABLE
    assert small.missing == 0
    assert small.reasons[0]
    assert "committee_meeting" in {r.key for r in REGULATIONS_2018.applicable(seven, D(2026, 3, 1))}
    assert "committee_meeting" not in {r.key for r in REGULATIONS_2018.applicable(SMALL_BRANCH, D(2026, 3, 1))}


def test_requirements_fit_their_kind_of_organisation():
    day = D(2026, 3, 1)
    assert {r.key for r in REGULATIONS_2018.applicable(GROUP, day)} == {"group_meeting"}
    committee = OrganisationFacts(kind="committee", full_members=300)
    assert {r.key for r in REGULATIONS_2018.applicable(committee, day)} == {"committee_secretary_lecture"}
    assert "group_meeting" not in {r.key for r in REGULATIONS_2018.applicable(BRANCH, day)}


def test_not_applicable_before_the_branch_was_founded_or_the_rule_took_effect():
    req = REGULATIONS_2018.get("theme_day")
    young = OrganisationFacts(kind="branch", full_members=10, founded_on=D(2026, 5, 20))
    assert check(req, young, period_of("month", D(2026, 4, 1)), [], D(2026, 6, 1)).status == Status.NOT_APPLICABLE
    # Founded mid-month: applicable (an officer may excuse that month).
    assert check(req, young, period_of("month", D(2026, 5, 1)), [], D(2026, 6, 1)).status == Status.OVERDUE
    assert check(req, BRANCH, period_of("month", D(2018, 9, 1)), [], D(2026, 6, 1)).status == Status.NOT_APPLICABLE


# --- The check -----------------------------------------------------------------------------------


def test_met_due_overdue_and_excused():
    req = REGULATIONS_2018.get("committee_meeting")
    march = period_of("month", D(2026, 3, 1))
    done = check(req, BRANCH, march, [held(D(2026, 3, 31))], D(2026, 3, 31))
    assert done.status == Status.MET
    assert done.missing == 0
    assert [a.id for a in done.counted] == [D(2026, 3, 31).toordinal()]
    due = check(req, BRANCH, march, [], D(2026, 3, 31))
    assert due.status == Status.DUE
    assert due.closes_on == D(2026, 3, 31)
    assert due.missing == 1
    overdue = check(req, BRANCH, march, [], D(2026, 4, 1))
    assert overdue.status == Status.OVERDUE
    excused = check(req, BRANCH, march, [], D(2026, 4, 1), excuse=Excuse(reason="暑假"))
    assert excused.status == Status.EXCUSED
    assert excused.excuse.reason == "暑假"
    assert any("暑假" in line for line in excused.reasons)
    # Met wins over an excuse.
    assert check(req, BRANCH, march, [held(D(2026, 3, 2))], D(2026, 4, 1), excuse=Excuse("x")).status == Status.MET


def test_missing_reads_as_a_user_reads_it():
    req = REGULATIONS_2018.get("committee_meeting")
    result = check(req, BRANCH, period_of("month", D(2026, 3, 1)), [], D(2026, 4, 1))
    assert result.missing_text == "还差 1 次支委会"
    assert result.reasons == ("2026年3月已开展0次，应开展1次。", "还差 1 次支委会", "本周期已于2026-03-31截止。")


def test_the_life_meeting_is_due_in_the_year_and_normally_held_in_the_fourth_quarter():
    req = REGULATIONS_2018.get("life_meeting")
    year = period_of("year", D(2026, 1, 1))
    due = check(req, BRANCH, year, [], D(2026, 11, 1))
    assert due.status == Status.DUE
    assert "一般在第4季度召开。" in due.reasons
    held_in_march = [held(D(2026, 3, 1), form="life_meeting")]
    assert check(req, BRANCH, year, held_in_march, D(2026, 3, 1)).status == Status.MET


def test_only_held_activities_of_the_right_form_in_the_period_count():
    req = REGULATIONS_2018.get("committee_meeting")
    march = period_of("month", D(2026, 3, 1))
    activities = [
        held(D(2026, 2, 28)),  # before
        held(D(2026, 4, 1)),  # after
        held(D(2026, 3, 10), form="theme_day"),  # wrong form
        held(D(2026, 3, 20)),  # not held yet on the 15th
    ]
    assert check(req, BRANCH, march, activities, D(2026, 3, 15)).counted == ()
    assert len(check(req, BRANCH, march, activities, D(2026, 3, 20)).counted) == 1


def test_the_same_activity_counts_once():
    req = REGULATIONS_2018.get("committee_meeting")
    a = held(D(2026, 3, 3), n=7)
    result = check(req, BRANCH, period_of("month", D(2026, 3, 1)), [a, a], D(2026, 3, 3))
    assert len(result.counted) == 1


def test_only_the_secretarys_own_lecture_counts_for_the_secretary_lecture():
    req = REGULATIONS_2018.get("secretary_lecture")
    year = period_of("year", D(2026, 1, 1))
    other = held(D(2026, 5, 1), form="lecture")
    assert check(req, BRANCH, year, [other], D(2027, 1, 1)).status == Status.OVERDUE
    own = held(D(2026, 11, 1), form="lecture", by_secretary=True)
    assert check(req, BRANCH, year, [other, own], D(2027, 1, 1)).status == Status.MET


def test_a_period_of_the_wrong_kind_is_refused():
    with pytest.raises(ValueError, match="按月统计"):
        check(REGULATIONS_2018.get("theme_day"), BRANCH, period_of("year", D(2026, 1, 1)), [], D(2026, 1, 1))


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=D(2025, 12, 1), max_value=D(2026, 8, 31)), st.sampled_from(["lecture", "theme_day"])
        ),
        max_size=8,
    ),
    st.dates(min_value=D(2025, 12, 1), max_value=D(2026, 12, 31)),
    st.sampled_from([Variant.STANDARD, Variant.UNIVERSITY]),
)
def test_met_if_and_only_if_enough_activities_counted(items, today, variant):
    req = requirement_set(variant=variant).get("lecture")
    period = period_of(req.period, D(2026, 3, 15))
    activities = [HeldActivity(id=i, form=form, held_on=day) for i, (day, form) in enumerate(items)]
    result = check(req, BRANCH, period, activities, today)
    expected = sum(1 for a in activities if a.form == "lecture" and period.contains(a.held_on) and a.held_on <= today)
    assert len(result.counted) == expected
    assert (result.status == Status.MET) == (expected >= req.times)
    if result.status != Status.MET:
        assert result.status == (Status.OVERDUE if today > period.ends_on else Status.DUE)
        assert result.missing == req.times - expected


# --- Versions, variants and overrides ------------------------------------------------------------


def test_the_2018_set_lists_every_requirement_with_a_citation_and_date():
    assert set(REGULATIONS_2018.keys()) >= {
        "general_meeting",
        "committee_meeting",
        "group_meeting",
        "lecture",
        "secretary_lecture",
        "theme_day",
        "life_meeting",
        "evaluation",
    }
    for req in REGULATIONS_2018.requirements:
        assert "条例" in req.citation
        assert "第" in req.citation
        assert req.effective_on == D(2018, 10, 28)
        assert req.name
        assert req.cadence
    assert REGULATIONS_2018.get("general_meeting").period == "quarter"
    assert REGULATIONS_2018.get("life_meeting").usual_quarter == 4
    assert {m.where for m in rules.requirements.MEASURED_ELSEWHERE} == {"care", "orgs", "study"}


def test_the_university_variant_asks_for_two_lectures_a_semester():
    standard = requirement_set().get("lecture")
    university = requirement_set(variant=Variant.UNIVERSITY).get("lecture")
    assert (standard.period, standard.times) == ("quarter", 1)
    assert (university.period, university.times) == ("semester", 2)
    spring = period_of("semester", D(2026, 3, 1))
    one = [held(D(2026, 3, 1), form="lecture")]
    two = one + [held(D(2026, 6, 1), form="lecture")]
    assert check(university, BRANCH, spring, one, D(2026, 8, 1)).status == Status.OVERDUE
    assert check(university, BRANCH, spring, two, D(2026, 8, 1)).status == Status.MET
    # Other requirements are untouched.
    assert requirement_set(variant=Variant.UNIVERSITY).get("theme_day") == standard_theme_day()


def standard_theme_day():
    return requirement_set().get("theme_day")


def test_a_committee_overrides_a_number_as_data():
    custom = requirement_set(overrides={"committee_meeting": {"times": "2", "min_full_members": 9}})
    req = custom.get("committee_meeting")
    assert (req.times, req.min_full_members) == (2, 9)
    assert custom.get("general_meeting") == REGULATIONS_2018.get("general_meeting")
    march = period_of("month", D(2026, 3, 1))
    assert check(req, BRANCH, march, [held(D(2026, 3, 2))], D(2026, 4, 1)).status == Status.OVERDUE
    eight = OrganisationFacts(kind="branch", full_members=8)
    assert check(req, eight, march, [], D(2026, 4, 1)).status == Status.NOT_APPLICABLE
    assert custom.overrides == {"committee_meeting": {"times": "2", "min_full_members": 9}}


@pytest.mark.parametrize(
    ("version", "variant", "overrides"),
    [
        ("1990", "", None),
        ("2018", "college", None),
        ("2018", "", {"no_such_rule": {"times": 1}}),
        ("2018", "", {"lecture": {"citation": "x"}}),
        ("2018", "", {"lecture": {"times": 0}}),
        ("2018", "", {"lecture": {"times": "two"}}),
        ("2018", "", {"lecture": {"times": True}}),
        ("2018", "", {"lecture": {"period": "week"}}),
        ("2018", "", {"lecture": {"forms": []}}),
        ("2018", "", {"lecture": {"forms": "lecture"}}),
    ],
)
def test_bad_overrides_are_refused_with_a_message(version, variant, overrides):
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):  # a message in Chinese
        requirement_set(version, variant, overrides)


def test_the_early_warning_names_are_still_exported():
    assert rules.evaluate is rules.warning.evaluate
    assert rules.WarningRules is rules.warning.WarningRules
    assert rules.Period is rules.warning.Period


# --- Several periods and requirements at once ----------------------------------------------------


@given(dates, dates, kinds)
def test_periods_between_cover_the_range_without_gaps(a, b, kind):
    first, last = min(a, b), max(a, b)
    periods = periods_between(kind, first, last)
    assert periods[0].contains(first)
    assert periods[-1].contains(last)
    for before, after in zip(periods, periods[1:], strict=False):
        assert before.next() == after


def test_periods_between_a_year_are_its_twelve_months():
    months = periods_between("month", D(2026, 1, 1), D(2026, 12, 31))
    assert len(months) == 12
    assert periods_between("month", D(2026, 2, 1), D(2026, 1, 1)) == ()


def test_check_all_checks_each_requirement_in_its_own_period():
    activities = [
        held(D(2026, 5, 8), form="committee_meeting"),
        held(D(2026, 4, 20), form="general_meeting"),
        held(D(2026, 5, 9), form="theme_day"),
    ]

    def summer(requirement, period):
        return Excuse("暑假") if requirement.key == "lecture" else None

    results = {
        r.requirement.key: r
        for r in check_all(REGULATIONS_2018, BRANCH, D(2026, 5, 15), activities, D(2026, 7, 1), summer)
    }
    assert set(results) == set(REGULATIONS_2018.keys())
    assert results["committee_meeting"].status == Status.MET
    assert results["general_meeting"].status == Status.MET
    assert results["general_meeting"].period == period_of("quarter", D(2026, 4, 1))
    assert results["theme_day"].status == Status.MET
    assert results["lecture"].status == Status.EXCUSED
    assert results["life_meeting"].status == Status.DUE
    assert results["group_meeting"].status == Status.NOT_APPLICABLE
