"""Campaigns: start one for a branch and year, change its settings, move it through its phases."""

import datetime
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.errors import Conflict, DomainError
from dangjian.evaluation import rules
from dangjian.evaluation.models import Campaign, Participant, Result
from dangjian.evaluation.rules import Phase
from dangjian.evaluation.services.ballots import rewrite_in_random_order
from dangjian.evaluation.services.common import check_manage
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Organisation, OrgKind

SETTINGS_FIELDS = ["with_non_members", "excellent_limit_numerator", "excellent_limit_denominator", "mutual_closes_at"]


def _limit_fields(limit: Fraction | None) -> dict:
    if limit is None:
        return {}
    if not 0 < limit <= 1:
        raise DomainError(
            _("The share of excellent grades must lie between 0 and 1, e.g. 1/3."), field="excellent_limit"
        )
    limit = limit.limit_denominator(1000)
    return {"excellent_limit_numerator": limit.numerator, "excellent_limit_denominator": limit.denominator}


@transaction.atomic(durable=True)
def campaign_create(
    *,
    actor: User,
    org: Organisation,
    year: int,
    with_non_members: bool = False,
    excellent_limit: Fraction | None = None,
    mutual_closes_at: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> Campaign:
    """Start the branch's evaluation of `year`; its members (groups included) at this moment take part."""
    check_manage(actor, org)
    today = today or timezone.localdate()
    if org.kind != OrgKind.BRANCH or org.dissolved_on is not None:
        raise DomainError(_("A democratic evaluation is held by a branch."), field="org")
    if not isinstance(year, int) or not rules.campaign_year_ok(year, today):
        raise DomainError(
            _("Choose last year, this year or next year (%(first)d–%(last)d).")
            % {"first": today.year - 1, "last": today.year + 1},
            field="year",
        )
    if Campaign.objects.filter(org=org, year=year).exists():
        raise Conflict(
            _("%(org)s already has a democratic evaluation for %(year)d: it is held once a year.")
            % {"org": org.name, "year": year},
            field="year",
        )
    members = list(Member.objects.current().filter(org__path__startswith=org.path).order_by("name", "pk"))
    if not any(member.status_on(today) == Status.FULL for member in members):
        raise DomainError(_("The branch has no full member who could vote."), field="org")
    campaign = Campaign(
        org=org,
        year=year,
        with_non_members=with_non_members,
        mutual_closes_at=mutual_closes_at,
        started_on=today,
        created_by=actor,
        **_limit_fields(excellent_limit),
    )
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:  # a second request for the same branch and year, in between
        raise Conflict(_("This branch already has a democratic evaluation for this year."), field="year") from None
    Participant.objects.bulk_create(
        Participant(campaign=campaign, member=member, is_full=member.status_on(today) == Status.FULL)
        for member in members
    )
    audit.record(
        actor=actor,
        action="evaluation_campaign.create",
        obj=campaign,
        org_path=org.path,
        changes=audit.snapshot(campaign, ["year", *SETTINGS_FIELDS]) | {"participants": len(members)},
    )
    return campaign


@transaction.atomic(durable=True)
def campaign_update(
    *,
    actor: User,
    campaign: Campaign,
    with_non_members: bool | None = None,
    excellent_limit: Fraction | None = None,
    mutual_closes_at: datetime.datetime | None | bool = False,
) -> Campaign:
    """Change a campaign's settings. `mutual_closes_at=None` removes the closing time; False leaves it."""
    check_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    if campaign.phase == Phase.CLOSED:
        raise DomainError(_("This campaign is closed and cannot be changed."))
    before = audit.snapshot(campaign, SETTINGS_FIELDS)
    if with_non_members is not None and with_non_members != campaign.with_non_members:
        if rules.phase_reached(campaign.phase, Phase.NON_MEMBER):
            raise DomainError(
                _("Whether non-members take part can be changed only before the mutual evaluation has closed."),
                field="with_non_members",
            )
        campaign.with_non_members = with_non_members
    if not isinstance(mutual_closes_at, bool):  # False: left as it is
        if rules.mutual_closed(campaign.phase):
            raise DomainError(
                _("The mutual evaluation has closed; its closing time can no longer change."), field="mutual_closes_at"
            )
        campaign.mutual_closes_at = mutual_closes_at
    for name, value in _limit_fields(excellent_limit).items():
        setattr(campaign, name, value)
    campaign.save()
    changes = audit.diff(before, audit.snapshot(campaign, SETTINGS_FIELDS))
    if changes:
        audit.record(
            actor=actor, action="evaluation_campaign.update", obj=campaign, org_path=campaign.org.path, changes=changes
        )
    return campaign


def _check_can_leave(campaign: Campaign) -> None:
    """The work a phase must finish before the campaign moves on."""
    if campaign.phase == Phase.PROPOSAL:
        graded = campaign.participants.filter(is_full=True).count()
        if campaign.results.count() < graded:
            raise DomainError(_("Propose a grade for every full member before the general meeting decides."))
    if campaign.phase == Phase.DECISION and (
        campaign.meeting_on is None or campaign.results.filter(decided_grade="").exists()
    ):
        raise DomainError(_("Record the general meeting's decision before closing the campaign."))


@transaction.atomic(durable=True)
def campaign_advance(
    *,
    actor: User,
    campaign: Campaign,
    to: str | None = None,
    expected: str | None = None,
    today: datetime.date | None = None,
) -> Campaign:
    """Move the campaign to its next phase: never back, never skipping one; a closed campaign stays closed.

    `to` names the phase wanted (refused unless it is the next one); `expected` the phase the caller saw
    (refused when the campaign has moved on in the meantime, so that a double click moves it once)."""
    check_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    if campaign.phase == Phase.CLOSED:
        raise DomainError(_("This campaign is closed and cannot be reopened."), field="phase")
    if expected is not None and expected != campaign.phase:
        raise Conflict(
            _("The campaign has moved on to “%(phase)s” in the meantime.") % {"phase": campaign.get_phase_display()},
            field="phase",
        )
    following = rules.next_phase(campaign.phase, with_non_members=campaign.with_non_members)
    if following is None:  # only a closed campaign has no next phase
        raise DomainError(_("This campaign is closed and cannot be reopened."), field="phase")
    if to is not None and to != following:
        if to not in rules.PHASE_ORDER:
            raise DomainError(_("There is no such phase."), field="phase")
        if rules.phase_index(to) <= rules.phase_index(campaign.phase):
            raise DomainError(_("A campaign never goes back to an earlier phase."), field="phase")
        raise DomainError(
            _("Phases are taken in order: the next one is “%(phase)s”.") % {"phase": Phase(following).label},
            field="phase",
        )
    _check_can_leave(campaign)
    before = campaign.phase
    if before in (Phase.MUTUAL, Phase.NON_MEMBER):
        rewrite_in_random_order(campaign)  # the final order of the ballots, written at once
    campaign.phase = following
    if following == Phase.CLOSED:
        campaign.closed_on = today or timezone.localdate()
    campaign.save()
    audit.record(
        actor=actor,
        action="evaluation_campaign.advance",
        obj=campaign,
        org_path=campaign.org.path,
        changes={"phase": [before, following]},
    )
    if following == Phase.CLOSED:
        _publish(actor, campaign)
    return campaign


def _publish(actor: User, campaign: Campaign) -> None:
    """Tell each member their result is there (each sees only their own), and start the follow-up talks."""
    from dangjian.notices.services import notice_send

    results = list(campaign.results.select_related("member", "member__user"))
    for result in results:
        notice_send(
            recipients=[result.member.user],
            title=_("%(org)s's %(year)d democratic evaluation has closed: your result is published")
            % {"org": campaign.org.name, "year": campaign.year},
            body=_("Read your grade on its page; you may appeal against it to the organisation above."),
            url=reverse("evaluation:result-detail", args=[result.pk]),
        )
    probationary = campaign.participants.filter(is_full=False).select_related("member__user")
    notice_send(
        recipients=[p.member.user for p in probationary],
        title=_("%(org)s's %(year)d democratic evaluation has closed")
        % {"org": campaign.org.name, "year": campaign.year},
        url=reverse("evaluation:campaign-detail", args=[campaign.pk]),
    )
    for result in results:
        if result.decided_grade in rules.FOLLOW_UP_GRADES:
            open_follow_up_talk(actor, result)


def open_follow_up_talk(actor: User, result: Result) -> None:
    """A required talk (谈心谈话) about a 基本合格 or 不合格 grade on the care app's to-do list, in this transaction."""
    from dangjian.care.services import talk_todo_open

    talk_todo_open(
        actor=actor,
        member=result.member,
        reason="evaluation_result",
        detail=_("%(year)d democratic evaluation: %(grade)s")
        % {"year": result.campaign.year, "grade": result.get_decided_grade_display()},
        source_key=f"evaluation:{result.pk}",
    )
