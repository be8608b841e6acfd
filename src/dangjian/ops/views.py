from django.http import HttpResponse
from django.shortcuts import render

from dangjian.accounts.http import AuthedRequest
from dangjian.edge.http import page
from dangjian.ops import selectors


@page
def status(request: AuthedRequest) -> HttpResponse:
    """The background worker's health for system administrators: heartbeats, the queue, failed tasks."""
    health = selectors.access_worker_health(request.user)
    return render(request, "ops/status.html", {"health": health})
