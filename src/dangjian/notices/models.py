"""Notices (通知): short messages the platform leaves for one account, with a link to what they are about.

A notice is the platform speaking to a person (a need has become overdue, a talk is due, an appeal
was answered). It is never a broadcast to be counted: no read receipts go to anyone but the reader.

Announcements (通知公告) are the broadcasts: an organisation's officers publish them to its subtree.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel
from dangjian.members.audience import Audience


class NoticeQuerySet(models.QuerySet):
    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What the notice is about, for a reminder sent once only ("life:12:lecture:quarter:2026-10-01"):
    # a second notice with the same key to the same person is not sent. Empty (null) for other notices.
    key = models.CharField(_("dedupe key"), max_length=120, null=True, blank=True, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=models.Q(key__isnull=False), name="notice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- Announcements (通知公告) ------------------------------------------------------------------------


class AnnouncementQuerySet(models.QuerySet):
    def live(self, today) -> "AnnouncementQuerySet":
        """Published, not withdrawn and not past its last day: what members are shown."""
        return self.filter(withdrawn_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today)
        )


class Announcement(TimeStampedModel):
    """A notice an organisation publishes to the members of its subtree, for one audience.

    A committee's announcement reaches every branch under it. Unlike a `Notice`, it is counted: the
    officers see per branch how many of those addressed have read it, never who, except where the
    announcement asks for confirmation (a meeting notice), where a branch's officers see who has not
    confirmed yet.
    """

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("publishing organisation"),
        on_delete=models.PROTECT,
        related_name="announcements",
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    pinned = models.BooleanField(_("pinned"), default=False)
    requires_confirmation = models.BooleanField(_("requires confirmation"), default=False)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    expires_on = models.DateField(_("shown until"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="announcements",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [models.Index(fields=["org", "published_at"], name="announcement_org_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_live(self, today) -> bool:
        return not self.is_withdrawn and (self.expires_on is None or self.expires_on >= today)


def announcement_attachment_path(instance: "AnnouncementAttachment", filename: str) -> str:
    # Stored under a random name: the original name is kept in the row and given back on download.
    return f"notices/announcements/{instance.announcement_id}/{instance.token}{instance.extension}"


class AnnouncementAttachment(models.Model):
    """A file published with an announcement; served only to who may see the announcement."""

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=announcement_attachment_path, max_length=200)
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


class AnnouncementRead(models.Model):
    """That one account has read (and perhaps confirmed) one announcement. Shown to nobody but the
    reader, except as counts, and as "not yet confirmed" to the officers of the reader's branch."""

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reader"), on_delete=models.CASCADE, related_name="announcement_reads"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement read")
        verbose_name_plural = _("announcement reads")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="notices_announcementread_once"),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(confirmed_at__gte=models.F("read_at")),
                name="notices_announcementread_confirmed_after_read",
            ),
        ]
        indexes = [models.Index(fields=["user", "announcement"], name="announcementread_user")]

    def __str__(self) -> str:
        return f"{self.announcement_id} · {self.user_id}"


class DigestPreference(models.Model):
    """A person's choice of the daily e-mail digest (their open to-dos and unread notices): off unless they
    turn it on, sent to the address they give here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField(_("daily e-mail digest"), default=False)
    email = models.EmailField(_("e-mail address"), blank=True)
    # The day the last digest went out: the daily job sends at most one a day.
    last_sent_on = models.DateField(_("last sent on"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enabled=False) | ~models.Q(email=""), name="notice_digest_needs_an_address"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)
