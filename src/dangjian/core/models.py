import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.auditchain.hashing import HASHED_FIELDS, event_hash


class DatedQuerySet(models.QuerySet):
    """Rows that hold for a period `since`–`until` (inclusive; an open end holds on)."""

    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(models.Q(since__lte=on), models.Q(until__isnull=True) | models.Q(until__gte=on))


def period_constraint(name: str) -> models.CheckConstraint:
    """The database refuses a period that ends before it begins."""
    return models.CheckConstraint(
        condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")), name=name
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    # Bulk writes would bypass the model's own refusal of updates and deletes.
    def update(self, **kwargs):
        raise ValueError("Audit rows are append-only.")

    def delete(self):
        raise ValueError("Audit rows are append-only.")

    delete.queryset_only = True

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("Audit rows are append-only.")


class AppendOnlyModel(models.Model):
    """A row written once: saving it again or deleting it raises (its querysets refuse updates and deletes)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_objects(self, object_type: str, object_id) -> "AuditEventQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))


class ContentHashField(models.CharField):
    """The SHA-256 of the event's own content, computed as the row is inserted.

    Computed in the field's `pre_save`, which Django calls for every inserted row, one by one, by
    `save()` and `bulk_create()` alike, after the fields declared before it (so after `at` has taken
    its time): no query, and bulk writers stay bulk. Writers that bypass the model compute it with
    `dangjian.core.auditchain.hashing.event_hash` themselves.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        if add:
            value = event_hash(**{name: getattr(model_instance, name) for name in HASHED_FIELDS})
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)


class AuditEvent(AppendOnlyModel):
    """One write (or one reveal of personal data): who, what, when, from where, and the change.

    Append-only: the model refuses updates and deletes, and the admin shows it read-only. Each row
    holds the hash of its own content, and every day's rows are sealed into a chain (`AuditSeal`), so
    that a row changed or deleted in the database itself is found by `dangjian audit verify`.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The organisation the object belongs to, as a tree path, so that audit reads can be scoped.
    org_path = models.CharField(_("organisation path"), max_length=255, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    # Declared last: its pre_save reads the fields above, `at` included.
    content_hash = ContentHashField(_("content hash"))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Make-up working day (调休)")


class CalendarDay(models.Model):
    """An exception to the ordinary week: a holiday on a weekday, or a working weekend day.

    One working-day calendar serves every rule that counts working days (deadlines for needs,
    公示 periods, make-up due dates). The statutory days ship as editable data.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class AuditSeal(AppendOnlyModel):
    """One day's audit events, sealed: their Merkle root and number, chained to the previous day's seal.

    Written by the nightly job (or `dangjian audit seal`) for every day from the first event's day to
    yesterday, days without events included, and never rewritten. `chain` is
    SHA-256(previous chain | root | day | count), so that changing or removing a seal breaks every
    later link. Like the backups' log it is a machine's record, not a user's change: not audited.
    """

    day = models.DateField(_("day"), unique=True)
    root = models.CharField(_("Merkle root"), max_length=64)
    count = models.PositiveIntegerField(_("events"))
    previous_chain = models.CharField(_("previous chain"), max_length=64)
    chain = models.CharField(_("chain"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.count} {self.chain[:12]}"


class AuditVerification(models.Model):
    """One run of the audit log's verification: when, how far, and what it found.

    The audit page shows the last one. `head_day`/`head_chain` are the newest seal the run saw, so
    that the next run notices seals removed from the end of the chain.
    """

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    since = models.DateField(_("verified from"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=16)
    events = models.PositiveBigIntegerField(_("events checked"), default=0)
    days = models.PositiveIntegerField(_("sealed days checked"), default=0)
    ok = models.BooleanField(_("intact"))
    findings = models.JSONField(_("findings"), default=list, blank=True)  # the first FINDINGS_KEPT
    finding_count = models.PositiveIntegerField(_("number of findings"), default=0)
    head_day = models.DateField(_("newest seal"), null=True, blank=True)
    head_chain = models.CharField(_("newest chain"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit verification")
        verbose_name_plural = _("audit verifications")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else self.finding_count}"
