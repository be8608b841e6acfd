"""Member care: needs (诉求) a member raises with their branch, heart-to-heart talks (谈心谈话)
and the required-talk to-dos that events open for the right officer.

A need's text and attachments are personal: who may read them is decided per need by the member
(see `selectors.can_read_need`). Talk summaries are confidential to the officer who held the talk,
the one who recorded it and the branch secretary.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel

# ---------------------------------------------------------------------------------------------
# Needs


class NeedCategory(models.TextChoices):
    WORK = "work", _("Work")
    STUDY = "study", _("Study")
    LIFE = "life", _("Daily life")
    HEALTH = "health", _("Physical and mental health")
    DEVELOPMENT = "development", _("Personal development")
    OTHER = "other", _("Other")


class NeedVisibility(models.TextChoices):
    SECRETARY = "secretary", _("Branch secretary only")
    COMMITTEE = "committee", _("Branch and the Party committee")


class NeedState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Taken on")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (NeedState.SUBMITTED, NeedState.ACCEPTED, NeedState.IN_PROGRESS)


class NeedQuerySet(models.QuerySet):
    def open(self) -> "NeedQuerySet":
        """Needs waiting for the branch: not yet answered."""
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today) -> "NeedQuerySet":
        return self.filter(
            Q(state=NeedState.SUBMITTED, accept_due__lt=today)
            | Q(state__in=[NeedState.ACCEPTED, NeedState.IN_PROGRESS], answer_due__lt=today)
        )

    def for_list(self) -> "NeedQuerySet":
        return self.select_related("member", "org", "org__parent", "handler", "escalated_to")


class Need(TimeStampedModel):
    """One need a member raised with their branch, from submission to the member's confirmation."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="needs"
    )
    # The branch that handles it: the member's branch when they submitted (a group's parent branch).
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="care_needs"
    )
    category = models.CharField(_("kind of need"), max_length=16, choices=NeedCategory.choices)
    title = models.CharField(_("subject"), max_length=80)
    description = models.TextField(_("description"))
    visibility = models.CharField(
        _("who may read it"), max_length=16, choices=NeedVisibility.choices, default=NeedVisibility.SECRETARY
    )
    state = models.CharField(_("state"), max_length=16, choices=NeedState.choices, default=NeedState.SUBMITTED)
    # The officer the branch delegated it to; empty means the branch secretary and officers handle it.
    handler = models.ForeignKey(
        "members.Member",
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_needs",
    )
    submitted_on = models.DateField(_("submitted on"))
    accept_due = models.DateField(_("accept by"))
    answer_due = models.DateField(_("answer by"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    hardship = models.BooleanField(_("hardship"), default=False)
    escalated_to = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_care_needs",
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    # Which missed deadline the last escalation was for ("accept:2025-03-05"), so that the daily
    # run escalates each missed deadline once.
    escalation_key = models.CharField(max_length=40, blank=True, editable=False)

    objects = NeedQuerySet.as_manager()

    # Not stored: how much of the need the actor may read ("full" or "outline"), set by the selectors.
    access: str | None

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="care_need_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(accept_due__gte=models.F("submitted_on")) & Q(answer_due__gte=models.F("submitted_on")),
                name="care_need_due_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(state=NeedState.CLOSED) | Q(rating__isnull=True), name="care_need_rated_when_closed"
            ),
        ]
        indexes = [models.Index(fields=["state", "org"], name="care_need_state_org_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def due(self):
        """The deadline the need is running against now, or None once answered."""
        if self.state == NeedState.SUBMITTED:
            return self.accept_due
        if self.state in (NeedState.ACCEPTED, NeedState.IN_PROGRESS):
            return self.answer_due
        return None

    def is_overdue(self, today) -> bool:
        due = self.due()
        return due is not None and today > due


def need_attachment_path(instance: "NeedAttachment", filename: str) -> str:
    # The stored name never carries the member's file name (it may say what the need is about).
    return f"care/needs/{instance.need_id}/{instance.token}{instance.extension}"


class NeedAttachment(models.Model):
    """A file the member attached to their need; served only to who may read the need."""

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=need_attachment_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class NeedEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Taken on")
    ASSIGNED = "assigned", _("Delegated")
    NOTE = "note", _("Progress note")
    ANSWERED = "answered", _("Answered")
    CONFIRMED = "confirmed", _("Confirmed and rated")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    HARDSHIP = "hardship", _("Marked as a hardship")
    WIDENED = "widened", _("Visibility widened")


class NeedEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Need history is append-only.")

    def delete(self):
        raise ValueError("Need history is append-only.")

    delete.queryset_only = True


class NeedEvent(models.Model):
    """One step in a need's history. Append-only: a step is never changed or removed."""

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=NeedEventKind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=64, blank=True)
    state = models.CharField(_("state after"), max_length=16, choices=NeedState.choices)
    # A note, an answer or a reason. It is part of the need's text: shown to who may read the need.
    text = models.TextField(_("text"), blank=True)
    # Structured facts that are not personal (a due date, an organisation, an officer's name).
    data = models.JSONField(default=dict, blank=True)

    objects = NeedEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("need event")
        verbose_name_plural = _("need events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.need_id} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Need history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Need history is append-only.")


class CareSettings(TimeStampedModel):
    """An organisation's own deadlines for needs; an empty field inherits from the organisation above."""

    org = models.OneToOneField(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="care_settings"
    )
    accept_working_days = models.PositiveSmallIntegerField(_("accept within (working days)"), null=True, blank=True)
    answer_working_days = models.PositiveSmallIntegerField(_("answer within (working days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("care settings")
        verbose_name_plural = _("care settings")

    def __str__(self) -> str:
        return str(self.org)


# ---------------------------------------------------------------------------------------------
# Talks


class TalkKind(models.TextChoices):
    ROUTINE = "routine", _("Routine talk (日常谈心)")
    REMINDER = "reminder", _("Reminder talk (提醒谈话)")
    REQUIRED = "required", _("Required talk (必谈)")


class TalkQuerySet(models.QuerySet):
    def for_list(self) -> "TalkQuerySet":
        return self.select_related("org", "officer", "member", "recorded_by")


class Talk(models.Model):
    """A heart-to-heart talk an officer held with a member. The summary is confidential."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="care_talks"
    )
    officer = models.ForeignKey(
        "members.Member", verbose_name=_("officer"), on_delete=models.PROTECT, related_name="talks_held"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="talks_received"
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=16, choices=TalkKind.choices, default=TalkKind.ROUTINE)
    summary = models.TextField(_("talk summary"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(officer=models.F("member")), name="care_talk_not_with_oneself"),
        ]
        indexes = [models.Index(fields=["member", "held_on"], name="care_talk_member_held_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} · {self.officer} · {self.member}"


class TodoReason(models.TextChoices):
    NEW_MEMBER = "new_member", _("New member")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    HARDSHIP_NEED = "hardship_need", _("Hardship need")
    REPEATED_ABSENCE = "repeated_absence", _("Repeated absence")
    EVALUATION_RESULT = "evaluation_result", _("Evaluation result")
    EARLY_WARNING = "early_warning", _("Early warning")


class TalkTodoQuerySet(models.QuerySet):
    def open(self) -> "TalkTodoQuerySet":
        return self.filter(talk__isnull=True, cancelled_reason="")

    def for_list(self) -> "TalkTodoQuerySet":
        return self.select_related("member", "org", "assignee", "talk")


class TalkTodo(models.Model):
    """A talk some event requires (a new member, a hardship need …): done when a talk is recorded from it."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="talk_todos"
    )
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="care_talk_todos"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=TodoReason.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    # What opened it ("membership:12", "need:4"): with member and reason it makes opening idempotent.
    source_key = models.CharField(_("source"), max_length=100)
    assignee = models.ForeignKey(
        "members.Member",
        verbose_name=_("officer to talk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_talk_todos",
    )
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    talk = models.OneToOneField(
        Talk, verbose_name=_("talk"), null=True, blank=True, on_delete=models.SET_NULL, related_name="todo"
    )
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = TalkTodoQuerySet.as_manager()

    class Meta:
        verbose_name = _("required-talk to-do")
        verbose_name_plural = _("required-talk to-dos")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "reason", "source_key"], name="care_talktodo_once_per_source"),
            models.CheckConstraint(
                condition=Q(talk__isnull=True) | Q(cancelled_reason=""), name="care_talktodo_done_or_cancelled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_reason_display()}"

    @property
    def is_open(self) -> bool:
        return self.talk_id is None and not self.cancelled_reason
