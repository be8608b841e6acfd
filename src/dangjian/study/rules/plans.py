"""Semesters, plan items and the forms of organisational life. Pure rules: no ORM.

Forms are referred to by their stored values (see `study.models.Form`), so these rules need no model.
"""

import datetime

from django.utils.translation import gettext_lazy as _

# A semester with its winter or summer holiday is about half a year; a year is the sane upper bound.
MAX_SEMESTER_DAYS = 366

# --- 三会一课 and the other statutory forms (支部工作条例（试行）, 2018) -----------------------------

GENERAL_MEETING = "general_meeting"  # 支部党员大会: normally once a quarter (Art.11)
COMMITTEE_MEETING = "committee_meeting"  # 支部委员会会议: normally monthly (Art.12)
GROUP_MEETING = "group_meeting"  # 党小组会: normally monthly (Art.13)
LECTURE = "lecture"  # 党课: members attend on time (Art.16)
THEME_DAY = "theme_day"  # 主题党日: one fixed day a month (Art.17; 教育管理条例 Art.16)
LIFE_MEETING = "life_meeting"  # 组织生活会: at least once a year, normally in Q4 (Art.18)

# 三会: the three meetings (Art.11–13); 一课: the Party lecture (Art.16).
THREE_MEETINGS = frozenset({GENERAL_MEETING, COMMITTEE_MEETING, GROUP_MEETING})
ONE_LESSON = frozenset({LECTURE})

ARTICLES = {
    GENERAL_MEETING: "支部条例第十一条",
    COMMITTEE_MEETING: "支部条例第十二条",
    GROUP_MEETING: "支部条例第十三条",
    LECTURE: "支部条例第十六条",
    THEME_DAY: "支部条例第十七条",
    LIFE_MEETING: "支部条例第十八条",
}

MEETING = "meeting"
LESSON = "lesson"


def sanhui_yike(form: str) -> str | None:
    """Which part of 三会一课 a form counts as: "meeting", "lesson", or None (支部条例 Art.11–16)."""
    if form in THREE_MEETINGS:
        return MEETING
    if form in ONE_LESSON:
        return LESSON
    return None


def counts_as_sanhui_yike(form: str) -> bool:
    return sanhui_yike(form) is not None


def article_for(form: str) -> str:
    """The article of the 支部条例 that requires this form, or "" for forms it does not name."""
    return ARTICLES.get(form, "")


# --- Dates ------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    first_of_next = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first_of_next - datetime.timedelta(days=1)


def semester_months(starts_on: datetime.date, ends_on: datetime.date) -> list[datetime.date]:
    """The first day of every month the semester touches, in order."""
    months, month = [], month_start(starts_on)
    while month <= ends_on:
        months.append(month)
        month = month_end(month) + datetime.timedelta(days=1)
    return months


def semester_problems(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    teaching_starts_on: datetime.date | None = None,
    exams_start_on: datetime.date | None = None,
) -> list[tuple[str, str]]:
    """What is wrong with a semester's dates, as (field, message); empty when they are sane."""
    problems: list[tuple[str, str]] = []
    if ends_on <= starts_on:
        problems.append(("ends_on", str(_("The semester must end after it starts."))))
        return problems
    if (ends_on - starts_on).days + 1 > MAX_SEMESTER_DAYS:
        problems.append(("ends_on", str(_("A semester cannot last more than a year."))))
    if teaching_starts_on is not None and not starts_on <= teaching_starts_on <= ends_on:
        problems.append(("teaching_starts_on", str(_("Teaching must start within the semester."))))
    if exams_start_on is not None:
        if not starts_on <= exams_start_on <= ends_on:
            problems.append(("exams_start_on", str(_("Exams must start within the semester."))))
        elif teaching_starts_on is not None and exams_start_on <= teaching_starts_on:
            problems.append(("exams_start_on", str(_("Exams must start after teaching starts."))))
    return problems


def ranges_overlap(a_start: datetime.date, a_end: datetime.date, b_start: datetime.date, b_end: datetime.date) -> bool:
    """Whether two inclusive date ranges share a day (a semester's end date is its last day)."""
    return a_start <= b_end and b_start <= a_end


def month_in_semester(month: datetime.date, starts_on: datetime.date, ends_on: datetime.date) -> bool:
    """Whether the month holding `month` shares at least one day with the semester."""
    return ranges_overlap(month_start(month), month_end(month), starts_on, ends_on)


def plan_item_problems(
    *,
    month: datetime.date,
    planned_on: datetime.date | None,
    semester_starts_on: datetime.date,
    semester_ends_on: datetime.date,
    planned_minutes: int = 0,
) -> list[tuple[str, str]]:
    """What is wrong with a plan item's timing, as (field, message): it must fall inside its semester."""
    problems: list[tuple[str, str]] = []
    if not month_in_semester(month, semester_starts_on, semester_ends_on):
        problems.append(("month", str(_("The month lies outside the semester."))))
    if planned_on is not None:
        if not semester_starts_on <= planned_on <= semester_ends_on:
            problems.append(("planned_on", str(_("The planned date lies outside the semester."))))
        elif month_start(planned_on) != month_start(month):
            problems.append(("planned_on", str(_("The planned date must fall in the item's month."))))
    if planned_minutes < 0:
        problems.append(("planned_minutes", str(_("The planned length cannot be negative."))))
    return problems


# --- The working-day calendar -------------------------------------------------------------------

HOLIDAY = "holiday"
WORKDAY = "workday"


def calendar_day_problem(day: datetime.date, kind: str) -> str | None:
    """A make-up working day (调休) only makes sense on a weekend; a holiday may fall on any day."""
    if kind == WORKDAY and day.weekday() < 5:
        return str(_("A make-up working day must be a Saturday or a Sunday."))
    if kind not in (HOLIDAY, WORKDAY):
        return str(_("Choose a holiday or a make-up working day."))
    return None


# --- Publishing ---------------------------------------------------------------------------------

# A committee's "every branch" items become required items of each branch below it.
PUSHING_KINDS = frozenset({"committee"})
RECEIVING_KIND = "branch"
PLAN_KINDS = frozenset({"committee", "general_branch", "branch"})


def pushes_down(org_kind: str, organiser: str) -> bool:
    """Whether a plan item of an organisation of this kind is copied into every branch's plan."""
    return org_kind in PUSHING_KINDS and organiser == "every_branch"
