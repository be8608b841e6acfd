"""Reads of committee-level meetings (党委会, 党政联席会议) and their decisions, limited to the actor's scope.

Who sees what:
- a meeting's record (agenda, attendance, every decision): those who may view the committee (its officers,
  an auditor over it, administrators) and the meeting's own attendees;
- a decision: the same, and the organisations it concerns — their officers and their members, through the
  list of the college's decisions (学院决定事项) — and its owner. A member of a branch sees the decisions
  that concern their branch (or an organisation above it), not the rest of the meeting.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.selectors import org_list
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionStatus,
    ExternalAttendee,
)
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.selectors.activities import own_org_ids

ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]
STATES = ("open", "overdue", "done", "all")


# --- which committees ---------------------------------------------------------------------------


def committees_run(actor: User) -> list[Organisation]:
    """Committees whose meetings the actor records: active committees where they run study."""
    scope = scope_for(actor)
    return [
        org
        for org in org_list(actor=actor)
        if org.kind == OrgKind.COMMITTEE and scope.allows(Perm.MANAGE_STUDY, org.path)
    ]


def can_see_meetings(actor: User) -> bool:
    """Whether the actor may view a committee (and so its meetings), or attends a meeting of one."""
    scope = scope_for(actor)
    viewed = Organisation.objects.filter(scope.org_filter(Perm.VIEW_ORG, prefix="path"), kind=OrgKind.COMMITTEE)
    if scope.has_anywhere(Perm.VIEW_ORG) and viewed.exists():
        return True
    member = actor_member(actor) if scope.member_id else None
    return (
        member is not None
        and Attendance.objects.filter(member=member, expected=True, activity__form__in=rules.LEADERSHIP_FORMS).exists()
    )


# --- meetings -----------------------------------------------------------------------------------


def _attending(member: Member | None) -> Q:
    if member is None:
        return Q(pk__in=[])
    return Q(pk__in=Attendance.objects.filter(member=member, expected=True).values("activity_id"))


def _meetings_visible(actor: User) -> Q:
    scope = scope_for(actor)
    if "" in scope.paths(Perm.VIEW_ORG):  # everywhere (an empty Q would swallow the OR below)
        return Q(form__in=rules.LEADERSHIP_FORMS)
    query = scope.org_filter(Perm.VIEW_ORG) if scope.has_anywhere(Perm.VIEW_ORG) else Q(pk__in=[])
    if scope.member_id:
        query |= _attending(actor_member(actor)) & ~Q(status=ActivityStatus.DRAFT)
    return Q(form__in=rules.LEADERSHIP_FORMS) & query


def can_view_meeting(actor: User, activity: Activity) -> bool:
    if not rules.is_leadership_meeting(activity.form):
        return False
    if scope_for(actor).allows(Perm.VIEW_ORG, activity.org.path):
        return True
    member = actor_member(actor)
    return (
        member is not None
        and activity.status != ActivityStatus.DRAFT
        and activity.attendances.filter(member=member, expected=True).exists()
    )


def can_manage_meeting(actor: User, activity: Activity) -> bool:
    return rules.is_leadership_meeting(activity.form) and scope_for(actor).allows(Perm.MANAGE_STUDY, activity.org.path)


def access_meeting(actor: User, activity_id: int | str, *, manage: bool = False) -> Activity:
    """A committee-level meeting the actor may see (or, with `manage`, record); 404 otherwise."""
    try:
        activity = Activity.objects.select_related("org", "committee_meeting").get(
            pk=activity_id, form__in=rules.LEADERSHIP_FORMS
        )
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    allowed = can_manage_meeting(actor, activity) if manage else can_view_meeting(actor, activity)
    if not allowed:
        raise NotFound()
    return activity


@dataclass(frozen=True)
class MeetingFilters:
    form: str = ""
    year: int | None = None
    org_id: int | None = None


def meeting_list(*, actor: User, filters: MeetingFilters = MeetingFilters()) -> QuerySet[Activity]:
    """The committee-level meetings the actor may see, latest first, with their counts."""
    qs = Activity.objects.filter(_meetings_visible(actor)).select_related("org", "committee_meeting")
    if filters.form in rules.LEADERSHIP_FORMS:
        qs = qs.filter(form=filters.form)
    if filters.year:
        qs = qs.filter(starts_at__year=filters.year)
    if filters.org_id:
        qs = qs.filter(org_id=filters.org_id)
    open_decisions = Decision.objects.filter(activity=OuterRef("pk"), status=DecisionStatus.OPEN)
    return qs.annotate(
        n_items=Count("agenda_items", distinct=True),
        n_attended=Count("attendances", filter=Q(attendances__status__in=ATTENDED), distinct=True),
        has_open_decisions=Exists(open_decisions),
    ).order_by("-starts_at", "-pk")


@dataclass
class Attendee:
    """One line of the record's attendance: a member (through the check-in) or a leader recorded by name."""

    name: str
    post: str
    present: bool
    note: str = ""
    sits_in: bool = False
    member_id: int | None = None
    status: str = ""
    status_display: str = ""


@dataclass
class MeetingRecord:
    meeting: Activity
    chair_name: str
    recorder_name: str
    number_in_year: int  # the n-th meeting of this form this year, as the record's title says
    items: list[AgendaItem]
    attendees: list[Attendee]
    absent: list[Attendee]
    external: list[ExternalAttendee]
    decisions: list[Decision]
    loose_decisions: list[Decision] = field(default_factory=list)  # of the meeting as a whole, no item

    @property
    def expected(self) -> int:  # 应到: members expected and leaders recorded by name
        return len(self.attendees) + len(self.absent)

    @property
    def attended(self) -> int:  # 实到
        return len(self.attendees)

    @property
    def present_members(self) -> list[Attendee]:
        """Those present who take part in full (出席), as the record lists them apart from those sitting in."""
        return [person for person in self.attendees if not person.sits_in]

    @property
    def sitting_in(self) -> list[Attendee]:
        return [person for person in self.attendees if person.sits_in]


def _posts(org: Organisation, member_ids: list[int], day: datetime.date) -> dict[int, str]:
    """Each member's office in the committee on the day, by rank (secretary first)."""
    posts: dict[int, str] = {}
    for term in OfficerTerm.objects.current(day).filter(org=org, member_id__in=member_ids).by_rank():
        posts.setdefault(term.member_id, term.get_position_display())
    return posts


def decisions_of(activity: Activity) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(activity=activity)
        .select_related("owner", "agenda_item")
        .prefetch_related(Prefetch("orgs", queryset=Organisation.objects.order_by("path")))
        .order_by("agenda_item__position", "pk")
    )


def meeting_record(*, activity: Activity) -> MeetingRecord:
    """Everything the record of a meeting shows, read once: agenda, who attended (members from the check-in,
    others by name), the decisions with their owners and the organisations they concern."""
    day = timezone.localdate(activity.starts_at)
    rows = list(
        Attendance.objects.filter(activity=activity)
        .filter(Q(expected=True) | Q(status__in=ATTENDED))
        .select_related("member")
        .order_by("member__name")
    )
    posts = _posts(activity.org, [row.member_id for row in rows], day)
    attendees: list[Attendee] = []
    absent: list[Attendee] = []
    for row in rows:
        line = Attendee(
            name=row.member.name,
            post=posts.get(row.member_id, ""),
            present=row.status in ATTENDED,
            note=row.reason,
            member_id=row.member_id,
            status=row.status,
            status_display=row.get_status_display(),
        )
        (attendees if line.present else absent).append(line)
    external = list(ExternalAttendee.objects.filter(activity=activity).order_by("side", "pk"))
    for person in external:
        line = Attendee(
            name=person.name,
            post=person.post,
            present=person.present,
            note=person.absence_reason,
            sits_in=person.sits_in,
        )
        (attendees if person.present else absent).append(line)
    decisions = list(decisions_of(activity))
    items = list(AgendaItem.objects.filter(activity=activity).order_by("position", "pk"))
    by_item: dict[int, list[Decision]] = {}
    for decision in decisions:
        if decision.agenda_item_id:
            by_item.setdefault(decision.agenda_item_id, []).append(decision)
    for item in items:
        item.decision_list = by_item.get(item.pk, [])
    meeting = getattr(activity, "committee_meeting", None)
    number = (
        Activity.objects.filter(
            org_id=activity.org_id,
            form=activity.form,
            starts_at__year=timezone.localtime(activity.starts_at).year,
            starts_at__lte=activity.starts_at,
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .count()
    )
    return MeetingRecord(
        meeting=activity,
        chair_name=meeting.chair_name if meeting else "",
        recorder_name=meeting.recorder_name if meeting else "",
        number_in_year=number,
        items=items,
        attendees=attendees,
        absent=absent,
        external=external,
        decisions=decisions,
        loose_decisions=[d for d in decisions if not d.agenda_item_id],
    )


def concerned_org_options(activity: Activity) -> QuerySet[Organisation]:
    """Organisations a decision of the committee may concern: the active ones in its subtree, groups aside."""
    return Organisation.objects.active().subtree_of(activity.org).exclude(kind=OrgKind.GROUP).order_by("path")


# --- decisions ----------------------------------------------------------------------------------


def _decisions_visible(actor: User) -> Q:
    scope = scope_for(actor)
    if "" in scope.paths(Perm.VIEW_ORG):  # everywhere (an empty Q would swallow the OR below)
        return Q()
    through = Decision.orgs.through
    query = Q(pk__in=[])
    if scope.has_anywhere(Perm.VIEW_ORG):
        # The committee's leadership sees all its decisions; officers below see those concerning their part.
        query |= scope.org_filter(Perm.VIEW_ORG, prefix="activity__org__path")
        concerned = through.objects.filter(scope.org_filter(Perm.VIEW_ORG, prefix="organisation__path"))
        query |= Q(pk__in=concerned.values("decision_id"))
    member = actor_member(actor) if scope.member_id else None
    if member is not None:
        org_ids = own_org_ids(member)  # their organisation and every one above it
        if org_ids:
            query |= Q(pk__in=through.objects.filter(organisation_id__in=org_ids).values("decision_id"))
        query |= Q(owner=member)
    return query


@dataclass(frozen=True)
class DecisionFilters:
    state: str = "open"  # open (overdue included), overdue, done, all
    org_id: int | None = None  # concerning this organisation (or one below it)
    q: str = ""


def decision_list(
    *, actor: User, filters: DecisionFilters = DecisionFilters(), today: datetime.date | None = None
) -> QuerySet[Decision]:
    """The decisions the actor may see: overdue first, then by due date (done ones latest first)."""
    today = today or timezone.localdate()
    qs = Decision.objects.filter(_decisions_visible(actor))
    if filters.state == "open":
        qs = qs.filter(status=DecisionStatus.OPEN)
    elif filters.state == "overdue":
        qs = qs.filter(status=DecisionStatus.OPEN, due_on__lt=today)
    elif filters.state == "done":
        qs = qs.filter(status=DecisionStatus.DONE)
    if filters.org_id:
        org = Organisation.objects.filter(pk=filters.org_id).only("path").first()
        through = Decision.orgs.through
        qs = (
            qs.filter(pk__in=through.objects.filter(organisation__path__startswith=org.path).values("decision_id"))
            if org
            else qs.none()
        )
    if term := filters.q.strip():
        qs = qs.filter(text__contains=term)
    qs = qs.select_related("activity__org", "owner", "agenda_item").prefetch_related(
        Prefetch("orgs", queryset=Organisation.objects.order_by("path"))
    )
    if filters.state == "done":
        return qs.order_by("-done_on", "-pk")
    return qs.order_by("-status", "due_on", "activity__starts_at", "pk")  # open ones ("open" > "done") first


def decision_counts(*, actor: User, today: datetime.date | None = None) -> dict[str, int]:
    """How many decisions the actor sees in each state of the tracker's filter."""
    today = today or timezone.localdate()
    qs = Decision.objects.filter(_decisions_visible(actor))
    counts = qs.aggregate(
        open=Count("pk", filter=Q(status=DecisionStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=DecisionStatus.OPEN, due_on__lt=today)),
        done=Count("pk", filter=Q(status=DecisionStatus.DONE)),
        all=Count("pk"),
    )
    return {key: counts[key] or 0 for key in STATES}


def access_decision(actor: User, decision_id: int | str, *, manage: bool = False) -> Decision:
    """A decision the actor may see (or, with `manage`, change); 404 otherwise."""
    try:
        decision = (
            Decision.objects.select_related("activity__org", "owner", "agenda_item")
            .prefetch_related(Prefetch("orgs", queryset=Organisation.objects.order_by("path")))
            .get(pk=decision_id)
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if manage:
        allowed = scope_for(actor).allows(Perm.MANAGE_STUDY, decision.activity.org.path)
    else:
        allowed = Decision.objects.filter(_decisions_visible(actor), pk=decision.pk).exists()
    if not allowed:
        raise NotFound()
    return decision


def decisions_to_carry_out(*, actor: User) -> list[Decision]:
    """Open decisions the actor owns: their to-dos."""
    member = actor_member(actor)
    if member is None:
        return []
    return list(
        Decision.objects.filter(owner=member, status=DecisionStatus.OPEN)
        .select_related("activity__org")
        .order_by("due_on", "pk")
    )
