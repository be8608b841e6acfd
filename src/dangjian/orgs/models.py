from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import DatedQuerySet, TimeStampedModel, period_constraint


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class OrganisationQuerySet(models.QuerySet):
    def active(self) -> "OrganisationQuerySet":
        return self.filter(dissolved_on__isnull=True)

    def subtree_of(self, org: "Organisation") -> "OrganisationQuerySet":
        return self.filter(path__startswith=org.path)

    def branches(self) -> "OrganisationQuerySet":
        return self.filter(kind=OrgKind.BRANCH)


class Organisation(TimeStampedModel):
    """A node in the Party organisation tree: committee → general branch → branch → group.

    The tree is an adjacency list (`parent`) plus a materialised `path` of zero-padded ids
    ("000001/000004/"), so a subtree is one indexed prefix query on SQLite and PostgreSQL alike.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("organisation name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    admin_unit = models.CharField(_("administrative unit served"), max_length=100, blank=True)
    admin_unit_head = models.CharField(_("head of the administrative unit"), max_length=64, blank=True)
    term_started_on = models.DateField(_("current term began on"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("term length in years"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the regulation's term length for this kind."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="orgs_organisation_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_segment(pk: int) -> str:
        return f"{pk:06d}/"

    @property
    def branch(self) -> "Organisation":
        """The branch that looks after members of this organisation: a group's parent, else itself."""
        return self.parent if self.kind == OrgKind.GROUP and self.parent_id else self

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Position(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation member")
    PROPAGANDA = "propaganda", _("Propaganda member")
    DISCIPLINE = "discipline", _("Discipline member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    ORGANISER = "organiser", _("Organiser (组织员)")
    GROUP_LEADER = "group_leader", _("Group leader")


class OfficerTermQuerySet(DatedQuerySet):
    def by_rank(self) -> "OfficerTermQuerySet":
        """Secretary first, then deputy, committee members, organiser, group leader: as a notice lists them."""
        rank = models.Case(
            *(models.When(position=value, then=index) for index, value in enumerate(Position.values)),
            default=len(Position.values),
        )
        return self.order_by(rank, "since", "pk")


class OfficerTerm(TimeStampedModel):
    """One person holding one office in one organisation for a period."""

    org = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="officer_terms"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="officer_terms"
    )
    position = models.CharField(_("position"), max_length=32, choices=Position.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = OfficerTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer term")
        verbose_name_plural = _("officer terms")
        ordering = ["org", "position", "-since"]
        constraints = [
            period_constraint("orgs_officerterm_until_after_since"),
            models.UniqueConstraint(
                fields=["org", "member", "position"],
                condition=Q(until__isnull=True),
                name="orgs_officerterm_one_open_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_position_display()} · {self.member}"
