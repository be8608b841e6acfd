from django.http import HttpResponse
from django.shortcuts import render

from dangjian.accounts.http import AuthedRequest
from dangjian.edge.http import page
from dangjian.ops import selectors


@page
def status(request: AuthedRequest) -> HttpResponse:
    """The system's health for administrators: the worker's heartbeats, the queue, failed tasks, the last backup."""
    health = selectors.access_worker_health(request.user)
    backups = selectors.access_backup_status(request.user)
    return render(request, "ops/status.html", {"health": health, "backups": backups})
