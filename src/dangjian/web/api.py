"""The dashboard API: the figures of the committee's, the branch's and a member's dashboard, scoped like
the pages."""

from django.utils import timezone
from ninja import Query, Router

from dangjian.compliance.rules import requirements as req
from dangjian.compliance.selectors import life_period
from dangjian.core.errors import DomainError
from dangjian.edge.schemas import responses
from dangjian.web import dashboards
from dangjian.web.schemas import DashboardIn, DashboardOut, MyDashboardIn, MyDashboardOut

router = Router(tags=["dashboards"])


def _month(m) -> dict:
    return {"month": m.month, "expected": m.expected, "attended": m.attended, "rate": m.rate}


def officer_figures(data: dashboards.OfficerDashboard) -> dict:
    """The officers' dashboard as the API gives it (one shape for the committee and the branch)."""
    return {
        "kind": data.kind,
        "period": data.period,
        "year": data.year,
        "branches": len(data.rows),
        "requirements": [
            {
                "requirement": c.requirement.key,
                "name": c.requirement.name,
                **{status: c.count(status) for status in req.Status.ALL},
                "met_rate": c.met_rate,
            }
            for c in data.requirement_counts
        ],
        "branches_short": [{"org": row.org, "overdue": row.overdue} for row in data.branches_short],
        "attendance": [_month(m) for m in data.attendance],
        "hours": {
            "known": data.hours_known,
            "bands": [{"band": b.band.key, "label": str(b.band.label), "members": b.count} for b in data.hours]
            if data.hours_known
            else [],
        },
        "needs": None
        if data.needs is None
        else {
            "answered_on_time": data.needs.answered_on_time,
            "answered_late": data.needs.answered_late,
            "open_in_time": data.needs.open_in_time,
            "open_overdue": data.needs.open_overdue,
            "on_time_rate": data.needs.on_time_rate,
        },
        "coverage": [
            {"org": c.org, "pairs": c.pairs, "covered": c.covered, "percent": c.percent} for c in data.coverage
        ],
        "warnings": None if data.needs is None else {"warnings": data.warnings, "alarms": data.alarms},
        "elections": [{"org": e.org, "due": e.due, "overdue": e.overdue(data.today)} for e in data.elections],
        "deadlines": [
            {"requirement": d.requirement.key, "name": d.requirement.name, "closes_on": d.closes_on, "orgs": d.orgs}
            for d in data.deadlines
        ],
    }


@router.get(
    "",
    operation_id="dashboard_get",
    response=responses({200: DashboardOut}),
    summary="The dashboard's figures",
    description=(
        "For officers who run organisational life (study rights): a committee officer gets the committee's "
        "figures, a branch officer the branch's. Organisational life is counted for the period of `period` "
        "kind containing `date` (default: this quarter); attendance, study hours, needs and talk coverage for "
        "that period's year. Counts only: no member is named or ranked. Everyone else gets 404; a bad period "
        "gets 422."
    ),
)
def dashboard_get(request, filters: Query[DashboardIn]):
    try:
        period = life_period(filters.period, filters.date)
    except DomainError as exc:
        raise DomainError(exc.message, field="period") from exc
    return officer_figures(dashboards.officer_dashboard(actor=request.auth, period=period))


@router.get(
    "/me",
    operation_id="dashboard_mine",
    response=responses({200: MyDashboardOut}),
    summary="My year",
    description=(
        "The caller's own year: study hours against the requirement, activities attended by month, and the "
        "next activities. 404 for an account without a member record; 422 for a year outside 2000–2100."
    ),
)
def dashboard_mine(request, filters: Query[MyDashboardIn]):
    data = dashboards.member_dashboard(actor=request.auth, year=filters.year, today=timezone.localdate())
    row = data.hours
    return {
        "year": data.year,
        "hours": {
            "total": row.total,
            "required": row.required,
            "gap": row.gap,
            "percent": row.percent,
            "exempt": row.exempt,
        },
        "expected": data.expected,
        "attended": data.attended,
        "attendance_rate": data.attendance_rate,
        "months": [_month(m) for m in data.months],
        "coming": [
            {
                "id": item.activity.pk,
                "theme": item.activity.theme,
                "form": item.activity.form,
                "starts_at": item.activity.starts_at,
                "ends_at": item.activity.ends_at,
                "place": item.activity.place,
            }
            for item in data.coming
        ],
    }
