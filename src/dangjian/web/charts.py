"""The homes' charts, built from the same selector objects as the tables beside them."""

from dataclasses import fields, replace

from django.utils.translation import gettext as _

from dangjian.edge.charts import Chart, Series
from dangjian.orgs.selectors import OrgSummary
from dangjian.web.selectors import FormCount, MonthAttendance


def _month(month) -> str:
    """A month's short name: the period is at most a semester, so the year goes without saying."""
    return _("Month %(month)s") % {"month": month.month}


def attendance_chart(attendance: list[MonthAttendance], *, key: str = "attendance") -> Chart:
    rates = [m.rate for m in attendance]
    held = [r for r in rates if r is not None]
    summary = (
        _("Attendance by month: from %(low)s%% to %(high)s%%.") % {"low": min(held), "high": max(held)} if held else ""
    )
    return Chart(
        key=key,
        title=_("Attendance by month"),
        kind="bar",
        categories=[_month(m.month) for m in attendance],
        series=[Series(_("Attendance rate"), rates)],
        summary=summary,
        unit="%",
        max_value=100,
    )


def forms_chart(forms: list[FormCount], *, key: str = "forms") -> Chart:
    total = sum(f.count for f in forms)
    return Chart(
        key=key,
        title=_("Activities by form"),
        kind="hbar",  # the forms' names are long: a pie would cut them short
        categories=[f.label for f in forms],
        series=[Series(_("Activities"), [f.count for f in forms])],
        summary=_("%(total)s activities in %(forms)s forms.") % {"total": total, "forms": len(forms)},
    )


def hours_chart(rows: list[tuple[OrgSummary, int | None]], *, key: str = "hours") -> Chart:
    known = [(summary, percent) for summary, percent in rows if percent is not None]
    return Chart(
        key=key,
        title=_("Study hours progress by branch"),
        kind="hbar",
        categories=[summary.org.name for summary, _percent in known],
        series=[Series(_("Average progress"), [percent for _summary, percent in known])],
        summary=_("Each branch's members' average progress toward this year's study hours."),
        unit="%",
        max_value=100,
    )


# --- The dashboards' charts ---------------------------------------------------------------------------

# A horizontal bar of 100% carries its label past the bar's end: leave room for "100%".
ROOM_FOR_PERCENT = {"grid": {"left": 8, "right": 48, "top": 24, "bottom": 8}}


class ScreenChart(Chart):
    """The same chart with text large enough to read across the committee's office (the big screen)."""

    def option(self) -> dict:
        option = super().option()
        for axis in ("xAxis", "yAxis"):
            if axis in option:
                option[axis] = {**option[axis], "axisLabel": {**option[axis].get("axisLabel", {}), "fontSize": 16}}
        for series in option["series"]:
            series["label"] = {**series.get("label", {}), "fontSize": 18}
        if "grid" in option:
            option["grid"] = {**option["grid"], "right": max(option["grid"].get("right", 0), 64)}
        return option


def for_screen(chart: Chart) -> Chart:
    return ScreenChart(**{f.name: getattr(chart, f.name) for f in fields(chart)})


def requirements_chart(counts, *, key: str = "requirements", extra: dict | None = None) -> Chart:
    """Per requirement, the share of the branches that met it (or were excused) among those where it is decided."""
    known = [c for c in counts if c.met_rate is not None]
    return Chart(
        key=key,
        title=_("Branches meeting each requirement"),
        kind="hbar",
        categories=[str(c.requirement.name) for c in known],
        series=[Series(_("Met or excused"), [c.met_rate for c in known])],
        summary=_(
            "For each requirement, the share of the branches that met it or were excused, among those that met it, "
            "were excused or are overdue; branches still within the period are not counted."
        ),
        unit="%",
        max_value=100,
        extra=ROOM_FOR_PERCENT | (extra or {}),
    )


def year_attendance_chart(attendance: list[MonthAttendance], *, key: str = "attendance", extra=None) -> Chart:
    chart = attendance_chart(attendance, key=key)
    return replace(chart, title=_("Attendance by month this year"), extra=extra or {})


def hours_bands_chart(bands, *, key: str = "hours-bands", extra: dict | None = None) -> Chart:
    """How many members stand in each band of progress toward this year's study hours: no names."""
    total = sum(b.count for b in bands)
    return Chart(
        key=key,
        title=_("Study hours: members by progress"),
        kind="hbar",  # the bands' names are long: side by side they would overlap
        categories=[str(b.band.label) for b in bands],
        series=[Series(_("Members"), [b.count for b in bands])],
        summary=_("%(total)s members by their progress toward this year's required study hours.") % {"total": total},
        extra=extra or {},
    )


def needs_chart(needs, *, key: str = "needs", extra: dict | None = None) -> Chart:
    """Needs submitted this year: answered on time, answered late, open in time, open overdue."""
    return Chart(
        key=key,
        title=_("Needs answered on time"),
        kind="hbar",  # a pie's labels are cut short on a phone
        categories=[_("Answered on time"), _("Answered late"), _("Open, in time"), _("Open, overdue")],
        series=[
            Series(_("Needs"), [needs.answered_on_time, needs.answered_late, needs.open_in_time, needs.open_overdue])
        ],
        summary=_("%(total)s needs submitted this year; %(on_time)s answered on time, %(late)s late.")
        % {"total": needs.total, "on_time": needs.answered_on_time, "late": needs.answered_late},
        extra=extra or {},
    )


def coverage_chart(coverage, *, key: str = "coverage", extra: dict | None = None) -> Chart:
    """Each branch's share of officer–member pairs who have talked this year (支部条例 Art.19)."""
    known = [c for c in coverage if c.percent is not None]
    return Chart(
        key=key,
        title=_("Heart-to-heart talk coverage"),
        kind="hbar",
        categories=[c.org.name for c in known],
        series=[Series(_("Pairs who have talked"), [c.percent for c in known])],
        summary=_("Each branch's share of officer–member pairs who have talked this year."),
        unit="%",
        max_value=100,
        extra=ROOM_FOR_PERCENT | (extra or {}),
    )
