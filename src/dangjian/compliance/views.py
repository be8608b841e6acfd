"""Early-warning pages, for officers who look after members (`Perm.MANAGE_CARE`) only."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.compliance import selectors, services
from dangjian.compliance.forms import CLOSE_FORMS, ActionCloseForm, ReasonCloseForm, TalkCloseForm
from dangjian.compliance.models import EntryStatus, WarningEntry
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate

PERM = Perm.MANAGE_CARE


@page(perm=PERM)
@require_GET
def warning_overview(request: AuthedRequest) -> HttpResponse:
    """The branches of the actor's scope with their open entries; one branch goes straight to its list."""
    counts = selectors.branch_overview(actor=request.user)
    if len(counts) == 1:
        return redirect("compliance:warning-list", org_id=counts[0].org.pk)
    return render(request, "compliance/warning_overview.html", {"counts": counts})


def _rows(entries, today) -> list[dict]:
    return [
        {
            "entry": entry,
            "reasons": selectors.describe_entry(entry, today),
            "open_days": selectors.open_days(entry, today),
        }
        for entry in entries
    ]


@page(perm=PERM)
@require_GET
def warning_list(request: AuthedRequest, org_id: int) -> HttpResponse:
    branch = selectors.access_branch(request.user, org_id)
    today = timezone.localdate()
    entries = list(selectors.warning_list(actor=request.user, org=branch))
    context = {
        "branch": branch,
        "rows": _rows(entries, today),
        "alarms": sum(1 for e in entries if e.level == "alarm"),
        "several_branches": len(selectors.care_branches(request.user)) > 1,
    }
    return render(request, "compliance/warning_list.html", context)


@page(perm=PERM)
@require_GET
@vary_on_headers("HX-Request")
def warning_history(request: AuthedRequest, org_id: int) -> HttpResponse:
    branch = selectors.access_branch(request.user, org_id)
    page_obj = paginate(request, selectors.warning_list(actor=request.user, org=branch, status=EntryStatus.CLOSED))
    context = {"branch": branch, "page_obj": page_obj, "rows": _rows(page_obj.object_list, timezone.localdate())}
    template = "compliance/warning_history.html"
    if request.htmx and request.htmx.target == "history-results":
        template += "#results"
    return render(request, template, context)


@page(perm=PERM)
@require_POST
def warning_refresh(request: AuthedRequest, org_id: int) -> HttpResponse:
    branch = selectors.access_branch(request.user, org_id)
    result = services.warnings_refresh_for(actor=request.user, org=branch)
    messages.success(
        request,
        _("The list has been checked: %(opened)d new, %(updated)d updated, %(cleared)d no longer signalled.")
        % {"opened": result.opened, "updated": result.updated, "cleared": result.cleared},
    )
    return redirect("compliance:warning-list", org_id=branch.pk)


def _forms(entry: WarningEntry, request: AuthedRequest, bound: str = "") -> dict:
    officers = selectors.talk_officers(entry)
    mine = request.user.member.pk if getattr(request.user, "member", None) else None
    default_officer = str(mine) if any(m.pk == mine for m in officers) else ""
    data = request.POST if bound else None
    return {
        "talk": TalkCloseForm(
            data if bound == TalkCloseForm.mode else None,
            prefix="talk",
            officers=officers,
            initial={"officer": default_officer},
        ),
        "action": ActionCloseForm(data if bound == ActionCloseForm.mode else None, prefix="action"),
        "reason": ReasonCloseForm(data if bound == ReasonCloseForm.mode else None, prefix="reason"),
    }


def _detail(request: AuthedRequest, entry: WarningEntry, forms: dict, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "entry": entry,
        "reasons": selectors.describe_entry(entry, today),
        "open_days": selectors.open_days(entry, today),
        "forms": forms,
    }
    return render(request, "compliance/warning_detail.html", context, status=status)


@page(perm=PERM)
@require_GET
def warning_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.access_warning(request.user, pk)
    return _detail(request, entry, _forms(entry, request))


@page(perm=PERM)
@require_POST
def warning_close(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.access_warning(request.user, pk)
    mode = request.POST.get("mode", "")
    if mode not in CLOSE_FORMS:
        forms = _forms(entry, request)
        messages.error(
            request,
            _("Record what was done — a talk, a visit, study brought home or another action — or give a reason."),
        )
        return _detail(request, entry, forms, status=400)
    forms = _forms(entry, request, bound=mode)
    form = next(f for f in forms.values() if f.is_bound)
    if submit(
        request,
        form,
        lambda data: services.warning_close(actor=request.user, entry=entry, **form.close_data()),
        success=_("The entry about %(name)s has been closed.") % {"name": entry.member.name},
    ):
        return redirect("compliance:warning-list", org_id=entry.org_id)
    return _detail(request, entry, forms, status=400)
