"""Opinions (意见建议, 批评检举) and appeals (申诉): what members send up, and the written answers."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel


class OpinionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion or proposal")  # 党章 Art.4 (3), (7)
    CRITICISM = "criticism", _("Criticism or report")  # 党章 Art.4 (4)


class OpinionTarget(models.TextChoices):
    """Where a suggestion goes, as the member chooses it; criticism always goes one level up."""

    BRANCH = "branch", _("My branch")
    COMMITTEE = "committee", _("The Party committee")


class OpinionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")


class OpinionQuerySet(models.QuerySet):
    def for_list(self) -> "OpinionQuerySet":
        return self.select_related("org", "author", "answered_by")


class Opinion(models.Model):
    """A suggestion, criticism or report, named or anonymous.

    Anonymous means no author: the row keeps no author, no account, no precise time (only the day),
    and its id is random, so neither a column nor the id order links it to a writer. The writer follows
    it with a code whose hash alone is kept (`follow_up_hash`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=OpinionKind.choices)
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="opinions"
    )
    author = models.ForeignKey(
        "members.Member",
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    submitted_on = models.DateField(_("submitted on"))  # a day, never a time: see the class docstring
    follow_up_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["-submitted_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OpinionKind.values), name="rights_opinion_kind_valid"),
            # Named: an author and no code. Anonymous: a code and no author.
            models.CheckConstraint(
                condition=Q(author__isnull=False, follow_up_hash__isnull=True)
                | Q(author__isnull=True, follow_up_hash__isnull=False),
                name="rights_opinion_author_or_code",
            ),
            models.CheckConstraint(
                condition=Q(status=OpinionStatus.OPEN, answered_at__isnull=True, answer="")
                | (Q(status=OpinionStatus.ANSWERED, answered_at__isnull=False) & ~Q(answer="")),
                name="rights_opinion_answer_when_answered",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="rights_opinion_org_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def anonymous(self) -> bool:
        return self.author_id is None


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted for handling")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPEAL_STATUSES = (AppealStatus.SUBMITTED, AppealStatus.ACCEPTED)


class AppealQuerySet(models.QuerySet):
    def open(self) -> "AppealQuerySet":
        return self.filter(status__in=OPEN_APPEAL_STATUSES)

    def overdue(self, today) -> "AppealQuerySet":
        return self.open().filter(due_on__lt=today)

    def for_list(self) -> "AppealQuerySet":
        return self.select_related("appellant", "org", "decided_by", "answered_by", "accepted_by")


class Appeal(TimeStampedModel):
    """A member's appeal against a decision about themself, answered in writing by the organisation above.

    The decision lives in another app (see `rights.registry`); the appeal keeps its kind and id and a
    copy of what was decided, so that the record stays readable whatever happens to the decision.
    """

    appellant = models.ForeignKey(
        "members.Member", verbose_name=_("appellant"), on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(_("kind of decision"), max_length=64)
    object_id = models.PositiveBigIntegerField(_("decision id"))
    decision = models.CharField(_("decision"), max_length=200)
    decided_on = models.DateField(_("decided on"))
    decision_url = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="appeals"
    )
    reasons = models.TextField(_("grounds of the appeal"))
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED)
    submitted_on = models.DateField(_("submitted on"))
    due_on = models.DateField(_("answer due on"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The last day the receiving officers were reminded that it is overdue: one reminder a day at most.
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppealStatus.values), name="rights_appeal_status_valid"),
            models.UniqueConstraint(
                fields=["appellant", "kind", "object_id"],
                condition=Q(status__in=OPEN_APPEAL_STATUSES),
                name="rights_appeal_one_open_per_decision",
            ),
            models.CheckConstraint(condition=Q(due_on__gt=models.F("submitted_on")), name="rights_appeal_due_after"),
            models.CheckConstraint(
                condition=~Q(status=AppealStatus.ANSWERED) | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="rights_appeal_answer_when_answered",
            ),
            models.CheckConstraint(
                condition=~Q(status=AppealStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="rights_appeal_withdrawn_at",
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "due_on"], name="rights_appeal_org_open")]

    def __str__(self) -> str:
        return f"{self.appellant} · {self.decision}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPEAL_STATUSES

    def is_overdue(self, today) -> bool:
        return self.is_open and today > self.due_on
