"""Reads for semesters, the calendar, directives and study plans, limited to the actor's scope.

Who sees what: semesters and directives belong to a committee and are seen by every officer and
auditor whose scope lies in that committee's tree. A plan is seen by those who may see its
organisation, and also by the officers below it (a branch sees its committee's plan).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import Role, User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.core.models import CalendarDay
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.orgs.rules import ancestor_paths
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    Directive,
    DirectiveItem,
    Organiser,
    PlanItem,
    PlanStatus,
    Semester,
    StudyPlan,
)
from dangjian.study.rules import plans as rules

# --- Permissions --------------------------------------------------------------------------------


def _reach(actor: User, perm: Perm, prefix: str) -> Q:
    """Rows whose organisation (at `prefix`) is under one of the actor's roots for `perm`, or above one."""
    scope = scope_for(actor)
    roots = scope.paths(perm)
    if "" in roots:
        return Q()
    if not roots:
        return Q(pk__in=[])
    above = sorted({a for root in roots for a in ancestor_paths(root)})
    return scope.org_filter(perm, prefix=prefix) | Q(**{f"{prefix}__in": above})


def _reaches(actor: User, perm: Perm, path: str) -> bool:
    roots = scope_for(actor).paths(perm)
    return any(path.startswith(root) or root.startswith(path) for root in roots)


def can_manage_study(actor: User, org: Organisation) -> bool:
    return scope_for(actor).allows(Perm.MANAGE_STUDY, org.path)


def can_edit_calendar(actor: User) -> bool:
    """Administrators and committee officers keep the one working-day calendar."""
    scope = scope_for(actor)
    return scope.is_admin or Role.COMMITTEE_OFFICER in scope.roles


def access_semester(actor: User, semester_id: int | str, perm: Perm = Perm.VIEW_ORG) -> Semester:
    """A semester the actor may see (or, with MANAGE_STUDY, change); 404 for missing and forbidden alike."""
    try:
        semester = Semester.objects.select_related("committee").get(pk=semester_id)
    except (Semester.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    path = semester.committee.path
    allowed = scope_for(actor).allows(perm, path) if perm != Perm.VIEW_ORG else _reaches(actor, perm, path)
    if not allowed:
        raise NotFound()
    return semester


def access_directive(actor: User, directive_id: int | str, perm: Perm = Perm.VIEW_ORG) -> Directive:
    """A directive the actor may see (or, with MANAGE_STUDY, change); 404 otherwise."""
    try:
        directive = Directive.objects.select_related("committee", "semester").get(pk=directive_id)
    except (Directive.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    path = directive.committee.path
    allowed = scope_for(actor).allows(perm, path) if perm != Perm.VIEW_ORG else _reaches(actor, perm, path)
    if not allowed:
        raise NotFound()
    return directive


def access_study_plan(actor: User, plan_id: int | str, perm: Perm = Perm.VIEW_ORG) -> StudyPlan:
    """A plan the actor may see (its organisation's viewers and the officers below it) or manage; 404 otherwise."""
    try:
        plan = StudyPlan.objects.select_related("org", "semester", "semester__committee").get(pk=plan_id)
    except (StudyPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    path = plan.org.path
    allowed = scope_for(actor).allows(perm, path) if perm != Perm.VIEW_ORG else _reaches(actor, perm, path)
    if not allowed:
        raise NotFound()
    return plan


def access_plan_item(actor: User, item_id: int | str, perm: Perm = Perm.MANAGE_STUDY) -> PlanItem:
    """A plan item whose plan the actor may manage (or see); 404 otherwise."""
    try:
        item = PlanItem.objects.select_related("plan", "plan__org", "plan__semester", "source").get(pk=item_id)
    except (PlanItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    path = item.plan.org.path
    allowed = scope_for(actor).allows(perm, path) if perm != Perm.VIEW_ORG else _reaches(actor, perm, path)
    if not allowed:
        raise NotFound()
    return item


# --- Organisations ------------------------------------------------------------------------------


def committee_of(org: Organisation) -> Organisation | None:
    """The nearest committee at or above `org`."""
    ids = [*org.ancestor_ids(), org.pk]
    return Organisation.objects.filter(pk__in=ids, kind=OrgKind.COMMITTEE).order_by("-depth").first()


def committees_managed(*, actor: User) -> QuerySet[Organisation]:
    """Committees where the actor may define semesters and record directives."""
    return (
        Organisation.objects.active()
        .filter(kind=OrgKind.COMMITTEE)
        .filter(scope_for(actor).org_filter(Perm.MANAGE_STUDY, prefix="path"))
        .order_by("path")
    )


def plan_orgs(*, actor: User) -> QuerySet[Organisation]:
    """Organisations for which the actor may draw up a study plan."""
    return (
        Organisation.objects.active()
        .filter(kind__in=rules.PLAN_KINDS)
        .filter(scope_for(actor).org_filter(Perm.MANAGE_STUDY, prefix="path"))
        .order_by("path")
    )


# --- Semesters and the calendar -----------------------------------------------------------------


def semester_list(*, actor: User, committee_id: int | None = None) -> QuerySet[Semester]:
    """Semesters of the committees in the actor's reach, newest first."""
    qs = Semester.objects.filter(_reach(actor, Perm.VIEW_ORG, "committee__path")).select_related("committee")
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    return qs.order_by("-starts_on", "committee__path", "pk")


def semesters_managed(*, actor: User) -> QuerySet[Semester]:
    """Semesters of the committees where the actor records directives."""
    return semester_list(actor=actor).filter(committee__in=committees_managed(actor=actor))


def semester_current(
    *, actor: User, committee: Organisation | None = None, today: datetime.date | None = None
) -> Semester | None:
    """The semester holding `today`; between semesters, the next one; else the latest one."""
    today = today or timezone.localdate()
    semesters = semester_list(actor=actor, committee_id=committee.pk if committee else None)
    return (
        semesters.filter(starts_on__lte=today, ends_on__gte=today).first()
        or semesters.filter(starts_on__gt=today).order_by("starts_on").first()
        or semesters.first()
    )


def calendar_days(*, year: int) -> list[CalendarDay]:
    """The holidays and make-up working days of one year (the calendar is the same for everyone)."""
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


# --- Directives ---------------------------------------------------------------------------------


def directive_list(*, actor: User, semester: Semester | None = None) -> QuerySet[Directive]:
    qs = (
        Directive.objects.filter(_reach(actor, Perm.VIEW_ORG, "committee__path"))
        .select_related("committee", "semester")
        .annotate(item_count=Count("items"))
    )
    if semester is not None:
        qs = qs.filter(semester=semester)
    return qs.order_by("-semester__starts_on", "-issued_on", "-pk")


def directive_items_for(*, plan: StudyPlan) -> QuerySet[DirectiveItem]:
    """Directive items a plan's items may follow: those of its committee for the plan's semester."""
    return DirectiveItem.objects.filter(directive__semester=plan.semester).select_related("directive")


def directive_item_plans(*, actor: User) -> Prefetch:
    """For directive items: the plan items that follow them, in plans the actor may see (copies left out)."""
    visible = StudyPlan.objects.filter(_reach(actor, Perm.VIEW_ORG, "org__path"))
    return Prefetch(
        "plan_items",
        queryset=PlanItem.objects.filter(plan__in=visible, source__isnull=True)
        .select_related("plan__org")
        .order_by("plan__org__path", "month"),
    )


# --- Plans --------------------------------------------------------------------------------------


def study_plan_list(*, actor: User, semester_id: int | None = None, org_id: int | None = None) -> QuerySet[StudyPlan]:
    """Plans the actor may see, with their organisation, semester and item counts."""
    qs = (
        StudyPlan.objects.filter(_reach(actor, Perm.VIEW_ORG, "org__path"))
        .select_related("org", "semester")
        .annotate(
            item_count=Count("items", distinct=True),
            required_count=Count("items", filter=Q(items__source__isnull=False), distinct=True),
        )
    )
    if semester_id is not None:
        qs = qs.filter(semester_id=semester_id)
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    return qs.order_by("-semester__starts_on", "org__path", "pk")


@dataclass
class ItemRow:
    """A plan item with what happened to it: planned vs actual."""

    item: PlanItem
    activity_count: int
    done: bool
    branch_count: int = 0  # for a committee's "every branch" item: branches that received it
    branches_done: int = 0  # … and of those, branches that have held it

    @property
    def required(self) -> bool:
        return self.item.source_id is not None

    @property
    def sanhui_yike(self) -> str | None:
        return rules.sanhui_yike(self.item.form)


@dataclass
class PlanDetail:
    plan: StudyPlan
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def planned_minutes(self) -> int:
        return sum(row.item.planned_minutes for row in self.rows)

    @property
    def held(self) -> int:
        return sum(1 for row in self.rows if row.done)


def _done_activities(now: datetime.datetime, item_ref: str) -> QuerySet[Activity]:
    return Activity.objects.filter(
        **{"plan_item": OuterRef(item_ref)}, status=ActivityStatus.PUBLISHED, ends_at__lte=now
    )


def study_plan_detail(*, plan: StudyPlan, now: datetime.datetime | None = None) -> PlanDetail:
    """A plan (reached through `access_study_plan`) with its items, planned vs actual, in three queries."""
    now = now or timezone.now()
    items = (
        PlanItem.objects.filter(plan=plan)
        .select_related("directive_item", "source", "source__plan__org")
        .annotate(
            activity_count=Count("activities", filter=~Q(activities__status=ActivityStatus.CANCELLED), distinct=True),
            done=Exists(_done_activities(now, "pk")),
        )
        .order_by("month", "planned_on", "pk")
    )
    rows = [ItemRow(item=i, activity_count=i.activity_count, done=i.done) for i in items]
    pushed = [row for row in rows if row.item.organiser == Organiser.EVERY_BRANCH and not row.required]
    if pushed:
        copies = (
            PlanItem.objects.filter(source__in=[row.item.pk for row in pushed])
            .annotate(done=Exists(_done_activities(now, "pk")))
            .values_list("source_id", "done")
        )
        tally: dict[int, list[int]] = {}
        for source_id, done in copies:
            counts = tally.setdefault(source_id, [0, 0])
            counts[0] += 1
            counts[1] += bool(done)
        for row in pushed:
            row.branch_count, row.branches_done = tally.get(row.item.pk, [0, 0])
    return PlanDetail(plan=plan, rows=rows)


def plans_to_publish(*, actor: User, today: datetime.date) -> QuerySet[StudyPlan]:
    """Draft plans of organisations where the actor runs study, for semesters not yet over, soonest first."""
    return (
        StudyPlan.objects.filter(
            scope_for(actor).org_filter(Perm.MANAGE_STUDY, "org__path"),
            status=PlanStatus.DRAFT,
            semester__ends_on__gte=today,
        )
        .select_related("org", "semester")
        .order_by("semester__starts_on", "org__path", "pk")
    )
