"""The homes' charts, built from the same selector objects as the tables beside them."""

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
