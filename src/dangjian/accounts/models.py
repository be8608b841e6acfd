import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import DatedQuerySet, TimeStampedModel, period_constraint


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The username is the person's 工号 or 学号."""

    username = models.CharField(_("staff or student number"), max_length=32, unique=True)
    display_name = models.CharField(_("name"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # The one account nightly jobs and the demo builder act as (see `accounts.system`): it holds
    # every permission, cannot log in (inactive, no usable password) and is named in the audit log.
    is_system = models.BooleanField(_("system account"), default=False, editable=False)
    date_joined = models.DateTimeField(_("created at"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["is_system"], condition=Q(is_system=True), name="one_system_account"),
            models.CheckConstraint(condition=Q(is_system=False) | Q(is_active=False), name="system_account_inactive"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    COMMITTEE_OFFICER = "committee_officer", _("Committee officer")
    BRANCH_OFFICER = "branch_officer", _("Branch officer")
    GROUP_LEADER = "group_leader", _("Group leader")
    AUDITOR = "auditor", _("Auditor (read-only)")


OFFICER_TERM_NOTE = "officer_term"  # a grant's note "officer_term:<pk>" ties it to an office term


class RoleGrantQuerySet(DatedQuerySet):
    def current(self, on: datetime.date | None = None) -> "RoleGrantQuerySet":
        return super().current(on).filter(withdrawn_at__isnull=True)


class RoleGrant(TimeStampedModel):
    """A role bound to an organisation for a period; it reaches the organisation's subtree."""

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Set when a grant is ended before its first day was over (granted by mistake): a date range
    # cannot end before it begins, so the grant keeps its dates and stops counting at once.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="admin") | Q(org__isnull=False),
                name="accounts_rolegrant_org_required",
            ),
            period_constraint("accounts_rolegrant_until_after_since"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org or ''}"

    @property
    def officer_term_id(self) -> int | None:
        """The office term that brought this role (see `orgs.services.officer_appoint`), if any."""
        prefix, _sep, pk = self.note.partition(":")
        return int(pk) if prefix == OFFICER_TERM_NOTE and pk.isdigit() else None


class TokenPurpose(models.TextChoices):
    """What a token opens. Each purpose is accepted only where it belongs: an API token is no calendar key."""

    API = "api", _("API access")
    CALENDAR = "calendar", _("Calendar feed")


class ApiToken(models.Model):
    """A revocable secret that stands for an account, for one purpose. Only its SHA-256 is stored.

    The platform's one such mechanism: the API's bearer tokens, and any later link that must work
    without a login (a calendar feed, a letter's QR code) as a purpose of its own. The holder sees the
    secret once; afterwards only its name and first characters identify it.
    """

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="api_tokens")
    purpose = models.CharField(_("purpose"), max_length=32, choices=TokenPurpose.choices, default=TokenPurpose.API)
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("beginning"), max_length=8, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}… · {self.expires_at:%Y-%m-%d}"
