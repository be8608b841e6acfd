"""Self-assessment, the secret mutual evaluation, and the non-members' assessment with one-time codes.

How a ballot stays secret (docs/evaluation.md): the roll marks that a member voted (no time); the
ballot row holds a random id and its receipt's hash (no voter, no time); the ratings are rows per member
rated (no ballot, no voter, no time). Whenever a ballot or assessment is added, and when the phase
closes, the campaign's ballots and ratings are written again in a random order with new random ids,
so neither the ids nor the physical order of the rows (SQLite rowid, PostgreSQL heap and xmin) tell
which came when. The audit event says who voted in which campaign, never which ballot.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.evaluation import rules
from dangjian.evaluation import selectors as sel
from dangjian.evaluation.models import (
    Ballot,
    Campaign,
    NonMemberCode,
    Participant,
    Rating,
    RatingSource,
    SelfAssessment,
)
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.services.common import check_manage

_random = secrets.SystemRandom()


@dataclass(frozen=True)
class BallotRating:
    """One member's rating on a ballot: a score per criterion and, for a full member, a suggested grade."""

    scores: dict[str, int]
    grade: str = ""


def _new_code(length: int) -> str:
    return "".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(length))


def _check_scores(scores: object, *, field: str, who: str = "") -> dict[str, int]:
    if not isinstance(scores, dict):
        raise DomainError(_("Give a score for every criterion."), field=field)
    unknown = set(scores) - set(rules.CRITERION_CODES)
    if unknown:
        raise DomainError(_("Unknown criterion: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}, field=field)
    for criterion in rules.CRITERIA:
        if not rules.valid_score(scores.get(criterion.code)):
            message = _("Give %(criterion)s a score from %(min)d to %(max)d.") % {
                "criterion": criterion.label,
                "min": rules.SCALE_MIN,
                "max": rules.SCALE_MAX,
            }
            raise DomainError(f"{who}{message}" if who else message, field=field)
    return {code: scores[code] for code in rules.CRITERION_CODES}


def rewrite_in_random_order(campaign: Campaign) -> None:
    """Write the campaign's ballots and ratings again, in a random order and with new random ids.

    Called in the transaction that adds one, and when the mutual or non-member phase closes: afterwards
    the ids, the rowid order (SQLite), the heap order and the inserting transaction (PostgreSQL xmin) are
    the same for every row, old and new."""
    ballots = list(Ballot.objects.filter(campaign=campaign).values_list("receipt_hash", flat=True))
    ratings = list(Rating.objects.filter(campaign=campaign).values("subject_id", "source", "scores", "grade"))
    Ballot.objects.filter(campaign=campaign).delete()
    Rating.objects.filter(campaign=campaign).delete()
    _random.shuffle(ballots)
    _random.shuffle(ratings)
    Ballot.objects.bulk_create(Ballot(campaign=campaign, receipt_hash=digest) for digest in ballots)
    Rating.objects.bulk_create(Rating(campaign=campaign, **row) for row in ratings)


# --- Self-assessment -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def self_assessment_submit(
    *, actor: User, campaign: Campaign, scores: dict, comments: dict | None = None, analysis: str
) -> SelfAssessment:
    """Hand in (or change) the actor's own self-assessment: a score and comment per criterion and 党性分析."""
    participant = sel.participant_of(actor, campaign)
    if participant is None:
        raise Forbidden(_("You do not take part in this campaign."))
    if campaign.phase not in rules.SELF_ASSESSMENT_PHASES:
        raise DomainError(_("Self-assessment is open during the self-assessment and the mutual evaluation."))
    scores = _check_scores(scores, field="scores")
    comments = comments or {}
    clean_comments = {}
    for code in rules.CRITERION_CODES:
        text = str(comments.get(code) or "").strip()
        if len(text) > rules.COMMENT_MAX_CHARS:
            raise DomainError(
                _("A comment may be at most %(n)d characters.") % {"n": rules.COMMENT_MAX_CHARS},
                field=f"comment_{code}",
            )
        if text:
            clean_comments[code] = text
    analysis = (analysis or "").strip()
    if not analysis:
        raise DomainError(_("Write your party-spirit analysis (党性分析)."), field="analysis")
    if len(analysis) > rules.ANALYSIS_MAX_CHARS:
        raise DomainError(
            _("The analysis may be at most %(n)d characters.") % {"n": rules.ANALYSIS_MAX_CHARS}, field="analysis"
        )
    assessment, created = SelfAssessment.objects.update_or_create(
        campaign=campaign,
        member=participant.member,
        defaults={"scores": scores, "comments": clean_comments, "analysis": analysis},
    )
    audit.record(
        actor=actor,
        action="evaluation_self_assessment.submit" if created else "evaluation_self_assessment.update",
        obj=assessment,
        org_path=campaign.org.path,
        changes={"campaign": campaign.pk},  # the text stays out of the audit trail
    )
    return assessment


# --- The mutual evaluation ---------------------------------------------------------------------------


def _check_ratings(campaign: Campaign, voter: Participant, ratings: dict) -> list[Rating]:
    if not isinstance(ratings, dict) or not ratings:
        raise DomainError(_("Rate every other member of the branch."), field="ratings")
    others = {p.member_id: p for p in sel.participants(campaign).exclude(pk=voter.pk)}
    keys = set()
    for key in ratings:
        try:
            keys.add(int(key))
        except (TypeError, ValueError):
            raise DomainError(_("A rating names no member."), field="ratings") from None
    if voter.member_id in keys:
        raise DomainError(_("You cannot rate yourself in the mutual evaluation."), field="ratings")
    unknown = keys - set(others)
    if unknown:
        raise DomainError(_("A rating names someone who does not take part in this campaign."), field="ratings")
    missing = [p.member.name for member_id, p in others.items() if member_id not in keys]
    if missing:
        raise DomainError(
            _("Rate every other member of the branch; missing: %(names)s.") % {"names": "、".join(missing)},
            field="ratings",
        )
    rows = []
    for key, rating in ratings.items():
        subject = others[int(key)]
        who = f"{subject.member.name}："
        scores = _check_scores(getattr(rating, "scores", None), field="ratings", who=who)
        grade = getattr(rating, "grade", "") or ""
        if not subject.is_full and grade:
            raise DomainError(
                who + _("no grade is suggested for a probationary member: they take part but are not graded."),
                field="ratings",
            )
        if subject.is_full and grade not in Grade.values:
            raise DomainError(who + _("suggest a grade."), field="ratings")
        rows.append(
            Rating(
                campaign=campaign, subject_id=subject.member_id, source=RatingSource.MEMBER, scores=scores, grade=grade
            )
        )
    return rows


@transaction.atomic(durable=True)
def ballot_cast(*, actor: User, campaign: Campaign, ratings: dict, now: datetime.datetime | None = None) -> str:
    """Cast the actor's secret ballot; returns the receipt code, shown this once and stored only as a hash.

    `ratings`: {member id: BallotRating} for every other participant. Refused outside the mutual phase or
    after its closing time, for a probationary member, a second time, for oneself, or a grade for a
    probationary member; a refusal changes nothing."""
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    voter = sel.participant_of(actor, campaign)
    reason = sel.voting_refusal(campaign, voter, now or timezone.now())
    if reason or voter is None:
        raise DomainError(reason, field="ratings")
    rows = _check_ratings(campaign, voter, ratings)
    # The mark first, conditionally: of two requests racing, one marks and the other is refused.
    if not Participant.objects.filter(pk=voter.pk, is_full=True, has_voted=False).update(has_voted=True):
        raise DomainError(_("You have already voted in this campaign; a ballot cannot be cast twice or changed."))
    receipt = _new_code(rules.RECEIPT_LENGTH)
    Ballot.objects.create(campaign=campaign, receipt_hash=sel.receipt_hash(receipt))
    Rating.objects.bulk_create(rows)
    rewrite_in_random_order(campaign)
    # Who voted in which campaign, as a signature on a paper roll: no ballot, no receipt, no content.
    audit.record(actor=actor, action="evaluation.vote", obj=campaign, org_path=campaign.org.path)
    return rules.format_code(receipt)


# --- Non-members ---------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def non_member_codes_generate(*, actor: User, campaign: Campaign, count: int) -> list[str]:
    """Make `count` one-time codes for non-members; returned this once, stored only as hashes."""
    check_manage(actor, campaign)
    if not campaign.with_non_members:
        raise DomainError(_("This campaign holds no assessment by non-members; turn it on in the settings first."))
    if rules.phase_reached(campaign.phase, Phase.PROPOSAL):
        raise DomainError(_("The non-members' assessment is over; no more codes can be made."))
    if not isinstance(count, int) or not 1 <= count <= rules.NON_MEMBER_CODES_MAX:
        raise DomainError(
            _("Make between 1 and %(max)d codes at a time.") % {"max": rules.NON_MEMBER_CODES_MAX}, field="count"
        )
    codes = [_new_code(rules.NON_MEMBER_CODE_LENGTH) for _ in range(count)]
    NonMemberCode.objects.bulk_create(NonMemberCode(campaign=campaign, code_hash=sel.code_hash(c)) for c in codes)
    audit.record(
        actor=actor,
        action="evaluation_codes.generate",
        obj=campaign,
        org_path=campaign.org.path,
        changes={"count": count},
    )
    return [rules.format_code(code) for code in codes]


def non_member_campaign_for(code: str) -> Campaign:
    """The campaign a non-member's code opens; DomainError when the code is unknown, used or not open now."""
    campaign = sel.non_member_code_campaign(code)
    if campaign is None:
        raise DomainError(_("This code is not valid or has already been used."), field="code")
    if campaign.phase != Phase.NON_MEMBER:
        raise DomainError(_("The assessment by non-members is not open now."), field="code")
    return campaign


@transaction.atomic(durable=True)
def non_member_assess(*, code: str, ratings: dict) -> Campaign:
    """A non-member's assessment with a one-time code: scores for the members they choose, no grades."""
    campaign = non_member_campaign_for(code)
    campaign = Campaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
    if not isinstance(ratings, dict) or not ratings:
        raise DomainError(_("Rate at least one member."), field="ratings")
    subjects = {p.member_id: p for p in sel.participants(campaign)}
    rows = []
    for key, rating in ratings.items():
        try:
            subject = subjects[int(key)]
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                _("A rating names someone who does not take part in this campaign."), field="ratings"
            ) from None
        if getattr(rating, "grade", ""):
            raise DomainError(_("Non-members rate the criteria only; they do not suggest grades."), field="ratings")
        scores = _check_scores(getattr(rating, "scores", None), field="ratings", who=f"{subject.member.name}：")
        rows.append(
            Rating(campaign=campaign, subject_id=subject.member_id, source=RatingSource.NON_MEMBER, scores=scores)
        )
    used = NonMemberCode.objects.filter(campaign=campaign, code_hash=sel.code_hash(code), used=False).update(used=True)
    if not used:
        raise Conflict(_("This code is not valid or has already been used."), field="code")
    Rating.objects.bulk_create(rows)
    rewrite_in_random_order(campaign)
    audit.record(actor=None, action="evaluation.non_member_assess", obj=campaign, org_path=campaign.org.path)
    return campaign
