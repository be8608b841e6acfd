from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import scope_for
from dangjian.compliance.forms import LifeFilterForm
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.selectors import life_period
from dangjian.core.errors import NotFound
from dangjian.edge.http import page
from dangjian.edge.paging import paginate
from dangjian.evaluation.selectors import campaigns_awaiting_my_vote
from dangjian.notices.inbox import inbox_for_request, inbox_rows
from dangjian.notices.selectors import home_announcements
from dangjian.web import charts, dashboards, selectors

HOME_TEMPLATES = {
    selectors.COMMITTEE: "web/home_committee.html",
    selectors.BRANCH: "web/home_branch.html",
    selectors.MEMBER: "web/home_member.html",
}


HOME_INBOX_ITEMS = 5  # the top of the to-do inbox on the home page


@page
def home(request: AuthedRequest) -> HttpResponse:
    data = selectors.home_for(actor=request.user)
    context = {
        "home": data,
        "my_member_id": scope_for(request.user).member_id,
        "care": selectors.care_summary(actor=request.user),
        "to_vote": list(campaigns_awaiting_my_vote(actor=request.user)),
    }
    todos = inbox_for_request(request)
    context["inbox_count"] = len(todos)
    context["inbox_top"] = inbox_rows(todos[:HOME_INBOX_ITEMS], timezone.localdate())
    if isinstance(data, selectors.CommitteeHome):
        context["charts"] = [
            charts.attendance_chart(data.attendance),
            charts.forms_chart(data.forms),
            charts.hours_chart(data.branch_rows),
        ]
    elif isinstance(data, selectors.BranchHome):
        context["charts"] = [charts.attendance_chart(data.attendance)]
    else:
        context["announcements"] = home_announcements(actor=request.user)
    return render(request, HOME_TEMPLATES[data.kind], context)


@page
def menu(request: AuthedRequest) -> HttpResponse:
    """Everything in the navigation, for a phone, whose bottom bar shows only a few items."""
    inbox_for_request(request)  # the list shows the 待办 count itself (the navigation then needs no request for it)
    return render(request, "web/menu.html")


# --- Dashboards (看板) -------------------------------------------------------------------------------

# The big screen fetches its figures again this often, in seconds (htmx polling: no inline script under the CSP).
SCREEN_REFRESH_SECONDS = 300


def _life_period(request: AuthedRequest) -> tuple[LifeFilterForm, req.ReportingPeriod]:
    """The period chosen on the page, as compliance's matrix takes it (default: this quarter)."""
    form = LifeFilterForm(request.GET or None)
    kind, day = form.chosen() if form.is_bound else ("quarter", timezone.localdate())
    return form, life_period(kind, day)


def _query(period: req.ReportingPeriod) -> str:
    return urlencode({"period": period.kind, "date": period.starts_on.isoformat()})


def officer_charts(data: dashboards.OfficerDashboard, *, screen: bool = False) -> dict:
    found = {
        "requirements": charts.requirements_chart(data.requirement_counts),
        "attendance": charts.year_attendance_chart(data.attendance),
        "hours": charts.hours_bands_chart(data.hours) if data.hours_known else None,
        "needs": charts.needs_chart(data.needs) if data.needs is not None else None,
        "coverage": charts.coverage_chart(data.coverage) if data.needs is not None else None,
    }
    return {key: charts.for_screen(c) if screen else c for key, c in found.items() if c is not None}


DASHBOARD_ROWS = 20  # branches per page of the matrix on the dashboard


@page
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The committee's or the branch's dashboard for officers who run organisational life; a member's own
    year for everyone else with a member record."""
    kind = dashboards.dashboard_kind(request.user)
    if kind == dashboards.MEMBER:
        data = dashboards.member_dashboard(actor=request.user)
        return render(request, "web/dashboard_member.html", {"dash": data})
    if kind is None:
        raise NotFound()
    form, period = _life_period(request)
    data = dashboards.officer_dashboard(actor=request.user, period=period)
    page_obj = paginate(request, data.rows, per_page=DASHBOARD_ROWS)
    context = {
        "dash": data,
        "form": form,
        "period": period,
        "query": _query(period),
        "previous_query": _query(period.previous()),
        "next_query": _query(period.next()),
        "charts": officer_charts(data),
        "page_obj": page_obj,
    }
    return render(request, "web/dashboard.html", context)


@page
@require_GET
def dashboard_screen(request: AuthedRequest) -> HttpResponse:
    """The big screen (大屏) for the committee's office: dark, 1920×1080, reloading itself; committee
    officers only."""
    if dashboards.dashboard_kind(request.user) != dashboards.COMMITTEE:
        raise NotFound()
    data = dashboards.officer_dashboard(actor=request.user)
    context = {
        "dash": data,
        "period": data.period,
        "charts": officer_charts(data, screen=True),
        "refresh": SCREEN_REFRESH_SECONDS,
        "now": timezone.localtime(),
    }
    return render(request, "web/dashboard_screen.html", context)
