"""Early-warning pages, for officers who look after members (`Perm.MANAGE_CARE`) only; and the pages of
organisational life (requirements met, due, overdue or excused per branch and period) for officers who
run activities (`Perm.MANAGE_STUDY`)."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.compliance import selectors, services
from dangjian.compliance.forms import (
    CLOSE_FORMS,
    ActionCloseForm,
    ExcuseForm,
    LifeFilterForm,
    LifeSettingsForm,
    ReasonCloseForm,
    TalkCloseForm,
)
from dangjian.compliance.models import EntryStatus, WarningEntry
from dangjian.compliance.rules import requirements as req
from dangjian.edge.http import form_status, page, submit
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


# --- Organisational life ----------------------------------------------------------------------------

LIFE_PERM = Perm.MANAGE_STUDY


def _period(request: AuthedRequest) -> tuple[LifeFilterForm, req.ReportingPeriod]:
    form = LifeFilterForm(request.GET or None)
    kind, day = form.chosen() if form.is_bound else ("quarter", timezone.localdate())
    return form, selectors.life_period(kind, day)


def _query(period: req.ReportingPeriod) -> str:
    return urlencode({"period": period.kind, "date": period.starts_on.isoformat()})


@page(perm=LIFE_PERM)
@require_GET
def life(request: AuthedRequest) -> HttpResponse:
    """Branches × requirements for the chosen period; a branch officer sees their own branch only."""
    branches = selectors.life_branches(request.user)
    form, period = _period(request)
    page_obj = paginate(request, branches)
    shown = list(page_obj.object_list)
    in_force = selectors.common_in_force(selectors.life_settings_for(shown))
    rows = selectors.life_matrix(shown, period)
    context = {
        "form": form,
        "period": period,
        "query": _query(period),
        "previous_query": _query(period.previous()),
        "next_query": _query(period.next()),
        "columns": selectors.life_columns(in_force.requirements),
        "in_force": in_force,
        "committees": list(selectors.life_committees(request.user)),
        "rows": rows,
        "page_obj": page_obj,
        "overdue": sum(row.overdue for row in rows),
    }
    return render(request, "compliance/life.html", context)


def _life_branch(
    request: AuthedRequest, branch, period: req.ReportingPeriod, bound: ExcuseForm | None = None, status: int = 200
) -> HttpResponse:
    row = selectors.life_branch(branch, period)
    in_force = selectors.life_in_force(branch)
    cells = []
    for cell in row.cells if row else []:
        checks = []
        for check in cell.checks:
            form = None
            if check.may_excuse:
                start = check.result.period.starts_on
                initial = {
                    "org": check.org.pk,
                    "requirement": cell.requirement.key,
                    "period": check.result.period.kind,
                    "starts_on": start,
                }
                auto_id = f"excuse-{check.org.pk}-{cell.requirement.key}-{start:%Y%m%d}-%s"
                if bound is not None and _same(bound, initial):
                    form = bound
                    form.auto_id = auto_id
                else:
                    form = ExcuseForm(initial=initial, auto_id=auto_id)
            checks.append({"check": check, "form": form})
        cells.append({"cell": cell, "checks": checks})
    context = {
        "branch": branch,
        "period": period,
        "query": _query(period),
        "previous_query": _query(period.previous()),
        "next_query": _query(period.next()),
        "cells": cells,
        "several_branches": selectors.life_branches(request.user).count() > 1,
        "in_force": in_force,
        "settings_url": _settings_url(request, in_force),
    }
    return render(request, "compliance/life_branch.html", context, status=status)


@page(perm=LIFE_PERM)
@require_GET
def life_branch(request: AuthedRequest, org_id: int) -> HttpResponse:
    """One branch in one period: each requirement, why, and the excuse form for what is not met."""
    branch = selectors.access_life_branch(request.user, org_id)
    _form, period = _period(request)
    return _life_branch(request, branch, period)


@page(perm=LIFE_PERM)
@require_POST
def life_excuse(request: AuthedRequest, org_id: int) -> HttpResponse:
    """Excuse one requirement of the branch (or of one of its groups) for one period."""
    branch = selectors.access_life_branch(request.user, org_id)
    form = ExcuseForm(request.POST)
    shown = _shown(request.GET.get("period"), request.GET.get("date"), selectors.life_period())

    def excuse(data: dict) -> object:
        org = selectors.access_life_org(request.user, branch, data["org"])
        return services.requirement_excuse(
            actor=request.user,
            org=org,
            requirement=data["requirement"],
            period=selectors.life_period(data["period"], data["starts_on"]),
            reason=data["reason"],
        )

    if submit(request, form, excuse, success=_("The period has been excused.")):
        return redirect(f"{reverse('compliance:life-branch', args=[branch.pk])}?{_query(shown)}")
    # A refusal about the hidden fields (the organisation, requirement or period) has no field to show under.
    hidden = [str(error) for name, errors in form.errors.items() if name != "reason" for error in errors]
    if hidden:
        messages.error(request, hidden[0])
    return _life_branch(request, branch, shown, bound=form, status=400)


@page(perm=LIFE_PERM)
@require_POST
def life_excuse_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    excuse = services.access_excuse(request.user, pk)
    branch = excuse.org.branch
    services.requirement_excuse_withdraw(actor=request.user, excuse=excuse)
    messages.success(request, _("The excuse has been withdrawn."))
    period = _shown(
        request.POST.get("period"), request.POST.get("date"), req.period_of(excuse.period_kind, excuse.period_starts_on)
    )
    return redirect(f"{reverse('compliance:life-branch', args=[branch.pk])}?{_query(period)}")


def _settings_url(request: AuthedRequest, in_force: selectors.LifeInForce) -> str:
    """The settings page of the committee whose settings apply, when the actor may change them."""
    committee = in_force.committee
    if committee is None or not selectors.life_committees(request.user).filter(pk=committee.pk).exists():
        return ""
    return reverse("compliance:life-settings", args=[committee.pk])


@page(perm=LIFE_PERM)
@require_http_methods(["GET", "POST"])
def life_settings(request: AuthedRequest, org_id: int) -> HttpResponse:
    """A committee's variant of the requirements, its overrides and the reminder lead time."""
    committee = selectors.access_life_committee(request.user, org_id)
    form = LifeSettingsForm(request.POST or None, instance=selectors.life_settings_own(committee))
    if submit(
        request,
        form,
        lambda data: services.life_settings_update(actor=request.user, org=committee, **form.settings_data()),
        success=_("The organisational-life settings of %(org)s have been saved.") % {"org": committee.name},
    ):
        return redirect("compliance:life-settings", org_id=committee.pk)
    context = {"committee": committee, "form": form, "in_force": selectors.life_in_force(committee)}
    return render(request, "compliance/life_settings.html", context, status=form_status(form))


def _day(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _shown(kind: str | None, day: str | None, default: req.ReportingPeriod) -> req.ReportingPeriod:
    """The period to show after a post: the one asked for, or `default` for a missing or bad one."""
    kind = kind if kind in req.PeriodKind.ALL else default.kind
    return req.period_of(kind, _day(day) or default.starts_on)


def _same(form: ExcuseForm, initial: dict) -> bool:
    """Whether a posted excuse form is the one of this check (to show it again with its errors)."""
    return all(str(form.data.get(key, "")) == str(value) for key, value in initial.items())
