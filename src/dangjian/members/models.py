import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import DatedQuerySet, TimeStampedModel, period_constraint


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Category(models.TextChoices):
    FACULTY = "faculty", _("Faculty and staff")
    UNDERGRADUATE = "undergraduate", _("Undergraduate student")
    GRADUATE = "graduate", _("Graduate student")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("College diploma")
    SECONDARY = "secondary", _("Secondary school or below")


class Status(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class MemberQuerySet(models.QuerySet):
    def current(self) -> "MemberQuerySet":
        """Members who belong to an organisation now (not transferred out)."""
        return self.filter(org__isnull=False)

    def with_status(self, status: str, on: datetime.date | None = None) -> "MemberQuerySet":
        on = on or timezone.localdate()
        if status == Status.FULL:
            return self.filter(full_member_on__lte=on)
        return self.filter(Q(full_member_on__isnull=True) | Q(full_member_on__gt=on))

    def for_list(self) -> "MemberQuerySet":
        return self.select_related("org", "org__parent")


class Member(TimeStampedModel):
    """A Party member, with the fields the national member information system keeps."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(_("name"), max_length=64)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, default="汉族")
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, null=True, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    number = models.CharField(_("staff or student number"), max_length=32, unique=True, null=True, blank=True)
    admin_unit = models.CharField(_("department or class"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    joined_on = models.DateField(_("joined the Party on"))
    full_member_on = models.DateField(_("became a full member on"), null=True, blank=True)
    # The organisation the member belongs to now: the deepest one (a group, else a branch).
    # It mirrors the open row of `Membership`, which keeps the history; services keep both in
    # step in one transaction, and the copy makes scoped roster queries a single join.
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_members",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=models.F("joined_on")),
                name="members_member_full_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["category"], name="members_category_idx")]

    def __str__(self) -> str:
        return self.name

    def status_on(self, on: datetime.date | None = None) -> str:
        on = on or timezone.localdate()
        return Status.FULL if self.full_member_on and self.full_member_on <= on else Status.PROBATIONARY

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


class MembershipQuerySet(models.QuerySet):
    def current(self) -> "MembershipQuerySet":
        return self.filter(until__isnull=True)


class Membership(TimeStampedModel):
    """Which organisation a member belonged to, from when until when."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["member", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(until__isnull=True), name="members_membership_one_open"
            ),
            period_constraint("members_membership_until_after_since"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.org} · {self.since}–{self.until or ''}"


class SituationKind(models.TextChoices):
    FLOWING = "flowing", _("Flowing member (away from the unit)")
    ABROAD = "abroad", _("Abroad")
    FRAIL = "frail", _("Frail or ill: exempt from attendance")


class SpecialSituationQuerySet(DatedQuerySet):
    def on(self, day: datetime.date) -> "SpecialSituationQuerySet":
        return self.current(day)


class SpecialSituation(TimeStampedModel):
    """A dated special situation: flowing, abroad, or frail and exempt (教育管理条例 Art.23, 32)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="situations")
    kind = models.CharField(_("kind"), max_length=16, choices=SituationKind.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SpecialSituationQuerySet.as_manager()

    class Meta:
        verbose_name = _("special situation")
        verbose_name_plural = _("special situations")
        ordering = ["member", "-since"]
        constraints = [
            period_constraint("members_situation_until_after_since"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"
