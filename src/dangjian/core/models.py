import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class AuditEventQuerySet(models.QuerySet):
    def for_objects(self, object_type: str, object_id) -> "AuditEventQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))

    # Bulk writes would bypass the model's own refusal below.
    def update(self, **kwargs):
        raise ValueError("Audit events are append-only.")

    def delete(self):
        raise ValueError("Audit events are append-only.")

    delete.queryset_only = True

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One write (or one reveal of personal data): who, what, when, from where, and the change.

    Append-only: the model refuses updates and deletes, and the admin shows it read-only.
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


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
