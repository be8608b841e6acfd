from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import scope_for
from dangjian.edge.http import page
from dangjian.evaluation.selectors import campaigns_awaiting_my_vote
from dangjian.notices.inbox import inbox_for_request, inbox_rows
from dangjian.web import charts, selectors

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
    return render(request, HOME_TEMPLATES[data.kind], context)


@page
def menu(request: AuthedRequest) -> HttpResponse:
    """Everything in the navigation, for a phone, whose bottom bar shows only a few items."""
    inbox_for_request(request)  # the list shows the 待办 count itself (the navigation then needs no request for it)
    return render(request, "web/menu.html")
