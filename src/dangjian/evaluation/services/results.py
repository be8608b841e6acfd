"""Grades: the branch committee proposes, the general meeting decides; the follow-up of low grades."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.errors import Conflict, DomainError
from dangjian.evaluation import rules
from dangjian.evaluation import selectors as sel
from dangjian.evaluation.models import Campaign, ImprovementPlan, PlanStatus, Result
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.services.common import check_manage


@dataclass
class ProposalOutcome:
    results: list[Result]
    warning: str  # "" unless the 优秀 exceed the campaign's share: a warning, not a refusal


def _graded_members(campaign: Campaign, grades: dict, *, field: str) -> dict[int, str]:
    """{member id: grade} checked against the roll: full members only, known grades only."""
    roll = {p.member_id: p for p in sel.participants(campaign)}
    clean = {}
    for key, grade in grades.items():
        try:
            participant = roll[int(key)]
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                _("A grade names someone who does not take part in this campaign."), field=field
            ) from None
        if not participant.is_full:
            raise DomainError(
                _("%(name)s is a probationary member: they take part in the evaluation but are not graded.")
                % {"name": participant.member.name},
                field=field,
            )
        if grade not in Grade.values:
            raise DomainError(_("Choose a grade for %(name)s.") % {"name": participant.member.name}, field=field)
        clean[participant.member_id] = grade
    return clean


@transaction.atomic(durable=True)
def proposal_submit(*, actor: User, campaign: Campaign, grades: dict, notes: dict | None = None) -> ProposalOutcome:
    """The branch committee's proposed grade for full members (some or all); warns above the share of 优秀."""
    check_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    if campaign.phase != Phase.PROPOSAL:
        raise DomainError(_("Grades are proposed in the proposal phase."), field="grades")
    clean = _graded_members(campaign, grades or {}, field="grades")
    if not clean:
        raise DomainError(_("Propose a grade for at least one member."), field="grades")
    notes = notes or {}
    changed = {}
    for member_id, grade in clean.items():
        note = str(notes.get(member_id, notes.get(str(member_id), "")) or "").strip()[:500]
        result, created = Result.objects.get_or_create(
            campaign=campaign, member_id=member_id, defaults={"proposed_grade": grade, "proposal_note": note}
        )
        if not created and (result.proposed_grade, result.proposal_note) != (grade, note):
            result.proposed_grade, result.proposal_note = grade, note
            result.save(update_fields=["proposed_grade", "proposal_note", "updated_at"])
        elif not created:
            continue
        changed[str(member_id)] = grade
    results = list(sel.results_of(campaign))
    warning = sel.excellent_warning(campaign, [r.proposed_grade for r in results])
    if changed:
        audit.record(
            actor=actor,
            action="evaluation_proposal.submit",
            obj=campaign,
            org_path=campaign.org.path,
            changes={"grades": changed} | ({"warning": warning} if warning else {}),
        )
    return ProposalOutcome(results=results, warning=warning)


@transaction.atomic(durable=True)
def decision_record(
    *,
    actor: User,
    campaign: Campaign,
    meeting_on: datetime.date,
    entitled: int,
    attended: int,
    grades: dict | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> Campaign:
    """Record the general meeting's decision: its date and attendance, and each full member's grade
    (the proposed one unless `grades` says otherwise)."""
    check_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    today = today or timezone.localdate()
    if campaign.phase != Phase.DECISION:
        raise DomainError(_("The general meeting's decision is recorded in the decision phase."))
    if not isinstance(meeting_on, datetime.date) or meeting_on > today:
        raise DomainError(_("The meeting cannot be in the future."), field="meeting_on")
    if meeting_on < campaign.started_on:
        raise DomainError(
            _("The meeting cannot be before the campaign began (%(date)s).")
            % {"date": date_format(campaign.started_on, "DATE_FORMAT")},
            field="meeting_on",
        )
    if not isinstance(entitled, int) or not isinstance(attended, int) or attended > entitled:
        raise DomainError(_("The members present cannot outnumber the members with the vote."), field="attended")
    if not rules.meeting_quorum(attended, entitled):
        raise DomainError(
            _("The meeting may decide only when more than half of the members with the vote attend (支部条例 Art.11)."),
            field="attended",
        )
    overrides = _graded_members(campaign, grades or {}, field="grades")
    results = list(sel.results_of(campaign))
    decided = {}
    for result in results:
        result.decided_grade = overrides.get(result.member_id, result.proposed_grade)
        result.save(update_fields=["decided_grade", "updated_at"])
        decided[str(result.member_id)] = result.decided_grade
    campaign.meeting_on, campaign.meeting_entitled, campaign.meeting_attended = meeting_on, entitled, attended
    campaign.meeting_note = (note or "").strip()
    campaign.save()
    audit.record(
        actor=actor,
        action="evaluation_decision.record",
        obj=campaign,
        org_path=campaign.org.path,
        changes={"meeting_on": str(meeting_on), "entitled": entitled, "attended": attended, "grades": decided},
    )
    return campaign


# --- Follow-up -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def improvement_plan_create(*, actor: User, result: Result, content: str, deadline: datetime.date) -> ImprovementPlan:
    """The improvement plan of a 基本合格 or 不合格 grade, due at most one year after the decision (限期改正)."""
    campaign = result.campaign
    check_manage(actor, campaign)
    decided_on = campaign.meeting_on  # recorded before a campaign closes
    if campaign.phase != Phase.CLOSED or decided_on is None:
        raise DomainError(_("An improvement plan follows the published result."))
    if result.decided_grade not in rules.FOLLOW_UP_GRADES:
        raise DomainError(_("Only a basically qualified or unqualified grade is followed by an improvement plan."))
    if ImprovementPlan.objects.filter(result=result).exists():
        raise Conflict(_("This result already has an improvement plan."))
    content = (content or "").strip()
    if not content:
        raise DomainError(_("Say what is to be improved and how the branch helps."), field="content")
    if not isinstance(deadline, datetime.date) or not rules.improvement_deadline_ok(deadline, decided_on):
        raise DomainError(
            _("The deadline must fall after the decision and at most one year after it, by %(date)s (限期改正).")
            % {"date": date_format(rules.improvement_deadline_limit(decided_on), "DATE_FORMAT")},
            field="deadline",
        )
    plan = ImprovementPlan.objects.create(result=result, content=content, deadline=deadline, recorded_by=actor)
    audit.record(
        actor=actor,
        action="evaluation_plan.create",
        obj=plan,
        org_path=campaign.org.path,
        changes={"result": result.pk, "deadline": str(deadline)},
    )
    return plan


@transaction.atomic(durable=True)
def improvement_plan_close(
    *, actor: User, plan: ImprovementPlan, outcome: str, closed_on: datetime.date | None = None
) -> ImprovementPlan:
    """Close an improvement plan with its outcome."""
    campaign = plan.result.campaign
    check_manage(actor, campaign)
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CLOSED:
        raise DomainError(_("This improvement plan is already closed."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Record the outcome of the plan."), field="outcome")
    closed_on = closed_on or timezone.localdate()
    if campaign.meeting_on is not None and closed_on < campaign.meeting_on:
        raise DomainError(_("A plan cannot close before the decision it follows."), field="closed_on")
    plan.status, plan.outcome, plan.closed_on = PlanStatus.CLOSED, outcome, closed_on
    plan.save()
    audit.record(
        actor=actor,
        action="evaluation_plan.close",
        obj=plan,
        org_path=campaign.org.path,
        changes={"closed_on": str(closed_on)},
    )
    return plan
