"""Reads for the democratic evaluation and recognition, limited to the actor's scope.

Officers holding MANAGE_EVALUATION over a branch see its campaigns, tallies and results. A member
sees the campaigns they take part in, their own self-assessment and their own result only. Lists
are ordered by name, never by score or grade: there is no ranking of members.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.evaluation import rules
from dangjian.evaluation.models import (
    Ballot,
    Campaign,
    ImprovementPlan,
    NonMemberCode,
    Participant,
    Rating,
    RatingSource,
    Recognition,
    Result,
    SelfAssessment,
)
from dangjian.evaluation.rules import Grade, Phase
from dangjian.members.models import Member
from dangjian.members.permissions import can as can_on_member
from dangjian.members.selectors import actor_member, near_first
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.orgs.selectors import home_branch, member_search

PERM = Perm.MANAGE_EVALUATION


def receipt_hash(code: str) -> str:
    return hashlib.sha256(f"receipt:{rules.normalise_code(code)}".encode()).hexdigest()


def code_hash(code: str) -> str:
    return hashlib.sha256(f"non-member:{rules.normalise_code(code)}".encode()).hexdigest()


# --- Campaigns ---------------------------------------------------------------------------------


def can_manage_campaign(actor: User, campaign: Campaign) -> bool:
    return scope_for(actor).allows(PERM, campaign.org.path)


def campaign_list(*, actor: User) -> QuerySet[Campaign]:
    """The campaigns of the branches the actor runs the evaluation of, and those the actor takes part in."""
    scope = scope_for(actor)
    query = Q(pk__in=[])
    if scope.has_anywhere(PERM):
        query |= scope.org_filter(PERM)
    if scope.member_id is not None:
        query |= Q(participants__member_id=scope.member_id)
    return Campaign.objects.filter(query).distinct().for_list().order_by("-year", "org__path")


def campaigns_awaiting_my_vote(*, actor: User) -> QuerySet[Campaign]:
    """Campaigns in their mutual evaluation where the actor, a full member taking part, has not voted yet:
    for a reminder on the member's own home page, never shown to anyone else."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(
            phase=Phase.MUTUAL,
            participants__member_id=member_id,
            participants__is_full=True,
            participants__has_voted=False,
        )
        .for_list()
        .order_by("-year")
    )


def campaigns_awaiting_my_self_assessment(*, actor: User) -> QuerySet[Campaign]:
    """Campaigns open for self-assessment where the actor takes part and has not handed one in yet."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(phase__in=rules.SELF_ASSESSMENT_PHASES, participants__member_id=member_id)
        .exclude(self_assessments__member_id=member_id)
        .for_list()
        .order_by("-year")
    )


def access_campaign(actor: User, campaign_id: int | str, *, manage: bool = False) -> Campaign:
    """The campaign if the actor runs it (or, unless `manage`, takes part in it); 404 for missing and forbidden."""
    try:
        campaign = Campaign.objects.for_list().get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if can_manage_campaign(actor, campaign):
        return campaign
    if not manage and participant_of(actor, campaign) is not None:
        return campaign
    raise NotFound()


def participant_of(actor: User, campaign: Campaign) -> Participant | None:
    member_id = scope_for(actor).member_id
    if member_id is None:
        return None
    return campaign.participants.select_related("member").filter(member_id=member_id).first()


def participants(campaign: Campaign) -> QuerySet[Participant]:
    return campaign.participants.select_related("member", "member__org").order_by("member__name", "member_id")


def excellent_limit(campaign: Campaign) -> Fraction:
    return Fraction(campaign.excellent_limit_numerator, campaign.excellent_limit_denominator)


@dataclass
class CampaignOverview:
    campaign: Campaign
    can_manage: bool
    participant: Participant | None
    participants: int
    full_members: int
    voted: int
    ballots: int
    self_assessments: int
    next_phase: str | None
    my_self_assessment: SelfAssessment | None = None
    my_result: Result | None = None
    phases: list[tuple[str, str, str]] = field(default_factory=list)  # (value, label, "done"|"current"|"todo")


def campaign_overview(*, actor: User, campaign: Campaign) -> CampaignOverview:
    counts = campaign.participants.aggregate(
        total=Count("pk"), full=Count("pk", filter=Q(is_full=True)), voted=Count("pk", filter=Q(has_voted=True))
    )
    participant = participant_of(actor, campaign)
    overview = CampaignOverview(
        campaign=campaign,
        can_manage=can_manage_campaign(actor, campaign),
        participant=participant,
        participants=counts["total"],
        full_members=counts["full"],
        voted=counts["voted"],
        ballots=campaign.ballots.count(),
        self_assessments=campaign.self_assessments.count(),
        next_phase=rules.next_phase(campaign.phase, with_non_members=campaign.with_non_members),
    )
    if participant is not None:
        overview.my_self_assessment = campaign.self_assessments.filter(member_id=participant.member_id).first()
        if campaign.phase == Phase.CLOSED:
            overview.my_result = campaign.results.filter(member_id=participant.member_id).first()
    current = rules.phase_index(campaign.phase)
    for value, label in Phase.choices:
        if value == Phase.NON_MEMBER and not campaign.with_non_members:
            continue
        index = rules.phase_index(value)
        state = "done" if index < current else "current" if index == current else "todo"
        overview.phases.append((value, str(label), state))
    return overview


# --- Voting ----------------------------------------------------------------------------------------


@dataclass
class BallotForm:
    """What the caller may do in the mutual evaluation, and whom they would rate."""

    can_vote: bool
    reason: str
    has_voted: bool
    subjects: list[Participant]
    closes_at: datetime.datetime | None


def voting_refusal(campaign: Campaign, participant: Participant | None, now: datetime.datetime) -> str:
    """Why this participant may not cast a ballot now ("" when they may). Shared by the form and the service."""
    if participant is None:
        return _("You do not take part in this campaign.")
    if not participant.is_full:
        return _("Probationary members take part in the evaluation but have no vote (党章 Art.7).")
    if participant.has_voted:
        return _("You have already voted in this campaign; a ballot cannot be cast twice or changed.")
    if campaign.phase != Phase.MUTUAL:
        if rules.mutual_closed(campaign.phase):
            return _("The mutual evaluation has closed; no more ballots are accepted.")
        return _("Voting opens when the campaign reaches the mutual evaluation.")
    if campaign.mutual_closes_at is not None and now >= campaign.mutual_closes_at:
        return _("The mutual evaluation closed at %(time)s; no more ballots are accepted.") % {
            "time": date_format(timezone.localtime(campaign.mutual_closes_at), "DATETIME_FORMAT")
        }
    return ""


def ballot_form(*, actor: User, campaign: Campaign, now: datetime.datetime | None = None) -> BallotForm:
    participant = participant_of(actor, campaign)
    reason = voting_refusal(campaign, participant, now or timezone.now())
    subjects = []
    if participant is not None and participant.is_full:
        subjects = list(participants(campaign).exclude(member_id=participant.member_id))
    return BallotForm(
        can_vote=not reason,
        reason=reason,
        has_voted=bool(participant and participant.has_voted),
        subjects=subjects,
        closes_at=campaign.mutual_closes_at,
    )


def receipt_counted(*, campaign: Campaign, receipt: str) -> bool:
    """Whether a ballot with this receipt is in the campaign's count. Says nothing about its content."""
    code = rules.normalise_code(receipt)
    if len(code) != rules.RECEIPT_LENGTH:
        return False
    return Ballot.objects.filter(campaign=campaign, receipt_hash=receipt_hash(code)).exists()


def non_member_code_campaign(code: str) -> Campaign | None:
    """The campaign an unused one-time code belongs to, or None."""
    normalised = rules.normalise_code(code)
    if not normalised:
        return None
    row = (
        NonMemberCode.objects.select_related("campaign", "campaign__org")
        .filter(code_hash=code_hash(normalised))
        .first()
    )
    return row.campaign if row is not None and not row.used else None


def non_member_code_counts(campaign: Campaign) -> tuple[int, int]:
    """(codes generated, codes used)."""
    counts = campaign.non_member_codes.aggregate(total=Count("pk"), used=Count("pk", filter=Q(used=True)))
    return counts["total"], counts["used"]


# --- Tally -----------------------------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")


@dataclass
class TallyRow:
    member: Member
    is_full: bool
    count: int
    averages: dict[str, Decimal | None]  # criterion code → average, None when unrated
    grades: dict[str, int]  # grade → number of ballots suggesting it
    overall: Decimal | None = None

    @property
    def average_list(self) -> list[Decimal | None]:
        return [self.averages[code] for code in rules.CRITERION_CODES]

    @property
    def grade_list(self) -> list[int]:
        return [self.grades.get(value, 0) for value in Grade.values]


@dataclass
class Tally:
    campaign: Campaign
    verdict: rules.TallyVerdict
    cast: int
    eligible: int
    rows: list[TallyRow] = field(default_factory=list)
    non_member_verdict: rules.TallyVerdict | None = None
    non_member_assessments: int = 0
    non_member_rows: list[TallyRow] = field(default_factory=list)


def _average(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _rows(campaign: Campaign, source: str) -> list[TallyRow]:
    scores: dict[int, dict[str, list[int]]] = {}
    grades: dict[int, Counter] = {}
    counts: Counter = Counter()
    for subject_id, row_scores, grade in Rating.objects.filter(campaign=campaign, source=source).values_list(
        "subject_id", "scores", "grade"
    ):
        counts[subject_id] += 1
        per = scores.setdefault(subject_id, {code: [] for code in rules.CRITERION_CODES})
        for code in rules.CRITERION_CODES:
            if rules.valid_score(row_scores.get(code)):
                per[code].append(row_scores[code])
        if grade:
            grades.setdefault(subject_id, Counter())[grade] += 1
    rows = []
    for participant in participants(campaign):
        member_id = participant.member_id
        per = scores.get(member_id, {code: [] for code in rules.CRITERION_CODES})
        every = [value for values in per.values() for value in values]
        rows.append(
            TallyRow(
                member=participant.member,
                is_full=participant.is_full,
                count=counts[member_id],
                averages={code: _average(values) for code, values in per.items()},
                grades=dict(grades.get(member_id, Counter())),
                overall=_average(every),
            )
        )
    return rows


def tally(*, campaign: Campaign) -> Tally:
    """The count of the mutual evaluation (and, apart, of the non-members' assessments), when it may be shown.

    Per member: the average on each criterion and how many ballots suggested each grade; ordered by name."""
    cast = campaign.ballots.count()
    eligible = campaign.participants.filter(is_full=True).count()
    result = Tally(
        campaign=campaign,
        verdict=rules.tally_verdict(cast=cast, eligible=eligible, phase=campaign.phase),
        cast=cast,
        eligible=eligible,
    )
    if result.verdict.allowed:
        result.rows = _rows(campaign, RatingSource.MEMBER)
    if campaign.with_non_members:
        _total, used = non_member_code_counts(campaign)
        result.non_member_assessments = used
        if not rules.phase_reached(campaign.phase, Phase.PROPOSAL):
            result.non_member_verdict = rules.TallyVerdict(False, _non_member_not_yet())
        elif used < rules.NON_MEMBER_MIN_ASSESSMENTS:
            result.non_member_verdict = rules.TallyVerdict(False, _non_member_too_few(used))
        else:
            result.non_member_verdict = rules.TallyVerdict(True)
            result.non_member_rows = _rows(campaign, RatingSource.NON_MEMBER)
    return result


def _non_member_not_yet() -> str:
    return _("The non-members' assessment appears after it has closed.")


def _non_member_too_few(used: int) -> str:
    return _("Only %(used)d non-members took part; their assessment is shown from %(min)d on.") % {
        "used": used,
        "min": rules.NON_MEMBER_MIN_ASSESSMENTS,
    }


# --- Results ---------------------------------------------------------------------------------------


def results_of(campaign: Campaign) -> QuerySet[Result]:
    """The campaign's results, by name (officers only: the caller checks)."""
    return campaign.results.select_related("member", "member__org", "improvement_plan").order_by(
        "member__name", "member_id"
    )


def excellent_warning(campaign: Campaign, grades: list[str]) -> str:
    """The warning shown when the proposed 优秀 exceed the campaign's share ("" when they do not)."""
    limit = excellent_limit(campaign)
    graded = campaign.participants.filter(is_full=True).count()
    excellent = sum(1 for grade in grades if grade == Grade.EXCELLENT)
    if not rules.excellent_over_limit(excellent, graded, limit):
        return ""
    return _(
        "%(excellent)d of %(graded)d members are graded excellent, more than %(limit)s; "
        "excellent is normally at most a third of the members graded."
    ) % {"excellent": excellent, "graded": graded, "limit": f"{limit.numerator}/{limit.denominator}"}


def my_results(*, actor: User) -> QuerySet[Result]:
    """The actor's own results of closed campaigns, newest first."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return Result.objects.none()
    return (
        Result.objects.filter(member_id=member_id, campaign__phase=Phase.CLOSED)
        .select_related("campaign", "campaign__org", "improvement_plan")
        .order_by("-campaign__year")
    )


def access_result(actor: User, result_id: int | str, *, manage: bool = False) -> Result:
    """A result: the member's own once published, or any of a branch the actor runs; 404 otherwise."""
    try:
        result = Result.objects.select_related("campaign", "campaign__org", "member", "member__org").get(pk=result_id)
    except (Result.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if can_manage_campaign(actor, result.campaign):
        return result
    own = result.member_id == scope_for(actor).member_id and result.campaign.phase == Phase.CLOSED
    if not manage and own:
        return result
    raise NotFound()


def improvement_plan_of(result: Result) -> ImprovementPlan | None:
    return ImprovementPlan.objects.filter(result=result).first()


def improvement_plan_list(*, actor: User, campaign: Campaign) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.filter(result__campaign=campaign).select_related("result", "result__member")


def access_improvement_plan(actor: User, plan_id: int | str) -> ImprovementPlan:
    try:
        plan = ImprovementPlan.objects.select_related("result", "result__campaign", "result__campaign__org").get(
            pk=plan_id
        )
    except (ImprovementPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can_manage_campaign(actor, plan.result.campaign):
        raise NotFound()
    return plan


def appealable_results(member_id: int, today: datetime.date | None = None) -> list[Result]:
    """The member's decided results that may still be appealed (within the appeal window)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=rules.APPEAL_WINDOW_DAYS)
    return list(
        Result.objects.filter(member_id=member_id, campaign__phase=Phase.CLOSED, campaign__closed_on__gte=since)
        .select_related("campaign", "campaign__org")
        .order_by("-campaign__year")
    )


def self_assessment_of(campaign: Campaign, member: Member) -> SelfAssessment | None:
    return campaign.self_assessments.filter(member=member).first()


# --- Recognition ------------------------------------------------------------------------------------


def recognition_list(*, actor: User, org_id: int | None = None) -> QuerySet[Recognition]:
    """Recognitions of the members in the actor's evaluation scope (by the member's organisation), newest first."""
    scope = scope_for(actor)
    qs = Recognition.objects.filter(scope.org_filter(PERM, "member__org__path")).select_related(
        "member", "member__org", "org"
    )
    if org_id is not None:
        qs = qs.filter(Q(member__org_id=org_id) | Q(member__org__parent_id=org_id))
    return qs.order_by("-awarded_on", "-pk")


def recognitions_of(member: Member) -> list[Recognition]:
    return list(member.recognitions.select_related("org").order_by("-awarded_on", "-pk"))


def recognitions_for_profile(*, actor: User, member: Member) -> list[Recognition]:
    """The member's recognitions for their profile page: for whoever may see the member (themself included)."""
    if not can_on_member(actor, Perm.VIEW_MEMBERS, member):
        return []
    return recognitions_of(member)


def can_record_recognition(actor: User, member: Member) -> bool:
    return member.org is not None and scope_for(actor).allows(PERM, member.org.path)


def access_recognition(actor: User, recognition_id: int | str) -> Recognition:
    """A recognition whose member the actor may see; 404 otherwise."""
    try:
        recognition = Recognition.objects.select_related("member", "member__org", "org").get(pk=recognition_id)
    except (Recognition.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can_on_member(actor, Perm.VIEW_MEMBERS, recognition.member):
        raise NotFound()
    return recognition


def manageable_branches(actor: User) -> QuerySet[Organisation]:
    """The branches where the actor may run a campaign."""
    scope = scope_for(actor)
    return Organisation.objects.active().filter(scope.org_filter(PERM, "path"), kind=OrgKind.BRANCH).order_by("path")


def members_for_recognition(actor: User, q: str = "") -> QuerySet[Member]:
    """The current members an actor may record recognition for, matching `q` (name, pinyin initials or
    number), the actor's own branch first: what the form's picker lists and the form and API accept."""
    scope = scope_for(actor)
    members = Member.objects.current().filter(scope.org_filter(PERM)).for_list()
    if term := q.strip():
        members = members.filter(member_search(term))
    own = actor_member(actor)
    return near_first(members, home_branch(own.org if own else None))
