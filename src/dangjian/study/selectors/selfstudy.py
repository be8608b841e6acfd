"""Reads for self-study, reading lists and the study-hour ledger, always limited to the actor's scope.

The ledger is aggregated in SQL: one grouped query for collective minutes per member, one for
self-study, one each for offices and exempting situations, whatever the number of members.
Rows are ordered by organisation and name, never by hours: there is no ranking (domain.md §5, the
2023 意见 on 指尖上的形式主义).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.library.models import Material
from dangjian.library.rules import hours as conversion
from dangjian.library.selectors.materials import access_material, visible_materials
from dangjian.library.selectors.reading import reading_hours_rule, reading_minutes
from dangjian.library.selectors.topics import studied_material_ids
from dangjian.members.audience import in_audience
from dangjian.members.models import Member, SpecialSituation
from dangjian.orgs.models import OfficerTerm, Organisation, Position
from dangjian.orgs.rules import ancestor_paths
from dangjian.study.models import ActivityStatus, Attendance, AttendanceStatus, ReadingItem, ReadingList, SelfStudy
from dangjian.study.rules import hours as hour_rules
from dangjian.study.rules import selfstudy as selfstudy_rules

# Attendance that earns the activity's credit.
CREDITED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.MADE_UP)
# 基层党组织书记和班子成员 (全国党员教育培训工作规划): secretaries and committee members of any
# organisation; group leaders and the 组织员 are not 班子成员.
OFFICER_POSITIONS = (
    Position.SECRETARY,
    Position.DEPUTY_SECRETARY,
    Position.ORGANISATION,
    Position.PROPAGANDA,
    Position.DISCIPLINE,
    Position.COMMITTEE_MEMBER,
)
LEDGER_PERM = Perm.VIEW_MEMBERS


def hours_policy(year: int) -> hour_rules.HoursPolicy:
    """The policy for `year` with the local choices from the settings (the defaults when unset)."""
    cap = getattr(settings, "DANGJIAN_SELF_STUDY_CAP_HOURS", hour_rules.SELF_STUDY_CAP_16.cap_hours)
    return hour_rules.policy_for(
        year,
        collective_rule=getattr(settings, "DANGJIAN_COLLECTIVE_HOUR_RULE", conversion.DEFAULT_HOUR_RULE.code),
        self_study_rule=getattr(settings, "DANGJIAN_SELF_STUDY_HOUR_RULE", conversion.DEFAULT_HOUR_RULE.code),
        self_study_cap=None if cap is None else Decimal(str(cap)),
    )


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January, next 1 January) of `year` in the local time zone."""
    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def ledger_years(today: datetime.date | None = None, back: int = 5) -> list[int]:
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, this_year - back - 1, -1))


@dataclass
class LedgerRow:
    """One member's year. Hours are 学时 (Decimal); minutes are what was recorded."""

    member: Member
    collective_minutes: int
    collective_hours: Decimal
    self_study_minutes: int
    self_study_hours_logged: Decimal  # logged self-study and reading, before the cap
    self_study_hours: Decimal  # what counts
    is_officer: bool
    exempt: bool
    full_requirement: Decimal
    required: Decimal  # prorated for a member who joined during the year; 0 when exempt
    # Active reading in the library that counts (after its daily cap); it is self-study, so
    # its hours are in `self_study_hours_logged` and under the same yearly cap.
    reading_minutes: int = 0
    reading_hours: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.collective_hours + self.self_study_hours

    @property
    def gap(self) -> Decimal:
        return hour_rules.gap(self.total, self.required, self.exempt)

    @property
    def prorated(self) -> bool:
        return self.required != self.full_requirement and not self.exempt

    @property
    def capped(self) -> bool:
        return self.self_study_hours < self.self_study_hours_logged

    @property
    def percent(self) -> int:
        """Progress toward the requirement, 0–100 (100 when nothing is required)."""
        if self.required <= 0:
            return 100
        return min(int(self.total * 100 / self.required), 100)


@dataclass
class Ledger:
    year: int
    org: Organisation | None
    policy: hour_rules.HoursPolicy
    rows: list[LedgerRow]

    @property
    def with_gap(self) -> int:
        return sum(1 for row in self.rows if row.gap > 0)

    @property
    def exempt_count(self) -> int:
        return sum(1 for row in self.rows if row.exempt)


def _credit_aggregate(qs: QuerySet, minutes_field: str, rule: conversion.AnyHourRule) -> dict[int, tuple[int, Decimal]]:
    """{member_id: (minutes, 学时)} in one grouped query.

    A linear rule converts each member's yearly total (hours accumulate per calendar year); a
    per-session table converts each row, so the query sums the table's value row by row, in
    hundredths of a 学时 to stay in whole numbers on every database.
    """
    annotations = {"credit_total": Sum(minutes_field)}
    if isinstance(rule, conversion.TableHourRule):
        whens = [
            When(**{f"{minutes_field}__gte": minimum}, then=Value(int(hours * 100))) for minimum, hours in rule.rows
        ]
        annotations["credit_units"] = Sum(Case(*whens, default=Value(0), output_field=IntegerField()))
    result = {}
    for row in qs.order_by().values("member_id").annotate(**annotations):
        minutes = row["credit_total"] or 0
        if isinstance(rule, conversion.TableHourRule):
            hours = (Decimal(row["credit_units"] or 0) / 100).quantize(Decimal("0.01"))
        else:
            hours = conversion.hours_from_minutes(minutes, rule)
        result[row["member_id"]] = (minutes, hours)
    return result


def _ledger_rows(
    members: list[Member], member_q: Q, year: int, policy: hour_rules.HoursPolicy, member_ids: QuerySet | None = None
) -> list[LedgerRow]:
    """Rows for `members`; `member_q` selects the same members on tables with a `member` foreign key,
    `member_ids` (a queryset of their ids) for the reading sums."""
    if not members:
        return []
    start, end = year_bounds(year)
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    attendance = Attendance.objects.filter(
        member_q,
        status__in=CREDITED_STATUSES,
        activity__starts_at__gte=start,
        activity__starts_at__lt=end,
    ).exclude(activity__status=ActivityStatus.CANCELLED)
    collective = _credit_aggregate(attendance, "activity__credit_minutes", policy.collective_rule)
    own = SelfStudy.objects.filter(member_q, studied_on__gte=first_day, studied_on__lte=last_day)
    self_study = _credit_aggregate(own, "minutes", policy.self_study_rule)
    reading = reading_minutes(member_ids if member_ids is not None else [m.pk for m in members], year)
    reading_rule = reading_hours_rule(year)
    officers = set(
        OfficerTerm.objects.filter(member_q, position__in=OFFICER_POSITIONS, since__lte=last_day)
        .filter(Q(until__isnull=True) | Q(until__gte=first_day))
        .values_list("member_id", flat=True)
    )
    situations: dict[int, list] = {}
    for member_id, kind, since, until in (
        SpecialSituation.objects.filter(member_q, kind__in=hour_rules.EXEMPT_SITUATIONS, since__lte=last_day)
        .filter(Q(until__isnull=True) | Q(until__gte=first_day))
        .values_list("member_id", "kind", "since", "until")
    ):
        situations.setdefault(member_id, []).append((kind, since, until))

    rows = []
    for member in members:
        c_minutes, c_hours = collective.get(member.pk, (0, Decimal(0)))
        s_minutes, s_hours = self_study.get(member.pk, (0, Decimal(0)))
        r_minutes = reading.get(member.pk, 0)
        r_hours = conversion.hours_from_minutes(r_minutes, reading_rule) if r_minutes else Decimal(0)
        is_officer = member.pk in officers
        full = hour_rules.annual_requirement(year, officer=is_officer, rules=(policy.requirement,))
        period_start, period_end = hour_rules.requirement_period(year, member.joined_on)
        exempt = hour_rules.is_exempt(situations.get(member.pk, []), period_start, period_end)
        required = Decimal(0) if exempt else hour_rules.prorated_requirement(full, year, member.joined_on)
        rows.append(
            LedgerRow(
                member=member,
                collective_minutes=c_minutes,
                collective_hours=c_hours,
                self_study_minutes=s_minutes,
                self_study_hours_logged=s_hours + r_hours,
                self_study_hours=hour_rules.capped_self_study(s_hours + r_hours, policy.self_study_cap),
                is_officer=is_officer,
                exempt=exempt,
                full_requirement=full,
                required=required,
                reading_minutes=r_minutes,
                reading_hours=r_hours,
            )
        )
    return rows


def ledger_for_member(member: Member, year: int) -> LedgerRow:
    """One member's study hours in `year` (the member is already reached through an access check)."""
    return _ledger_rows([member], Q(member_id=member.pk), year, hours_policy(year))[0]


def _ledger_org(actor: User, org: Organisation | int | None) -> Organisation | None:
    if org is None:
        return None
    org_id = org.pk if isinstance(org, Organisation) else org
    try:
        found = Organisation.objects.get(pk=org_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound(field="org") from None
    if not scope_for(actor).allows(LEDGER_PERM, found.path):
        raise NotFound(field="org")
    return found


def ledger_for_scope(*, actor: User, year: int, org: Organisation | int | None = None) -> Ledger:
    """Every current member the actor may see (under `org` if given) with their hours in `year`.

    Sorted by organisation and name. 404 when the actor sees members nowhere or `org` is out of scope.
    """
    scope = scope_for(actor)
    if not scope.has_anywhere(LEDGER_PERM):
        raise NotFound()
    found = _ledger_org(actor, org)
    visible = scope.org_filter(LEDGER_PERM, prefix="org__path")
    member_q = scope.org_filter(LEDGER_PERM, prefix="member__org__path") & Q(member__org__isnull=False)
    if found is not None:
        visible &= Q(org__path__startswith=found.path)
        member_q &= Q(member__org__path__startswith=found.path)
    # Members who joined after the year were not members then.
    members = list(
        Member.objects.current()
        .filter(visible, joined_on__lte=datetime.date(year, 12, 31))
        .select_related("org")
        .order_by("org__path", "name_initials", "name", "pk")
    )
    member_q &= Q(member__joined_on__lte=datetime.date(year, 12, 31))
    member_ids = Member.objects.current().filter(visible, joined_on__lte=datetime.date(year, 12, 31)).values("pk")
    policy = hours_policy(year)
    return Ledger(year=year, org=found, policy=policy, rows=_ledger_rows(members, member_q, year, policy, member_ids))


# --- Reading lists ---------------------------------------------------------------------------


@dataclass
class ItemProgress:
    item: ReadingItem
    done: bool  # self-study logged on the item, or its material read (or named in self-study)
    readable: bool = False  # the item's library material is one the member may open


@dataclass
class ReadingListProgress:
    reading_list: ReadingList
    items: list[ItemProgress] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for entry in self.items if entry.done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def required_left(self) -> int:
        return sum(1 for entry in self.items if entry.item.required and not entry.done)


def _is_officer_now(member: Member, today: datetime.date) -> bool:
    return OfficerTerm.objects.current(today).filter(member=member).exists()


def reading_lists_for_member(*, member: Member, today: datetime.date | None = None) -> list[ReadingListProgress]:
    """Reading lists assigned to the member (by their organisation's ancestors and the audience), with progress."""
    if member.org is None:
        return []
    today = today or timezone.localdate()
    is_officer = _is_officer_now(member, today)
    lists = [
        reading_list
        for reading_list in ReadingList.objects.filter(org__path__in=ancestor_paths(member.org.path))
        .select_related("org")
        .prefetch_related("items")
        .order_by("-created_at", "-pk")
        if in_audience(reading_list.audience, member.category, is_officer)
    ]
    done = set(
        SelfStudy.objects.filter(member=member, reading_item__reading_list__in=[rl.pk for rl in lists]).values_list(
            "reading_item_id", flat=True
        )
    )
    material_ids = {item.material_id for rl in lists for item in rl.items.all() if item.material_id is not None}
    studied = studied_material_ids(member.pk, material_ids)
    readable: set[int] = set()
    if material_ids and member.user is not None:
        readable = set(visible_materials(member.user).filter(pk__in=material_ids).values_list("pk", flat=True))
    return [
        ReadingListProgress(
            rl,
            [
                ItemProgress(
                    item,
                    done=item.pk in done or item.material_id in studied,
                    readable=item.material_id in readable,
                )
                for item in rl.items.all()
            ],
        )
        for rl in lists
    ]


def reading_lists_due(*, actor: User, today: datetime.date) -> list[ReadingListProgress]:
    """The actor's assigned reading lists that have a due date and required items left, from the day
    they are assigned until `READING_TODO_DAYS_AFTER_DUE` days after they were due. One query when
    none is dated (the usual case), the progress's few more otherwise."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return []
    since = today - datetime.timedelta(days=selfstudy_rules.READING_TODO_DAYS_AFTER_DUE)
    # One query in the usual case: is any list dated recently, over the member's organisation?
    over_member = Member.objects.filter(pk=member_id, org__path__startswith=OuterRef("org__path"))
    if not ReadingList.objects.filter(due_on__gte=since).filter(Exists(over_member)).exists():
        return []
    member = Member.objects.select_related("org").filter(pk=member_id).first()
    if member is None or member.org is None:
        return []
    return [
        progress
        for progress in reading_lists_for_member(member=member, today=today)
        if progress.reading_list.due_on is not None and progress.reading_list.due_on >= since and progress.required_left
    ]


def assigned_reading_items(*, member: Member) -> list[ReadingItem]:
    """Items a member may log self-study against."""
    return [entry.item for progress in reading_lists_for_member(member=member) for entry in progress.items]


def assigned_reading_item(*, member: Member, item_id: int | None) -> ReadingItem | None:
    """The item with this id if it is on a list assigned to the member; a 400 error naming the field if not."""
    if item_id is None:
        return None
    item = next((item for item in assigned_reading_items(member=member) if item.pk == item_id), None)
    if item is None:
        raise DomainError(_("This item is not on a reading list assigned to you."), field="reading_item")
    return item


@dataclass
class ManagedReadingList:
    reading_list: ReadingList
    members_studying: int  # members with at least one self-study entry on the list
    can_edit: bool


def reading_list_list(*, actor: User) -> list[ManagedReadingList]:
    """Reading lists of the organisations where the actor sees members, newest first."""
    scope = scope_for(actor)
    if not scope.has_anywhere(LEDGER_PERM):
        return []
    lists = list(
        ReadingList.objects.filter(scope.org_filter(LEDGER_PERM, prefix="org__path"))
        .select_related("org")
        .prefetch_related("items")
        .order_by("-created_at", "-pk")
    )
    counts = dict(
        SelfStudy.objects.filter(reading_item__reading_list__in=[rl.pk for rl in lists])
        .order_by()
        .values_list("reading_item__reading_list")
        .annotate(n=Count("member", distinct=True))
    )
    return [ManagedReadingList(rl, counts.get(rl.pk, 0), scope.allows(Perm.MANAGE_STUDY, rl.org.path)) for rl in lists]


def access_reading_list(actor: User, list_id: int | str, perm: Perm = Perm.MANAGE_STUDY) -> ReadingList:
    """A reading list if the actor holds `perm` over its organisation; 404 for missing and forbidden alike."""
    try:
        reading_list = ReadingList.objects.select_related("org").prefetch_related("items").get(pk=list_id)
    except (ReadingList.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scope_for(actor).allows(perm, reading_list.org.path):
        raise NotFound()
    return reading_list


# --- Self-study entries ----------------------------------------------------------------------


def self_study_list(*, member: Member, year: int | None = None) -> QuerySet[SelfStudy]:
    """A member's own entries, newest first. The near-duplicate flag is not for the member: do not show it."""
    qs = SelfStudy.objects.filter(member=member).select_related(
        "reading_item", "reading_item__reading_list", "material"
    )
    if year is not None:
        qs = qs.filter(studied_on__year=year)
    return qs.order_by("-studied_on", "-pk")


def access_own_self_study(actor: User, entry_id: int | str) -> SelfStudy:
    """An entry of the actor's own; 404 for missing and for anyone else's alike."""
    member_id = scope_for(actor).member_id
    try:
        entry = SelfStudy.objects.select_related("member", "member__org", "reading_item", "material").get(pk=entry_id)
    except (SelfStudy.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if member_id is None or entry.member_id != member_id:
        raise NotFound()
    return entry


def visible_material(actor: User, material_id: int | None) -> Material | None:
    """The library material with this id if the actor may see it; a 400 error naming the field if not
    (a missing material and a hidden one get the same answer)."""
    if material_id is None:
        return None
    try:
        return access_material(actor, material_id)
    except NotFound:
        raise DomainError(_("Choose a material you may see in the library."), field="material") from None


@dataclass(frozen=True)
class ReflectionFilters:
    year: int | None = None
    org_id: int | None = None
    flagged_only: bool = False


def reflection_list(*, actor: User, filters: ReflectionFilters = ReflectionFilters()) -> QuerySet[SelfStudy]:
    """Entries with a reflection in the actor's scope, newest first, with the near-duplicate they resemble."""
    scope = scope_for(actor)
    if not scope.has_anywhere(LEDGER_PERM):
        raise NotFound()
    qs = SelfStudy.objects.filter(scope.org_filter(LEDGER_PERM, prefix="member__org__path")).exclude(reflection="")
    org = _ledger_org(actor, filters.org_id) if filters.org_id else None
    if org is not None:
        qs = qs.filter(member__org__path__startswith=org.path)
    if filters.year:
        qs = qs.filter(studied_on__year=filters.year)
    if filters.flagged_only:
        qs = qs.filter(similar_to__isnull=False)
    return qs.select_related("member", "member__org", "reading_item", "similar_to", "similar_to__member").order_by(
        "-studied_on", "-pk"
    )


def credited_attendances(*, member: Member, year: int) -> QuerySet[Attendance]:
    """The member's attendance that earns credit in `year`, with the activity, oldest first."""
    start, end = year_bounds(year)
    return (
        Attendance.objects.filter(
            member=member, status__in=CREDITED_STATUSES, activity__starts_at__gte=start, activity__starts_at__lt=end
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity", "activity__org")
        .order_by("activity__starts_at", "pk")
    )


@dataclass
class MemberProgress:
    """A member's own view of their year: hours toward the requirement, and their reading lists."""

    year: int
    row: LedgerRow
    policy: hour_rules.HoursPolicy
    reading: list[ReadingListProgress]


def member_progress(*, member: Member, year: int) -> MemberProgress:
    """The member's hours in `year` and the reading lists assigned to them, for "我的学习"."""
    return MemberProgress(
        year=year,
        row=ledger_for_member(member, year),
        policy=hours_policy(year),
        reading=reading_lists_for_member(member=member),
    )
