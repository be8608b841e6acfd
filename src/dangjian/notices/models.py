"""Notices (通知): short messages the platform leaves for one account, with a link to what they are about.

A notice is the platform speaking to a person (a need has become overdue, a talk is due, an appeal
was answered). It is never a broadcast to be counted: no read receipts go to anyone but the reader.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
