"""Reads for the early warning: the facts the signals need, and the officers' lists, always scoped.

Only officers with `Perm.MANAGE_CARE` over a branch see its entries. Members never see entries, and
an officer never sees (or closes) an entry about themself: the level above deals with it.
"""

import contextlib
import datetime
import gc
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, Exists, F, Func, Max, Min, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from dangjian.accounts.models import Role, RoleGrant, User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care.models import Talk
from dangjian.care.selectors.talks import last_talk_dates
from dangjian.compliance import rules
from dangjian.compliance.models import (
    EntryStatus,
    Level,
    LifeSettings,
    RequirementExcuse,
    WarningEntry,
    WarningEntryQuerySet,
)
from dangjian.compliance.rules import reminders as reminder_rules
from dangjian.compliance.rules import requirements as req
from dangjian.core.calendar import WorkingCalendar
from dangjian.core.errors import DomainError, NotFound
from dangjian.evaluation.models import Campaign
from dangjian.evaluation.rules import Phase
from dangjian.library.models import ReadingSession
from dangjian.library.rules import reading_rule_for
from dangjian.members.models import Member, Membership, SituationKind, SpecialSituation
from dangjian.members.models import Status as MemberStatus
from dangjian.orgs.models import OfficerTerm, Organisation, OrganisationQuerySet, OrgKind, Position
from dangjian.orgs.permissions import access_org
from dangjian.orgs.rules import ancestor_paths
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    MakeUpStatus,
    RequestStatus,
    SelfStudy,
)

PERM = Perm.MANAGE_CARE


def warning_rules() -> rules.WarningRules:
    """The rules in force: the defaults with the deployment's `DANGJIAN_EARLY_WARNING` overrides."""
    return rules.rules_from_settings(getattr(settings, "DANGJIAN_EARLY_WARNING", None))


# --- Branches -----------------------------------------------------------------------------------


def care_branches(actor: User) -> list[Organisation]:
    """Active branches over which the actor looks after members, in tree order."""
    scope = scope_for(actor)
    return list(Organisation.objects.active().branches().filter(scope.org_filter(PERM, prefix="path")).order_by("path"))


def access_branch(actor: User, org_id: int | str) -> Organisation:
    """A branch whose early-warning list the actor may see; 404 for missing, forbidden or not a branch."""
    org = access_org(actor, org_id, PERM)
    if org.kind != OrgKind.BRANCH:
        raise NotFound()
    return org


def branches_under(org: Organisation) -> list[Organisation]:
    """The active branches in `org`'s subtree (a group's own branch for a group)."""
    if org.kind == OrgKind.GROUP:
        return [org.branch]
    return list(Organisation.objects.active().branches().subtree_of(org).order_by("path"))


# --- Entries ------------------------------------------------------------------------------------


def _visible(actor: User) -> WarningEntryQuerySet:
    scope = scope_for(actor)
    query = WarningEntry.objects.filter(scope.org_filter(PERM))
    if scope.member_id is not None:
        query = query.exclude(member_id=scope.member_id)
    return query


def access_warning(actor: User, entry_id: int | str) -> WarningEntry:
    """An entry the actor may see and close; 404 for missing and forbidden alike (and for one about themself)."""
    try:
        return _visible(actor).for_list().get(pk=entry_id)
    except (WarningEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def warning_list(
    *, actor: User, org: Organisation | None = None, status: str = EntryStatus.OPEN
) -> WarningEntryQuerySet:
    """Entries of the actor's scope (of one branch if given): alarms first, then the longest open.
    Closed entries come newest closing first."""
    query = _visible(actor).filter(status=status).for_list()
    if org is not None:
        query = query.filter(org__path__startswith=org.path)
    if status == EntryStatus.CLOSED:
        return query.order_by("-closed_on", "-pk")
    return query.by_level_and_age()


@dataclass
class BranchCount:
    org: Organisation
    warnings: int = 0
    alarms: int = 0
    oldest_opened_on: datetime.date | None = None

    @property
    def total(self) -> int:
        return self.warnings + self.alarms


def branch_overview(*, actor: User) -> list[BranchCount]:
    """Each branch of the actor's scope with its open warnings and alarms (counts only, no names)."""
    branches = care_branches(actor)
    counts = {org.pk: BranchCount(org) for org in branches}
    rows = (
        _visible(actor)
        .filter(status=EntryStatus.OPEN, org_id__in=list(counts))
        .values("org_id")
        .annotate(
            warnings=Count("pk", filter=Q(level=Level.WARNING)),
            alarms=Count("pk", filter=Q(level=Level.ALARM)),
            oldest=Min("opened_on"),
        )
    )
    for row in rows:
        entry = counts[row["org_id"]]
        entry.warnings, entry.alarms, entry.oldest_opened_on = row["warnings"], row["alarms"], row["oldest"]
    return list(counts.values())


def talk_officers(entry: WarningEntry, today: datetime.date | None = None) -> list[Member]:
    """Who may hold the talk that closes an entry: officers of its branch and of the organisations
    above it today (not the member themself)."""
    today = today or timezone.localdate()
    ancestors = [entry.org.pk, *entry.org.ancestor_ids()]
    member_ids = (
        OfficerTerm.objects.current(today).filter(org_id__in=ancestors).exclude(member_id=entry.member_id)
    ).values("member_id")
    return list(Member.objects.filter(pk__in=member_ids).order_by("name", "pk"))


# --- Facts for the signals ------------------------------------------------------------------------


def _member_since(rows: list[tuple[datetime.date, datetime.date | None]]) -> datetime.date | None:
    """The start of the unbroken run of memberships that ends in the current one."""
    if not rows:
        return None
    rows = sorted(rows)
    since, until = rows[-1]
    for earlier_since, earlier_until in reversed(rows[:-1]):
        if earlier_until is not None and earlier_until >= since - datetime.timedelta(days=1):
            since = min(since, earlier_since)
        else:
            break
    return since


def talks_recorded_since(branch: Organisation) -> datetime.date | None:
    """The first talk the branch recorded: a member never talked with is counted from then, so a branch
    that has just begun to keep its talk log is not flagged for the years before."""
    return Talk.objects.filter(org=branch).aggregate(first=Min("held_on"))["first"]


def warning_facts(
    members: list[Member], today: datetime.date, rules_in_force: rules.WarningRules, *, branch: Organisation
) -> dict[int, rules.MemberFacts]:
    """What the signals read about each member, in a fixed number of queries whatever the count."""
    ids = [m.pk for m in members]
    observed = today - datetime.timedelta(days=rules_in_force.lookback_days)
    start_at = timezone.make_aware(datetime.datetime.combine(observed, datetime.time.min))
    end_at = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))

    memberships: dict[int, list] = defaultdict(list)
    for member_id, since, until in Membership.objects.filter(member_id__in=ids).values_list(
        "member_id", "since", "until"
    ):
        memberships[member_id].append((since, until))

    situations: dict[int, list[rules.Period]] = defaultdict(list)
    for member_id, kind, since, until in SpecialSituation.objects.filter(member_id__in=ids).values_list(
        "member_id", "kind", "since", "until"
    ):
        situations[member_id].append(rules.Period(kind, since, until))

    occasions: dict[int, list[rules.Occasion]] = defaultdict(list)
    rows = (
        Attendance.objects.filter(
            member_id__in=ids,
            activity__status=ActivityStatus.PUBLISHED,
            activity__starts_at__gte=start_at,
            activity__starts_at__lt=end_at,
        )
        .exclude(status=AttendanceStatus.EXPECTED)
        .values_list(
            "member_id",
            "activity_id",
            "activity__starts_at",
            "activity__theme",
            "activity__form",
            "status",
            "expected",
            "make_up__status",
            "make_up__submitted_at",
        )
    )
    for member_id, activity_id, starts_at, theme, form, status, expected, make_up_status, submitted_at in rows:
        made_up_on = (
            timezone.localdate(submitted_at) if make_up_status == MakeUpStatus.ACCEPTED and submitted_at else None
        )
        occasions[member_id].append(
            rules.Occasion(
                activity_id=activity_id,
                day=timezone.localdate(starts_at),
                theme=theme,
                form=form,
                status=status,
                expected=expected,
                made_up_on=made_up_on,
            )
        )

    self_study = dict(
        SelfStudy.objects.filter(member_id__in=ids, studied_on__gte=observed, studied_on__lte=today)
        .values("member_id")
        .annotate(last=Max("studied_on"))
        .values_list("member_id", "last")
    )

    # A day of reading counts when it reaches the reading rule's minimum (and at least a minute).
    minimum_seconds = 60 * max(1, reading_rule_for(today.year).minimum_minutes_per_day)
    reading: dict[int, datetime.date] = {}
    for member_id, day in (
        ReadingSession.objects.filter(member_id__in=ids, day__gte=observed, day__lte=today)
        .values("member_id", "day")
        .annotate(seconds=Sum("active_seconds"))
        .filter(seconds__gte=minimum_seconds)
        .values_list("member_id", "day")
    ):
        reading[member_id] = max(day, reading.get(member_id, day))

    talks = {k: v for k, v in last_talk_dates(ids).items() if v <= today}
    recorded_since = talks_recorded_since(branch)

    facts = {}
    for member in members:
        since = _member_since(memberships[member.pk]) or member.joined_on
        facts[member.pk] = rules.MemberFacts(
            member_id=member.pk,
            member_since=since,
            observed_since=observed,
            occasions=tuple(occasions[member.pk]),
            situations=tuple(situations[member.pk]),
            last_self_study=self_study.get(member.pk),
            last_reading=reading.get(member.pk),
            last_talk=talks.get(member.pk),
            talks_recorded_since=recorded_since,
        )
    return facts


# --- Reasons in words ---------------------------------------------------------------------------


@dataclass
class ReasonItem:
    day: datetime.date
    text: str


@dataclass
class ReasonView:
    """One stored reason, put into words for the page and the API."""

    signal: str
    level: str
    title: str
    summary: str
    items: list[ReasonItem] = field(default_factory=list)
    source: str = ""
    exemption: str = ""
    action: str = ""


STUDY_KINDS = {
    "self_study": lambda: _("self-study"),
    "reading": lambda: _("reading in the library"),
    "activity": lambda: _("a study activity"),
    "make_up": lambda: _("make-up study"),
}


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _status_label(status: str) -> str:
    return str(AttendanceStatus(status).label) if status in AttendanceStatus.values else status


def _exemption_note(kind: str) -> str:
    if kind == SituationKind.FRAIL:
        return _(
            "Frail or ill: no attendance or study is required of the member; bring study to their home (送学上门) "
            "and keep talking with them."
        )
    if kind == SituationKind.ABROAD:
        return _("Abroad: organisational life resumes on return; keep in contact at least every half year.")
    if kind == SituationKind.FLOWING:
        return _("Flowing member: organisational life may take place where the member is; study there counts too.")
    return ""


def describe(reason: dict, today: datetime.date | None = None) -> ReasonView:
    """A stored reason (`rules.Finding.as_dict`) in the user's language, with its dates and source."""
    today = today or timezone.localdate()
    signal, data = reason["signal"], reason.get("data", {})
    since = _date(reason["since"])
    days = (today - since).days
    items = [
        ReasonItem(_date(item["day"]), " · ".join(p for p in (item["label"], _status_label(item["status"])) if p))
        for item in reason.get("items", [])
        if item.get("label")
    ]
    if signal == rules.Signal.ABSENCES:
        title = _("%(count)d absences in a row") % {"count": data["count"]}
        summary = _(
            "Absent, without leave, from the last %(count)d collective activities the member was expected at."
        ) % {"count": data["count"]}
    elif signal == rules.Signal.ORGANISATIONAL_LIFE:
        if data.get("before_records"):
            title = _("No organisational life for %(days)d days or more") % {"days": days}
        else:
            title = _("No organisational life for %(days)d days") % {"days": days}
        if data.get("last"):
            summary = _("Last took part in organisational life on %(day)s.") % {"day": data["last"]}
        else:
            summary = _("No organisational life recorded since %(day)s.") % {"day": since.isoformat()}
        if data.get("limit_passed"):
            summary += " " + _(
                "The six-month line of Article 9 of the Party Constitution was passed on %(day)s: a member who, "
                "without proper reason, fails to take part in Party life for six months in a row is regarded as "
                "having given up membership."
            ) % {"day": data["limit_on"]}
        else:
            summary += " " + _("The six-month line of Article 9 of the Party Constitution falls on %(day)s.") % {
                "day": data["limit_on"]
            }
        summary += " " + _("Activities missed since then:")
    elif signal == rules.Signal.STUDY:
        if data.get("before_records"):
            title = _("No study logged for %(days)d days or more") % {"days": days}
        else:
            title = _("No study logged for %(days)d days") % {"days": days}
        last = reason.get("items") or []
        if last:
            kind = STUDY_KINDS.get(last[0]["status"], lambda: "")()
            summary = _("The last study recorded was %(kind)s on %(day)s.") % {"kind": kind, "day": last[0]["day"]}
        else:
            summary = _("No self-study, reading or study activity recorded since %(day)s.") % {"day": since.isoformat()}
    elif signal == rules.Signal.TALK:
        months = data.get("months", 12)
        if data.get("never"):
            title = _("No heart-to-heart talk recorded")
            summary = _("No talk has been recorded with the member since %(since)s; one was due by %(due)s.") % {
                "since": since.isoformat(),
                "due": data["due"],
            }
        else:
            title = _("No heart-to-heart talk for over %(months)d months") % {"months": months}
            summary = _("The last talk was on %(day)s; the next was due by %(due)s.") % {
                "day": since.isoformat(),
                "due": data["due"],
            }
    elif signal == rules.Signal.PARTICIPATION:
        title = _("Taking part far less than before")
        summary = _(
            "Took part in %(recent)d of %(recent_expected)d activities in the last %(recent_months)d months, against "
            "%(previous)d of %(previous_expected)d in the %(previous_months)d months before. Activities not attended "
            "lately:"
        ) % {
            "recent_months": data.get("recent_months", 6),
            "previous_months": data.get("previous_months", 12),
            "recent": data["recent_attended"],
            "recent_expected": data["recent_expected"],
            "previous": data["previous_attended"],
            "previous_expected": data["previous_expected"],
        }
    else:  # a signal retired since the entry was stored
        title, summary = signal, ""
    exemption = reason.get("exemption", "")
    return ReasonView(
        signal=signal,
        level=reason["level"],
        title=title,
        summary=summary,
        items=items,
        source=rules.SOURCES.get(signal, ""),
        exemption=_exemption_note(exemption) if exemption else "",
        action=reason.get("action", ""),
    )


def describe_entry(entry: WarningEntry, today: datetime.date | None = None) -> list[ReasonView]:
    return [describe(reason, today) for reason in entry.reasons]


def open_days(entry: WarningEntry, today: datetime.date | None = None) -> int:
    """How long the entry has been open (or was, until it closed)."""
    end = entry.closed_on or today or timezone.localdate()
    return (end - entry.opened_on).days


# --- Organisational life: the requirements checked against what was held -------------------------
#
# Officers who run activities (`Perm.MANAGE_STUDY`) see their branches: a committee officer every
# branch of the committee, a branch officer their own; members and group leaders see nothing.

LIFE_PERM = Perm.MANAGE_STUDY

# A cell made of several checks (each month of a quarter, each group of a branch) shows the worst.
_SEVERITY = {
    req.Status.OVERDUE: 0,
    req.Status.DUE: 1,
    req.Status.EXCUSED: 2,
    req.Status.MET: 3,
    req.Status.NOT_APPLICABLE: 4,
}
# What each status reads as, and the tone of its badge (see `{% badge %}`).
STATUS_LABELS = {
    req.Status.MET: pgettext_lazy("requirement status", "Met"),
    req.Status.DUE: pgettext_lazy("requirement status", "Due"),
    req.Status.OVERDUE: pgettext_lazy("requirement status", "Overdue"),
    req.Status.NOT_APPLICABLE: pgettext_lazy("requirement status", "Not applicable"),
    req.Status.EXCUSED: pgettext_lazy("requirement status", "Excused"),
}
STATUS_TONES = {
    req.Status.MET: "ok",
    req.Status.DUE: "info",
    req.Status.OVERDUE: "problem",
    req.Status.NOT_APPLICABLE: "",
    req.Status.EXCUSED: "warning",
}
# The kinds of organisation a branch's row covers: the branch and its Party groups.
_ROW_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GROUP})


@dataclass(frozen=True)
class LifeInForce:
    """What applies to an organisation's organisational life: the requirement set (the current version with
    its committee's variant and overrides) and the reminder lead time, and whose settings they are."""

    requirements: req.RequirementSet
    reminder_working_days: int = reminder_rules.DEFAULT_REMINDER_WORKING_DAYS
    settings: LifeSettings | None = None  # the committee's settings that apply; None: the regulations' defaults

    @property
    def committee(self) -> Organisation | None:
        return self.settings.org if self.settings is not None else None

    @property
    def variant_label(self) -> str:
        if self.requirements.variant == req.Variant.UNIVERSITY:
            return _("University variant: Party lectures at least twice a semester")
        return _("Standard")

    @property
    def changed(self) -> list[tuple[req.Requirement, req.Requirement]]:
        """Each requirement the variant or overrides changed, with the regulation's own."""
        return reminder_rules.changed_requirements(self.requirements)


_DEFAULTS_IN_FORCE = LifeInForce(req.requirement_set())


def _in_force(row: LifeSettings) -> LifeInForce:
    try:
        requirements = req.requirement_set(req.CURRENT_VERSION, row.variant, row.overrides)
    except ValueError:  # stored under an older version whose keys have gone: the regulations apply
        requirements = req.requirement_set()
    return LifeInForce(requirements, row.reminder_working_days, row)


def life_settings_for(orgs: list[Organisation]) -> dict[int, LifeInForce]:
    """For each organisation, what applies: the settings of the nearest committee above it (or of itself)
    that has settings, else the defaults; one query whatever the number of organisations."""
    chains = {org.pk: ancestor_paths(org.path) for org in orgs}
    paths = {path for chain in chains.values() for path in chain}
    rows = {row.org.path: row for row in LifeSettings.objects.filter(org__path__in=paths).select_related("org")}
    built: dict[int, LifeInForce] = {}
    found = {}
    for org_id, chain in chains.items():
        row = next((rows[path] for path in reversed(chain) if path in rows), None)
        if row is None:
            found[org_id] = _DEFAULTS_IN_FORCE
        else:
            found[org_id] = built.setdefault(row.pk, _in_force(row))
    return found


def life_in_force(org: Organisation) -> LifeInForce:
    """What applies to one organisation (see `life_settings_for`)."""
    return life_settings_for([org])[org.pk]


def life_requirements(org: Organisation | None = None) -> req.RequirementSet:
    """The requirements in force for an organisation: its committee's choice; without an organisation, or
    when no committee above it chose, the regulations' standard set."""
    return life_in_force(org).requirements if org is not None else _DEFAULTS_IN_FORCE.requirements


def life_committees(actor: User) -> OrganisationQuerySet:
    """Active committees whose settings of organisational life the actor may change, in tree order."""
    scope = scope_for(actor)
    return (
        Organisation.objects.active()
        .filter(kind=OrgKind.COMMITTEE)
        .filter(scope.org_filter(LIFE_PERM, prefix="path"))
        .order_by("path")
    )


def access_life_committee(actor: User, org_id: int | str) -> Organisation:
    """A committee whose settings of organisational life the actor may change; 404 otherwise."""
    org = access_org(actor, org_id, LIFE_PERM)
    if org.kind != OrgKind.COMMITTEE or org.dissolved_on is not None:
        raise NotFound()
    return org


def life_settings_own(org: Organisation) -> LifeSettings:
    """The committee's own settings, or unsaved defaults."""
    return LifeSettings.objects.filter(org=org).first() or LifeSettings(org=org)


def common_in_force(in_force: dict[int, LifeInForce]) -> LifeInForce:
    """What the organisations share, for a page's headings: their one set when they share it, else the defaults."""
    distinct = {id(item): item for item in in_force.values()}
    return next(iter(distinct.values())) if len(distinct) == 1 else _DEFAULTS_IN_FORCE


def life_columns(requirements: req.RequirementSet | None = None) -> tuple[req.Requirement, ...]:
    """The requirements a branch's row shows: those of branches and of their Party groups."""
    requirements = requirements or life_requirements()
    return tuple(r for r in requirements.requirements if r.applies_to & _ROW_KINDS)


def life_branches(actor: User) -> OrganisationQuerySet:
    """Active branches whose organisational life the actor follows, in tree order."""
    scope = scope_for(actor)
    return Organisation.objects.active().branches().filter(scope.org_filter(LIFE_PERM, prefix="path")).order_by("path")


def access_life_branch(actor: User, org_id: int | str) -> Organisation:
    """A branch whose organisational life the actor follows; 404 for missing, forbidden or not a branch."""
    org = access_org(actor, org_id, LIFE_PERM)
    if org.kind != OrgKind.BRANCH or org.dissolved_on is not None:
        raise NotFound()
    return org


def life_period(kind: str | None = None, day: datetime.date | None = None) -> req.ReportingPeriod:
    """The period of `kind` (default: quarter) containing `day` (default: today)."""
    kind = kind or req.PeriodKind.QUARTER
    if kind not in req.PeriodKind.ALL:
        raise DomainError(_("Choose a month, a quarter, a semester or a year."), field="period")
    return req.period_of(kind, day or timezone.localdate())


@dataclass
class LifeCheck:
    """One requirement checked for one organisation (the branch or one of its groups) in one period."""

    org: Organisation
    result: req.CheckResult
    excuse: RequirementExcuse | None = None

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def tone(self) -> str:
        return STATUS_TONES[self.status]

    @property
    def may_excuse(self) -> bool:
        return self.result.status in (req.Status.DUE, req.Status.OVERDUE)


@dataclass
class LifeCell:
    """One requirement for one branch across the chosen period: every check that makes it up."""

    requirement: req.Requirement
    checks: list[LifeCheck] = field(default_factory=list)
    note: str = ""  # why there is nothing to check, e.g. a branch without Party groups

    @property
    def status(self) -> str:
        if not self.checks:
            return req.Status.NOT_APPLICABLE
        return min((c.status for c in self.checks), key=_SEVERITY.__getitem__)

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def tone(self) -> str:
        return STATUS_TONES[self.status]


@dataclass
class LifeRow:
    org: Organisation
    cells: list[LifeCell]

    def count(self, status: str) -> int:
        return sum(1 for cell in self.cells if cell.status == status)

    @property
    def overdue(self) -> int:
        return self.count(req.Status.OVERDUE)


def _span(columns: tuple[req.Requirement, ...], period: req.ReportingPeriod) -> tuple[datetime.date, datetime.date]:
    """The days every checked period covers: a yearly requirement seen in a quarter reads the whole year."""
    first = min(req.period_of(r.period, period.starts_on).starts_on for r in columns)
    last = max(req.period_of(r.period, period.ends_on).ends_on for r in columns)
    return first, last


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _local_day(first: datetime.date, last: datetime.date) -> tuple[Func | TruncDate | None, str]:
    """An expression for an activity's local day computed by the database, and how its value arrives.

    PostgreSQL converts the time zone itself. SQLite has no time zones, only a fixed shift: where the zone's
    offset is the same on every day of the span (China keeps no summer time), `date(starts_at, '+480 minutes')`
    gives the local day as text. Otherwise nothing: the start is converted in Python, row by row."""
    zone = timezone.get_current_timezone()
    if connection.vendor == "postgresql":
        return TruncDate("starts_at", tzinfo=zone), "date"
    offsets = {_aware(first + datetime.timedelta(days=n)).utcoffset() for n in range((last - first).days + 2)} | {
        timezone.make_aware(datetime.datetime.combine(last, datetime.time.max)).utcoffset()
    }
    if connection.vendor == "sqlite" and len(offsets) == 1:
        minutes = int((offsets.pop() or datetime.timedelta(0)).total_seconds() // 60)
        return Func(F("starts_at"), Value(f"{minutes:+d} minutes"), function="date", output_field=CharField()), "text"
    return None, "moment"


def held_activities(
    org_ids: list[int], first: datetime.date, last: datetime.date, now: datetime.datetime | None = None
) -> dict[int, list[req.HeldActivity]]:
    """The activities each organisation held from `first` to `last`, by organisation in order of the day, in
    one query each for the activities, the secretaries and the evaluation campaigns.

    An activity counts as held when it was published (not a draft, not cancelled), has ended, and either its
    attendance was taken (at least one attendee marked, as closing the activity does) or it is the record of
    a past meeting brought in afterwards with its content (minutes not empty). Whether the speaker
    was the organisation's secretary on that day is read from the terms of office. A closed democratic
    evaluation counts as held on the day of its general meeting (the pseudo-form "evaluation").

    A university's year is tens of thousands of rows, so the work per row is kept to a minimum: the local day
    comes from the database where it can (`_local_day`), and the secretary's terms are looked at only for a
    speaker who was a secretary of that organisation at some time."""
    now = now or timezone.now()
    taken = Attendance.objects.filter(activity=OuterRef("pk")).exclude(status=AttendanceStatus.EXPECTED)
    local_day, arrives_as = _local_day(first, last)
    rows = list(
        Activity.objects.filter(
            org_id__in=org_ids,
            status=ActivityStatus.PUBLISHED,
            starts_at__gte=_aware(first),
            starts_at__lt=_aware(last + datetime.timedelta(days=1)),
            ends_at__lte=now,
        )
        .filter(Exists(taken) | (Q(recorded_afterwards=True) & ~Q(minutes="")))
        # Without a day from the database, the start as the database's text (UTC), read below: Django's
        # per-row conversion to an aware datetime cost more than the query itself for a university's year.
        .annotate(day=local_day if local_day is not None else Cast("starts_at", CharField()))
        .values_list("pk", "org_id", "form", "day", "theme", "speaker_id")
        .order_by()
    )
    secretaries: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for org_id, member_id, since, until in OfficerTerm.objects.filter(
        org_id__in=org_ids, position=Position.SECRETARY
    ).values_list("org_id", "member_id", "since", "until"):
        secretaries[org_id].append((member_id, since, until))
    ever_secretary = {(org_id, term[0]) for org_id, terms in secretaries.items() for term in terms}

    def by_secretary(org_id: int, speaker_id: int, day: datetime.date) -> bool:
        return any(
            member_id == speaker_id and since <= day and (until is None or day <= until)
            for member_id, since, until in secretaries[org_id]
        )

    zone = timezone.get_current_timezone()  # once: looking it up per row cost as much as the query at scale

    def day_of(value: str) -> datetime.date:
        starts_at = datetime.datetime.fromisoformat(value)
        return (starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=datetime.UTC)).astimezone(zone).date()

    to_day = {"date": None, "text": datetime.date.fromisoformat, "moment": day_of}[arrives_as]
    held: dict[int, list[req.HeldActivity]] = defaultdict(list)
    for pk, org_id, form, value, theme, speaker_id in rows:
        day = to_day(value) if to_day is not None else value
        secretary = (org_id, speaker_id) in ever_secretary and by_secretary(org_id, speaker_id, day)
        held[org_id].append(req.HeldActivity(pk, form, day, secretary, theme))
    campaigns = Campaign.objects.filter(
        org_id__in=org_ids, phase=Phase.CLOSED, meeting_on__gte=first, meeting_on__lte=last
    ).values_list("pk", "org_id", "meeting_on", "year")
    for pk, org_id, meeting_on, year in campaigns:
        if meeting_on is None:  # filtered out above; for the type checker
            continue
        title = _("%(year)s democratic evaluation of members") % {"year": year}
        held[org_id].append(req.HeldActivity(pk, req.Form.EVALUATION, meeting_on, title=title))
    in_order = attrgetter("held_on", "id")
    for items in held.values():
        items.sort(key=in_order)
    return held


def full_member_counts(org_ids: list[int], on: datetime.date) -> dict[int, int]:
    """How many full members each organisation has on `on` (its current members only), in one query."""
    rows = (
        Member.objects.current()
        .with_status(MemberStatus.FULL, on=on)
        .filter(org_id__in=org_ids)
        .values("org_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["org_id"]: row["n"] for row in rows}


def life_matrix(
    branches: list[Organisation],
    period: req.ReportingPeriod,
    *,
    today: datetime.date | None = None,
    requirements: req.RequirementSet | None = None,
) -> list[LifeRow]:
    """Each branch with each requirement checked across `period`, in a fixed number of queries.

    A requirement counted by a shorter period than the one chosen is checked in each of them (a month's
    支委会 in each month of a quarter); a longer one in the period containing it (the year of a quarter).
    党小组会 is checked for each Party group of the branch. A branch's full members include its groups'.
    Callers pass branches already limited to the actor's scope (`life_branches`, `access_life_branch`)."""
    with _without_cycle_collection():
        return _life_rows(branches, period, today=today, requirements=requirements)


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while tens of thousands of checks are made (a university's year).

    The checks hold no reference cycles, yet the collector would walk the growing heap again and again: a
    third of the matrix's time at that size (the roster import pauses it for the same reason). Reference
    counting still frees everything."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _life_rows(
    branches: list[Organisation],
    period: req.ReportingPeriod,
    *,
    today: datetime.date | None,
    requirements: req.RequirementSet | None,
) -> list[LifeRow]:
    today = today or timezone.localdate()
    columns = life_columns(requirements)
    if not branches or not columns:
        return []
    # Each branch's requirements are its committee's (the columns' keys are the same in every set).
    if requirements is not None:
        in_force = dict.fromkeys((b.pk for b in branches), requirements)
    else:
        in_force = {pk: item.requirements for pk, item in life_settings_for(branches).items()}
    sets = {id(s): s for s in in_force.values()}.values()
    first, last = _span(tuple(r for s in sets for r in life_columns(s)), period)
    branch_ids = [b.pk for b in branches]
    groups: dict[int, list[Organisation]] = defaultdict(list)
    for group in Organisation.objects.active().filter(parent_id__in=branch_ids, kind=OrgKind.GROUP).order_by("path"):
        groups[group.parent_id].append(group)
    org_ids = branch_ids + [g.pk for gs in groups.values() for g in gs]
    members = full_member_counts(org_ids, min(period.ends_on, today))
    held = held_activities(org_ids, first, last)
    excuses = {
        (e.org_id, e.requirement, e.period_kind, e.period_starts_on): e
        for e in RequirementExcuse.objects.filter(
            org_id__in=org_ids, period_starts_on__gte=first, period_starts_on__lte=last
        ).select_related("granted_by")
    }

    # The same sub-periods for every branch; each check is given only the activities of its forms held in its
    # sub-period (`req.check` still decides which count), so the work grows with the activities, not with
    # activities × checks.
    subs = {kind: req.periods_between(kind, period.starts_on, period.ends_on) for kind in req.PeriodKind.ALL}
    no_candidates: tuple[req.HeldActivity, ...] = ()

    def candidates(
        by_form: dict[str, tuple[list[datetime.date], list[req.HeldActivity]]],
        requirement: req.Requirement,
        sub: req.ReportingPeriod,
    ) -> list[req.HeldActivity] | tuple[req.HeldActivity, ...]:
        found: list[req.HeldActivity] = []
        for form in requirement.forms:
            if form in by_form:
                days, items = by_form[form]
                found.extend(items[bisect_left(days, sub.starts_on) : bisect_right(days, sub.ends_on)])
        return found or no_candidates

    def index(items: list[req.HeldActivity]) -> dict[str, tuple[list[datetime.date], list[req.HeldActivity]]]:
        by_form: dict[str, list[req.HeldActivity]] = defaultdict(list)
        for activity in items:
            by_form[activity.form].append(activity)
        indexed = {}
        for form, found in by_form.items():  # in order of the day (`held_activities`)
            indexed[form] = ([a.held_on for a in found], found)
        return indexed

    no_groups = _("The branch has no Party groups.")
    rows = []
    for branch in branches:
        own = groups[branch.id]
        branch_full = members.get(branch.id, 0) + sum(members.get(g.id, 0) for g in own)
        facts = {
            org.id: req.OrganisationFacts(kind=org.kind, full_members=full, founded_on=org.founded_on)
            for org, full in [(branch, branch_full), *((g, members.get(g.id, 0)) for g in own)]
        }
        indexed = {org_id: index(held[org_id]) for org_id in facts if org_id in held}
        cells = []
        for column in columns:
            requirement = in_force[branch.pk].get(column.key)
            targets = [branch] if OrgKind.BRANCH in requirement.applies_to else own
            cell = LifeCell(requirement)
            if not targets:
                cell.note = no_groups
            for org in targets:
                org_id = org.id
                org_facts = facts[org_id]
                by_form = indexed.get(org_id)
                for sub in subs[requirement.period]:
                    excuse = excuses.get((org_id, requirement.key, sub.kind, sub.starts_on)) if excuses else None
                    granted = (
                        req.Excuse(excuse.reason, excuse.created_at.date(), str(excuse.granted_by or ""))
                        if excuse
                        else None
                    )
                    found = candidates(by_form, requirement, sub) if by_form else no_candidates
                    result = req.check(requirement, org_facts, sub, found, today, granted)
                    cell.checks.append(LifeCheck(org, result, excuse if result.status == req.Status.EXCUSED else None))
            cells.append(cell)
        rows.append(LifeRow(branch, cells))
    return rows


def life_branch(
    branch: Organisation, period: req.ReportingPeriod, *, today: datetime.date | None = None
) -> LifeRow | None:
    """One branch's row, with every check and its reasons (the detail page)."""
    rows = life_matrix([branch], period, today=today)
    return rows[0] if rows else None


def access_life_org(actor: User, branch: Organisation, org_id: int | str) -> Organisation:
    """The branch itself or one of its active Party groups, for an excuse; 404 otherwise."""
    if str(org_id) == str(branch.pk):
        return branch
    org = access_org(actor, org_id, LIFE_PERM)
    if org.kind != OrgKind.GROUP or org.parent_id != branch.pk or org.dissolved_on is not None:
        raise NotFound()
    return org


def life_url(branch: Organisation, period: req.ReportingPeriod, key: str) -> str:
    """The branch's organisational-life page for the period, at the requirement."""
    query = urlencode({"period": period.kind, "date": period.starts_on.isoformat()})
    return f"{reverse('compliance:life-branch', args=[branch.pk])}?{query}#req-{key}"


# The offices whose holders run a branch's organisational life, and are reminded of it.
RUNNING_POSITIONS = (Position.SECRETARY, Position.DEPUTY_SECRETARY)


def requirements_falling_due(
    *, actor: User, today: datetime.date, calendar: WorkingCalendar
) -> list[tuple[Organisation, LifeCheck]]:
    """The requirements still due in the branches the actor runs (as secretary or deputy), from the
    day their committee's lead time before the period closes (as the reminders go out) to the close.

    Two queries on most days (the actor's offices and the settings in force, besides the working-day
    calendar); the check itself runs only when some period of those branches is within its lead time."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return []
    branches = [
        term.org
        for term in OfficerTerm.objects.current(today)
        .filter(member_id=member_id, position__in=RUNNING_POSITIONS, org__kind=OrgKind.BRANCH)
        .select_related("org")
    ]
    if not branches:
        return []
    in_force = life_settings_for(branches)
    closing = {req.period_of(kind, today).closes_on for kind in req.PeriodKind.ALL}
    if not any(
        reminder_rules.reminder_due(today, day, in_force[b.pk].reminder_working_days, calendar)
        for b in branches
        for day in closing
    ):
        return []
    return [
        (row.org, check)
        for row in life_matrix(branches, req.period_of(req.PeriodKind.MONTH, today), today=today)
        for cell in row.cells
        for check in cell.checks
        if check.status == req.Status.DUE
        and reminder_rules.reminder_due(
            today, check.result.closes_on, in_force[row.org.pk].reminder_working_days, calendar
        )
    ]


# --- Reminders -------------------------------------------------------------------------------------

# Who hears that a requirement is still due: the organisation's secretary and deputy (a Party group's
# leader); without any in office, the accounts holding the officer's role over it.
_REMINDED_POSITIONS = (Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.GROUP_LEADER)
_REMINDED_ROLES = (Role.BRANCH_OFFICER, Role.GROUP_LEADER)


def life_officers(orgs: list[Organisation], today: datetime.date) -> dict[int, list[User]]:
    """For each organisation, the active accounts of its officers who run its organisational life, in two
    queries whatever the number of organisations: its secretary and deputy secretary (a Party group's
    leader) today; where none is in office, the holders of a branch-officer or group-leader role bound to it."""
    ids = [org.pk for org in orgs]
    found: dict[int, list[User]] = defaultdict(list)
    terms = (
        OfficerTerm.objects.current(today)
        .filter(org_id__in=ids, position__in=_REMINDED_POSITIONS, member__user__is_active=True)
        .select_related("member__user")
        .by_rank()
    )
    for term in terms:
        found[term.org_id].append(term.member.user)
    grants = (
        RoleGrant.objects.current(today)
        .filter(org_id__in=[pk for pk in ids if pk not in found], role__in=_REMINDED_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    for grant in grants:
        found[grant.org_id].append(grant.user)
    return {pk: found.get(pk, []) for pk in ids}


@dataclass(frozen=True)
class ActivityReminder:
    """An activity about to start, and the accounts of the expected attendees who have not asked for leave."""

    activity: Activity
    recipients: list[User]


def activities_to_remind(
    today: datetime.date, last_day: datetime.date, now: datetime.datetime | None = None
) -> list[ActivityReminder]:
    """Published activities that have not started and start on a day from `today` to `last_day`, each with the
    accounts of the attendees still expected (not marked, no leave asked for or granted), in two queries."""
    now = now or timezone.now()
    activities = list(
        Activity.objects.filter(
            status=ActivityStatus.PUBLISHED,
            starts_at__gte=max(_aware(today), now),
            starts_at__lt=_aware(last_day + datetime.timedelta(days=1)),
        )
        .select_related("org")
        .order_by("starts_at", "pk")
    )
    asked = LeaveRequest.objects.filter(
        activity=OuterRef("activity_id"),
        member=OuterRef("member_id"),
        status__in=(RequestStatus.PENDING, RequestStatus.APPROVED),
    )
    rows = (
        Attendance.objects.filter(
            activity_id__in=[a.pk for a in activities],
            expected=True,
            status=AttendanceStatus.EXPECTED,
            member__user__is_active=True,
        )
        .exclude(Exists(asked))
        .select_related("member__user")
        .order_by("pk")
    )
    recipients: dict[int, list[User]] = defaultdict(list)
    for row in rows:
        user = row.member.user
        if user is not None:  # always: only members with an active account are read
            recipients[row.activity_id].append(user)
    return [ActivityReminder(a, recipients[a.pk]) for a in activities if recipients[a.pk]]
