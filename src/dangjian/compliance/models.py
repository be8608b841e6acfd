"""Early-warning entries: one member of one branch with explainable signals, open until an officer
records what was done about it, or why nothing needs doing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.compliance import rules
from dangjian.compliance.rules import reminders, requirements
from dangjian.core.models import TimeStampedModel


class Level(models.TextChoices):
    WARNING = rules.Level.WARNING, _("Warning")
    ALARM = rules.Level.ALARM, _("Alarm")


class EntryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SuggestedAction(models.TextChoices):
    TALK = rules.Action.TALK, _("A heart-to-heart talk")
    VISIT = rules.Action.VISIT, _("A visit")
    STUDY_AT_HOME = rules.Action.STUDY_AT_HOME, _("Bringing study to the member's home (送学上门)")


class Resolution(models.TextChoices):
    """How an entry was closed: an action taken, or a reason why none is needed."""

    TALK = "talk", _("Talk held")
    VISIT = "visit", _("Visit made")
    STUDY_AT_HOME = "study_at_home", _("Study brought home (送学上门)")
    OTHER = "other", _("Other action")
    EXPLAINED = "explained", _("Closed with a reason")


ACTIONS = (Resolution.TALK, Resolution.VISIT, Resolution.STUDY_AT_HOME, Resolution.OTHER)


class WarningEntryQuerySet(models.QuerySet):
    def open(self) -> "WarningEntryQuerySet":
        return self.filter(status=EntryStatus.OPEN)

    def closed(self) -> "WarningEntryQuerySet":
        return self.filter(status=EntryStatus.CLOSED)

    def by_level_and_age(self) -> "WarningEntryQuerySet":
        """Alarms first, then the longest open: never by a score."""
        rank = models.Case(models.When(level=Level.ALARM, then=0), default=1, output_field=models.IntegerField())
        return self.order_by(rank, "opened_on", "pk")

    def for_list(self) -> "WarningEntryQuerySet":
        return self.select_related("member", "org", "closed_by", "talk", "talk__officer")


class WarningEntry(TimeStampedModel):
    """One member on a branch's early-warning list, with the reasons (with dates) the refresh found."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="warning_entries"
    )
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="warning_entries"
    )
    status = models.CharField(_("status"), max_length=8, choices=EntryStatus.choices, default=EntryStatus.OPEN)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.WARNING)
    # The findings of `rules.evaluate` as of the last refresh (see `rules.Finding.as_dict`).
    reasons = models.JSONField(_("reasons"), default=list)
    suggested_action = models.CharField(
        _("suggested action"), max_length=16, choices=SuggestedAction.choices, default=SuggestedAction.TALK
    )
    opened_on = models.DateField(_("opened on"))
    refreshed_on = models.DateField(_("checked on"))
    # Set when a refresh no longer finds any signal; the entry stays open until an officer closes it.
    cleared_on = models.DateField(_("no longer signalled since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    # The date the action was taken (or the reason given) and a note on it.
    resolved_on = models.DateField(_("action taken on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    talk = models.ForeignKey(
        "care.Talk",
        verbose_name=_("talk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warning_entries",
    )
    # The required-talk to-do the entry opened in the care app, if any.
    talk_todo = models.ForeignKey(
        "care.TalkTodo",
        verbose_name=_("required-talk to-do"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warning_entries",
    )

    objects = WarningEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("early-warning entry")
        verbose_name_plural = _("early-warning entries")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status=EntryStatus.OPEN), name="compliance_warning_one_open_per_member"
            ),
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="compliance_warning_status_valid"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="compliance_warning_level_valid"),
            # Open: nothing of a closing. Closed: when, how, on what day, and a note — never bare.
            models.CheckConstraint(
                condition=Q(status=EntryStatus.OPEN, closed_on__isnull=True, resolution="", resolved_on__isnull=True)
                | (
                    Q(status=EntryStatus.CLOSED, closed_on__isnull=False, resolved_on__isnull=False)
                    & Q(resolution__in=Resolution.values)
                    & ~Q(note="")
                ),
                name="compliance_warning_closed_with_action_or_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="compliance_warning_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "level"], name="compliance_warning_org_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_level_display()} · {self.opened_on}"

    @property
    def is_open(self) -> bool:
        return self.status == EntryStatus.OPEN


class RequirementExcuse(TimeStampedModel):
    """An officer's written reason why an organisation did not meet one requirement of organisational
    life in one period (a student branch over the summer, a branch founded mid-year). The check shows
    the period as excused; a period met anyway stays met."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="requirement_excuses",
    )
    requirement = models.CharField(_("requirement"), max_length=32)
    period_kind = models.CharField(_("kind of period"), max_length=16)
    period_starts_on = models.DateField(_("period starts on"))
    period_ends_on = models.DateField(_("period ends on"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("excused by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("excused requirement")
        verbose_name_plural = _("excused requirements")
        ordering = ["org", "requirement", "-period_starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "requirement", "period_kind", "period_starts_on"],
                name="compliance_excuse_once_per_period",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="compliance_excuse_has_reason"),
            models.CheckConstraint(
                condition=Q(period_ends_on__gte=models.F("period_starts_on")), name="compliance_excuse_period_order"
            ),
        ]
        indexes = [models.Index(fields=["org", "period_starts_on"], name="compliance_excuse_org_idx")]

    def __str__(self) -> str:
        """The organisation, the requirement's name and the period, as the audit log names the excuse."""
        try:
            name = requirements.requirement_set().get(self.requirement).name
        except KeyError:  # a requirement of an older version
            name = self.requirement
        try:
            period = requirements.ReportingPeriod(self.period_starts_on, self.period_ends_on, self.period_kind).label
        except ValueError:
            period = f"{self.period_starts_on}—{self.period_ends_on}"
        return f"{self.org} · {name} · {period}"


class LifeSettings(TimeStampedModel):
    """A committee's choices for organisational life: the variant of the requirements, its overrides
    (validated through `rules.requirements.requirement_set` before they are stored), and how many
    working days ahead reminders go out. Its branches follow the nearest committee above them that
    has settings; without any, the regulations' standard set and the default lead time apply."""

    org = models.OneToOneField(
        "orgs.Organisation", verbose_name=_("committee"), on_delete=models.CASCADE, related_name="life_settings"
    )
    variant = models.CharField(
        _("variant"),
        max_length=16,
        blank=True,
        choices=[
            (requirements.Variant.STANDARD, _("Standard")),
            (requirements.Variant.UNIVERSITY, _("University (Party lectures at least twice a semester)")),
        ],
    )
    # Requirement key → the fields that differ, e.g. {"committee_meeting": {"times": 2}}.
    overrides = models.JSONField(_("overrides"), default=dict, blank=True)
    reminder_working_days = models.PositiveSmallIntegerField(
        _("reminder lead time in working days"), default=reminders.DEFAULT_REMINDER_WORKING_DAYS
    )

    class Meta:
        verbose_name = _("organisational-life settings")
        verbose_name_plural = _("organisational-life settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(variant__in=requirements.Variant.ALL), name="compliance_life_settings_variant_valid"
            ),
            models.CheckConstraint(
                condition=Q(reminder_working_days__lte=reminders.MAX_REMINDER_WORKING_DAYS),
                name="compliance_life_settings_reminder_days_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.org)
