"""Dues: members' monthly bases, hardship reliefs, and the monthly ledger lines of what was due and paid.

Months are stored as their first day. The platform records payments; it never takes money itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel
from dangjian.dues import rules


class BaseSource(models.TextChoices):
    DECLARED = "declared", _("Declared by the member")
    IMPORTED = "imported", _("Imported from the payroll office")
    CONFIRMED = "confirmed", _("Declared and confirmed by the branch")


class DuesBaseQuerySet(models.QuerySet):
    def in_force(self) -> "DuesBaseQuerySet":
        """Bases that price dues: imported, or declared and confirmed by the branch."""
        return self.filter(source__in=[BaseSource.IMPORTED, BaseSource.CONFIRMED])


class DuesBase(TimeStampedModel):
    """A member's monthly base from the month the new pay was first paid (党费规定 Art.1, Art.10)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="dues_bases"
    )
    payer_class = models.CharField(_("pays as"), max_length=16, choices=rules.PAYER_CLASSES)
    amount = models.DecimalField(_("monthly base"), max_digits=10, decimal_places=2, null=True, blank=True)
    effective_month = models.DateField(_("from the month"))
    source = models.CharField(_("source"), max_length=16, choices=BaseSource.choices)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("declared by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DuesBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        ordering = ["member", "-effective_month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_month"], name="dues_base_one_per_month"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="dues_base_not_negative"),
            # A class priced on a base has one; the fixed amount has none.
            models.CheckConstraint(
                condition=(Q(payer_class=rules.FLAT) & Q(amount__isnull=True))
                | (Q(payer_class__in=sorted(rules.NEEDS_BASE)) & Q(amount__isnull=False)),
                name="dues_base_amount_for_class",
            ),
            models.CheckConstraint(
                condition=~Q(source=BaseSource.CONFIRMED) | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="dues_base_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.effective_month:%Y-%m} · {self.amount}"

    @property
    def applies(self) -> bool:
        return self.source in (BaseSource.IMPORTED, BaseSource.CONFIRMED)


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", _("Reduced")
    WAIVE = "waive", _("Waived")


class ReliefQuerySet(models.QuerySet):
    def approved(self) -> "ReliefQuerySet":
        return self.filter(approved_at__isnull=False)


class Relief(TimeStampedModel):
    """A hardship reduction or waiver: studied by the branch, approved by the committee above (Art.7)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="dues_reliefs"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReliefKind.choices)
    reduced_to = models.DecimalField(_("monthly amount"), max_digits=8, decimal_places=2, null=True, blank=True)
    from_month = models.DateField(_("from the month"))
    until_month = models.DateField(_("until the month"))
    reason = models.TextField(_("reason"))
    branch_decided_on = models.DateField(_("branch decided on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = ReliefQuerySet.as_manager()

    class Meta:
        verbose_name = _("hardship relief")
        verbose_name_plural = _("hardship reliefs")
        ordering = ["member", "-from_month"]
        constraints = [
            models.CheckConstraint(condition=Q(until_month__gte=F("from_month")), name="dues_relief_period"),
            models.CheckConstraint(
                condition=(Q(kind=ReliefKind.WAIVE) & Q(reduced_to__isnull=True))
                | (Q(kind=ReliefKind.REDUCE) & Q(reduced_to__gte=0)),
                name="dues_relief_amount_for_kind",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="dues_relief_approval_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.from_month:%Y-%m}–{self.until_month:%Y-%m}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class Method(models.TextChoices):
    CASH = "cash", _("Cash to the collector")
    TRANSFER = "transfer", _("Bank or online transfer")
    IMPORT = "import", _("Imported from a payment statement")


class LedgerLineQuerySet(models.QuerySet):
    def unpaid(self) -> "LedgerLineQuerySet":
        return self.filter(paid_on__isnull=True, amount_due__gt=0)


class LedgerLine(models.Model):
    """One member's dues for one month: what was due (and how it was priced) and what was paid, when and how."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_lines"
    )
    month = models.DateField(_("month"))
    # The organisation the member belonged to when the month was generated: the collector's scope.
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="dues_lines"
    )
    payer_class = models.CharField(_("pays as"), max_length=16, choices=rules.PAYER_CLASSES)
    base = models.DecimalField(_("monthly base"), max_digits=10, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4, null=True, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=8)
    amount_by_rule = models.DecimalField(_("amount by the rule"), max_digits=10, decimal_places=2)
    relief = models.ForeignKey(
        Relief, verbose_name=_("relief"), on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    amount_due = models.DecimalField(_("amount due"), max_digits=10, decimal_places=2)
    paid_amount = models.DecimalField(_("paid"), max_digits=10, decimal_places=2, null=True, blank=True)
    voluntary = models.DecimalField(_("voluntary extra"), max_digits=10, decimal_places=2, default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    objects = LedgerLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues ledger line")
        verbose_name_plural = _("dues ledger lines")
        ordering = ["member", "month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_line_one_per_member_month"),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0, amount_by_rule__gte=0, voluntary__gte=0), name="dues_line_not_negative"
            ),
            models.CheckConstraint(condition=Q(amount_due__lte=F("amount_by_rule")), name="dues_line_due_by_rule"),
            # Paid in full (no part payment, no one paying for the member): the whole due and any extra, with a date and a way.
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True, paid_amount__isnull=True, method="", voluntary=0)
                | Q(paid_on__isnull=False, paid_amount=F("amount_due") + F("voluntary"), recorded_by__isnull=False)
                & ~Q(method=""),
                name="dues_line_paid_in_full",
            ),
            models.CheckConstraint(
                condition=Q(rule_version__in=sorted(rules.RULESET_BY_KEY)), name="dues_line_rule_version_known"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "month"], name="dues_line_org_month_idx"),
            models.Index(fields=["month", "paid_on"], name="dues_line_month_paid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.month:%Y-%m} · {self.amount_due}"

    @property
    def paid(self) -> bool:
        return self.paid_on is not None

    @property
    def to_centre(self) -> bool:
        return rules.goes_to_centre(self.voluntary, rules.RULESET_BY_KEY[self.rule_version])

    @property
    def ruleset(self) -> rules.RuleSet:
        return rules.RULESET_BY_KEY[self.rule_version]

    @property
    def citation(self) -> str:
        return self.ruleset.cite(self.payer_class)

    @property
    def percent(self) -> str:
        return f"{(self.rate * 100).normalize():f}%" if self.rate is not None else ""
