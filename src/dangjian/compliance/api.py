"""The early-warning API, scoped like the pages: officers who look after members (`Perm.MANAGE_CARE`) only; and
the organisational-life API for officers who run activities (`Perm.MANAGE_STUDY`)."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from dangjian.compliance import selectors, services
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.schemas import (
    BranchCountOut,
    ExcuseCreatedOut,
    ExcuseIn,
    LifeBranchOut,
    LifeIn,
    LifeMatrixOut,
    LifeSettingsIn,
    LifeSettingsOut,
    WarningCloseIn,
    WarningListIn,
    WarningListOut,
    WarningOut,
    WarningRefreshOut,
)
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import responses
from dangjian.members.models import Member

router = Router(tags=["early warning"])

SCOPE = "Only for officers who look after members (care rights) over the branch; everyone else gets 404."


def _officer(request, officer_id: int | None, entry) -> Member | None:
    """The officer who held a talk: one of `selectors.talk_officers`, or the caller themself."""
    officers = selectors.talk_officers(entry)
    if officer_id is None:
        mine = getattr(getattr(request.auth, "member", None), "pk", None)
        return next((m for m in officers if m.pk == mine), None)
    officer = next((m for m in officers if m.pk == officer_id), None)
    if officer is None:
        raise DomainError(_("Choose an officer of the branch or of an organisation above it."), field="officer")
    return officer


@router.get(
    "/branches",
    operation_id="warning_branch_list",
    response=responses({200: list[BranchCountOut]}),
    summary="Open early-warning entries per branch",
    description=f"Counts of open warnings and alarms for each branch of the caller's scope; no names. {SCOPE}",
)
def warning_branch_list(request):
    if not selectors.care_branches(request.auth):
        raise NotFound()
    return selectors.branch_overview(actor=request.auth)


@router.get(
    "/warnings",
    operation_id="warning_list",
    response=responses({200: WarningListOut}),
    summary="Early-warning entries",
    description=(
        "Entries of the caller's scope (of one branch with `org`): open ones by level (alarms first) and then by "
        f"the date opened, closed ones newest first. Never ranked or scored. {SCOPE}"
    ),
)
def warning_list(request, filters: Query[WarningListIn]):
    if not selectors.care_branches(request.auth):
        raise NotFound()
    org = None
    if filters.org is not None:
        try:
            org = selectors.access_branch(request.auth, filters.org)
        except NotFound as exc:
            raise NotFound(field="org") from exc
    return filters.page(selectors.warning_list(actor=request.auth, org=org, status=filters.status))


@router.get(
    "/warnings/{entry_id}",
    operation_id="warning_get",
    response=responses({200: WarningOut}),
    summary="An early-warning entry",
    description=f"The entry with its reasons and dates, and how it was closed. {SCOPE}",
)
def warning_get(request, entry_id: int):
    return selectors.access_warning(request.auth, entry_id)


@router.post(
    "/warnings/{entry_id}/close",
    operation_id="warning_close",
    response=responses({200: WarningOut}),
    summary="Close an early-warning entry",
    description=(
        "Closes the entry with what was done — `talk` (recorded among the member's talks in the same step), "
        "`visit`, `study_at_home`, `other` — or with `explained` and the reason. 400 when the note or the date "
        "is missing, the date is in the future, the officer may not hold the talk, or the entry is already "
        f"closed; nothing changes then. {SCOPE}"
    ),
)
def warning_close(request, entry_id: int, payload: WarningCloseIn):
    entry = selectors.access_warning(request.auth, entry_id)
    officer = _officer(request, payload.officer, entry) if payload.resolution == "talk" else None
    services.warning_close(
        actor=request.auth,
        entry=entry,
        resolution=payload.resolution,
        on=payload.on,
        note=payload.note,
        officer=officer,
        talk_kind=payload.talk_kind,
        follow_up=payload.follow_up,
    )
    return selectors.access_warning(request.auth, entry_id)


@router.post(
    "/branches/{org_id}/refresh",
    operation_id="warning_refresh",
    response=responses({200: WarningRefreshOut}),
    summary="Check a branch now",
    description=(
        "Runs the early-warning check for the branch now (it also runs every night): opens entries for new "
        f"signals and updates the reasons of open ones; running it twice changes nothing the second time. {SCOPE}"
    ),
)
def warning_refresh(request, org_id: int):
    branch = selectors.access_branch(request.auth, org_id)
    return services.warnings_refresh_for(actor=request.auth, org=branch)


# --- Organisational life ----------------------------------------------------------------------------

LIFE_SCOPE = (
    "Only for officers who run activities (study rights): a committee officer sees the committee's branches, a "
    "branch officer their own; everyone else gets 404."
)


def _life_period(kind: str, day) -> req.ReportingPeriod:
    try:
        return selectors.life_period(kind, day)
    except DomainError as exc:
        raise DomainError(exc.message, field="period") from exc


@router.get(
    "/life",
    operation_id="life_matrix",
    response=responses({200: LifeMatrixOut}),
    summary="Organisational life: branches × requirements",
    description=(
        "For the period of `period` kind containing `date` (default: this quarter), each branch of the caller's "
        "scope with each requirement's status: met, due, overdue, not_applicable or excused (a cell made of "
        "several periods or Party groups shows the worst). Only activities recorded as held count: published, "
        f"ended, with attendance taken; a closed democratic evaluation counts on its meeting day. {LIFE_SCOPE}"
    ),
)
def life_matrix(request, filters: Query[LifeIn]):
    branches = selectors.life_branches(request.auth)
    if not branches.exists():
        raise NotFound()
    period = _life_period(filters.period, filters.date)
    page = filters.page(branches)
    in_force = selectors.common_in_force(selectors.life_settings_for(list(page["items"])))
    return {
        **page,
        "period": period,
        "requirements": selectors.life_columns(in_force.requirements),
        "items": selectors.life_matrix(page["items"], period),
    }


@router.get(
    "/life/{org_id}",
    operation_id="life_branch",
    response=responses({200: LifeBranchOut}),
    summary="Organisational life of one branch",
    description=(
        "Each requirement of the branch in the chosen period with every check that makes it up (each month of a "
        "quarter, each Party group), its reasons, the activities that counted and the excuse if any. "
        f"{LIFE_SCOPE}"
    ),
)
def life_branch(request, org_id: int, filters: Query[LifeIn]):
    branch = selectors.access_life_branch(request.auth, org_id)
    period = _life_period(filters.period, filters.date)
    row = selectors.life_branch(branch, period)
    return {
        "org": branch,
        "period": period,
        "requirements": selectors.life_columns(selectors.life_requirements(branch)),
        "cells": row.cells if row else [],
    }


@router.post(
    "/life/{org_id}/excuses",
    operation_id="life_excuse_create",
    response=responses({201: ExcuseCreatedOut}),
    summary="Excuse a requirement for a period",
    description=(
        "Records why the branch (or one of its Party groups, for 党小组会) did not meet a requirement in one of "
        "its periods; the check then shows the period as excused (a period met stays met). 400 without a "
        "reason, for a requirement that does not apply, for the wrong kind of period, or when the period is "
        f"already excused; nothing changes then. Audited. {LIFE_SCOPE}"
    ),
)
def life_excuse_create(request, org_id: int, payload: ExcuseIn):
    branch = selectors.access_life_branch(request.auth, org_id)
    try:
        org = selectors.access_life_org(request.auth, branch, payload.org)
    except NotFound as exc:
        raise NotFound(field="org") from exc
    excuse = services.requirement_excuse(
        actor=request.auth,
        org=org,
        requirement=payload.requirement,
        period=_life_period(payload.period, payload.date),
        reason=payload.reason,
    )
    return Status(201, excuse)


SETTINGS_SCOPE = (
    "Only for officers who run activities (study rights) over the committee; everyone else, and any organisation "
    "that is not a committee, gets 404."
)


def _settings_out(committee) -> dict:
    own = selectors.life_settings_own(committee)
    return {
        "org": committee,
        "variant": own.variant,
        "overrides": own.overrides,
        "reminder_working_days": own.reminder_working_days,
        "requirements": selectors.life_requirements(committee).requirements,
    }


@router.get(
    "/life/settings/{org_id}",
    operation_id="life_settings_get",
    response=responses({200: LifeSettingsOut}),
    summary="A committee's settings of organisational life",
    description=(
        "The committee's variant of the requirements, its overrides and the reminder lead time in working days, "
        f"with the requirements its branches are checked against. {SETTINGS_SCOPE}"
    ),
)
def life_settings_get(request, org_id: int):
    return _settings_out(selectors.access_life_committee(request.auth, org_id))


@router.put(
    "/life/settings/{org_id}",
    operation_id="life_settings_update",
    response=responses({200: LifeSettingsOut}),
    summary="Change a committee's settings of organisational life",
    description=(
        "Replaces the variant, the overrides and the reminder lead time; the committee's branches follow them. "
        f"400 for an unknown requirement, field or value, with nothing stored. Audited. {SETTINGS_SCOPE}"
    ),
)
def life_settings_update(request, org_id: int, payload: LifeSettingsIn):
    committee = selectors.access_life_committee(request.auth, org_id)
    services.life_settings_update(
        actor=request.auth,
        org=committee,
        variant=payload.variant,
        overrides=payload.overrides,
        reminder_working_days=payload.reminder_working_days,
    )
    return _settings_out(committee)
