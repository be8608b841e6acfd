"""Democratic evaluation: campaigns, the voter roll, secret ballots, results and follow-up; recognition.

The secrecy of the mutual evaluation rests on the shape of three tables (docs/evaluation.md):
- `Participant` is the voter roll: who takes part, who may vote, and whether they have voted — no time.
- `Ballot` is the record that one ballot was cast: a random id and the hash of its receipt — no voter, no time.
- `Rating` holds what the ballots said, one row per member rated: a random id, the member rated, the scores —
  no ballot, no voter, no time. Splitting a ballot into rows per member rated matters: a ballot kept whole
  would leave out exactly one member (nobody rates themself) and so name its voter.
Random ids and a rewrite of the campaign's rows in a random order whenever one is added (services.ballots)
keep the physical order of the rows from telling the order of the votes.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel
from dangjian.evaluation.rules import Grade, Phase, RecognitionKind

RANDOM_ID_BITS = 63  # a positive signed 64-bit integer


def random_id() -> int:
    return secrets.randbits(RANDOM_ID_BITS) or 1


class RandomIdField(models.BigIntegerField):
    """A random 63-bit primary key. On SQLite the column is declared INTEGER so that it *is* the rowid:
    the table is then stored in the order of these random ids, not in the order rows were added."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", random_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("primary_key", True), ("default", random_id), ("editable", False)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs


class CampaignQuerySet(models.QuerySet):
    def for_list(self) -> "CampaignQuerySet":
        return self.select_related("org", "org__parent")


class Campaign(TimeStampedModel):
    """One branch's democratic evaluation of one year (支部条例 Art.20: once a year)."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="evaluation_campaigns"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.STUDY)
    with_non_members = models.BooleanField(
        _("with assessment by non-members"),
        default=False,
        help_text=_("Non-members (colleagues, students) rate the members with one-time codes."),
    )
    # The share of 优秀 above which the proposal shows a warning (default 1/3).
    excellent_limit_numerator = models.PositiveSmallIntegerField(_("excellent limit numerator"), default=1)
    excellent_limit_denominator = models.PositiveSmallIntegerField(_("excellent limit denominator"), default=3)
    mutual_closes_at = models.DateTimeField(
        _("mutual evaluation closes at"),
        null=True,
        blank=True,
        help_text=_("Optional: no ballot is accepted after this moment, even before the phase is moved on."),
    )
    started_on = models.DateField(_("started on"))
    meeting_on = models.DateField(_("general meeting held on"), null=True, blank=True)
    meeting_entitled = models.PositiveSmallIntegerField(_("members with the vote"), null=True, blank=True)
    meeting_attended = models.PositiveSmallIntegerField(_("members with the vote present"), null=True, blank=True)
    meeting_note = models.TextField(_("minutes of the decision"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="evaluation_campaign_one_per_branch_year"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="evaluation_campaign_phase_valid"),
            models.CheckConstraint(
                condition=Q(excellent_limit_numerator__gt=0)
                & Q(excellent_limit_numerator__lte=models.F("excellent_limit_denominator")),
                name="evaluation_campaign_excellent_limit_share",
            ),
            models.CheckConstraint(
                condition=Q(meeting_attended__isnull=True) | Q(meeting_attended__lte=models.F("meeting_entitled")),
                name="evaluation_campaign_attended_within_entitled",
            ),
            models.CheckConstraint(
                condition=~Q(phase=Phase.CLOSED) | Q(closed_on__isnull=False, meeting_on__isnull=False),
                name="evaluation_campaign_closed_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return _("%(org)s · %(year)s democratic evaluation") % {"org": self.org.name, "year": self.year}

    @property
    def title(self) -> str:
        return _("%(year)s democratic evaluation of members") % {"year": self.year}


class Participant(models.Model):
    """The voter roll: a member taking part, whether they may vote, whether they have voted.

    No timestamps on purpose: when someone voted is kept nowhere but in the audit event that
    says they voted (the signature on a paper roll), which names no ballot."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="evaluation_participations")
    # A full member (正式党员) when the campaign started: votes and is graded. A probationary member
    # takes part and is rated on the criteria, but neither votes nor is graded (党章 Art.7).
    is_full = models.BooleanField(_("full member"))
    has_voted = models.BooleanField(_("has voted"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["member__name", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="evaluation_participant_once"),
            models.CheckConstraint(
                condition=Q(has_voted=False) | Q(is_full=True), name="evaluation_participant_only_full_vote"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.member}"


class SelfAssessment(TimeStampedModel):
    """个人自评: scores and comments on each criterion, and the free-text 党性分析. Named, not secret."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="self_assessments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="evaluation_self_assessments")
    scores = models.JSONField(_("scores"), default=dict)  # {criterion code: 1..5}
    comments = models.JSONField(_("comments"), default=dict)  # {criterion code: text}
    analysis = models.TextField(_("party-spirit analysis (党性分析)"))

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="evaluation_self_assessment_once")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.member}"


class Ballot(models.Model):
    """That one ballot was cast in the campaign, with the hash of its receipt. Nothing else."""

    id = RandomIdField()
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(_("A ballot"))


class RatingSource(models.TextChoices):
    MEMBER = "member", _("Mutual evaluation")
    NON_MEMBER = "non_member", _("Non-member assessment")


class Rating(models.Model):
    """What one anonymous ballot (or one non-member assessment) said about one member: scores and,
    from a member's ballot for a full member, a suggested grade. It names the member rated, never the rater."""

    id = RandomIdField()
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ratings")
    subject = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=RatingSource.choices)
    scores = models.JSONField(default=dict)  # {criterion code: 1..5}
    grade = models.CharField(max_length=16, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade="") | Q(source=RatingSource.MEMBER), name="evaluation_rating_grade_from_members"
            ),
        ]

    def __str__(self) -> str:
        return str(_("A rating"))


class NonMemberCode(models.Model):
    """A one-time code for a non-member's assessment, stored only as a hash; no time of use."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="non_member_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("non-member code")
        verbose_name_plural = _("non-member codes")

    def __str__(self) -> str:
        return str(_("A one-time code"))


class Result(TimeStampedModel):
    """One full member's grade: proposed by the branch committee, decided by the general meeting."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="evaluation_results")
    proposed_grade = models.CharField(_("proposed grade"), max_length=16, choices=Grade.choices)
    proposal_note = models.CharField(_("reason for the proposal"), max_length=500, blank=True)
    decided_grade = models.CharField(_("decided grade"), max_length=16, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["member__name", "member_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="evaluation_result_once")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.member}"

    @property
    def grade(self) -> str:
        return self.decided_grade or self.proposed_grade


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ImprovementPlan(TimeStampedModel):
    """The follow-up of a 基本合格 or 不合格 grade: what to improve, by when (限期改正 ≤ 1 year), and the outcome."""

    result = models.OneToOneField(Result, on_delete=models.CASCADE, related_name="improvement_plan")
    content = models.TextField(_("what is to be improved, and the help offered"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PlanStatus.OPEN) | Q(closed_on__isnull=False),
                name="evaluation_plan_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result} · {self.deadline}"


class Recognition(TimeStampedModel):
    """工作骨干, 业务能手, 先锋模范 or an innovation achievement, with its evidence, recorded by an organisation."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="recognitions")
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RecognitionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(_("evidence file"), upload_to="evaluation/recognition/%Y/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    awarded_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RecognitionKind.values), name="evaluation_recognition_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.title}"
