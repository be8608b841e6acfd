"""Reads for the early warning: the facts the signals need, and the officers' lists, always scoped.

Only officers with `Perm.MANAGE_CARE` over a branch see its entries. Members never see entries, and
an officer never sees (or closes) an entry about themself: the level above deals with it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care.models import Talk
from dangjian.care.selectors.talks import last_talk_dates
from dangjian.compliance import rules
from dangjian.compliance.models import EntryStatus, Level, RequirementExcuse, WarningEntry, WarningEntryQuerySet
from dangjian.compliance.rules import requirements as req
from dangjian.core.errors import DomainError, NotFound
from dangjian.evaluation.models import Campaign
from dangjian.evaluation.rules import Phase
from dangjian.library.models import ReadingSession
from dangjian.library.rules import reading_rule_for
from dangjian.members.models import Member, Membership, SituationKind, SpecialSituation
from dangjian.members.models import Status as MemberStatus
from dangjian.orgs.models import OfficerTerm, Organisation, OrganisationQuerySet, OrgKind, Position
from dangjian.orgs.permissions import access_org
from dangjian.study.models import Activity, ActivityStatus, Attendance, AttendanceStatus, MakeUpStatus, SelfStudy

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


def life_requirements() -> req.RequirementSet:
    """The requirements in force (the current version; committees' own variants come later)."""
    return req.requirement_set()


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


def held_activities(
    org_ids: list[int], first: datetime.date, last: datetime.date, now: datetime.datetime | None = None
) -> dict[int, list[req.HeldActivity]]:
    """The activities each organisation held from `first` to `last`, by organisation, in one query each for
    the activities, the secretaries and the evaluation campaigns.

    An activity counts as held when it was published (not a draft, not cancelled), has ended, and either its
    attendance was taken (at least one attendee marked, as closing the activity does) or it is the record of
    a past meeting brought in afterwards with its content (minutes not empty). Whether the speaker
    was the organisation's secretary on that day is read from the terms of office. A closed democratic
    evaluation counts as held on the day of its general meeting (the pseudo-form "evaluation")."""
    now = now or timezone.now()
    taken = Attendance.objects.filter(activity=OuterRef("pk")).exclude(status=AttendanceStatus.EXPECTED)
    rows = list(
        Activity.objects.filter(
            org_id__in=org_ids,
            status=ActivityStatus.PUBLISHED,
            starts_at__gte=_aware(first),
            starts_at__lt=_aware(last + datetime.timedelta(days=1)),
            ends_at__lte=now,
        )
        .filter(Exists(taken) | (Q(recorded_afterwards=True) & ~Q(minutes="")))
        .values_list("pk", "org_id", "form", "starts_at", "theme", "speaker_id")
        .order_by("starts_at", "pk")
    )
    secretaries: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for org_id, member_id, since, until in OfficerTerm.objects.filter(
        org_id__in=org_ids, position=Position.SECRETARY
    ).values_list("org_id", "member_id", "since", "until"):
        secretaries[org_id].append((member_id, since, until))

    def by_secretary(org_id: int, speaker_id: int | None, day: datetime.date) -> bool:
        return speaker_id is not None and any(
            member_id == speaker_id and since <= day and (until is None or day <= until)
            for member_id, since, until in secretaries[org_id]
        )

    held: dict[int, list[req.HeldActivity]] = defaultdict(list)
    for pk, org_id, form, starts_at, theme, speaker_id in rows:
        day = timezone.localdate(starts_at)
        held[org_id].append(req.HeldActivity(pk, form, day, by_secretary(org_id, speaker_id, day), theme))
    campaigns = Campaign.objects.filter(
        org_id__in=org_ids, phase=Phase.CLOSED, meeting_on__gte=first, meeting_on__lte=last
    ).values_list("pk", "org_id", "meeting_on", "year")
    for pk, org_id, meeting_on, year in campaigns:
        if meeting_on is None:  # filtered out above; for the type checker
            continue
        title = _("%(year)s democratic evaluation of members") % {"year": year}
        held[org_id].append(req.HeldActivity(pk, req.Form.EVALUATION, meeting_on, title=title))
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
    today = today or timezone.localdate()
    columns = life_columns(requirements)
    if not branches or not columns:
        return []
    first, last = _span(columns, period)
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

    def facts(org: Organisation, full: int) -> req.OrganisationFacts:
        return req.OrganisationFacts(kind=org.kind, full_members=full, founded_on=org.founded_on)

    rows = []
    for branch in branches:
        own = groups[branch.pk]
        branch_full = members.get(branch.pk, 0) + sum(members.get(g.pk, 0) for g in own)
        cells = []
        for requirement in columns:
            targets = (
                [(branch, branch_full)]
                if OrgKind.BRANCH in requirement.applies_to
                else [(g, members.get(g.pk, 0)) for g in own]
            )
            cell = LifeCell(requirement)
            if not targets:
                cell.note = _("The branch has no Party groups.")
            for org, full in targets:
                for sub in req.periods_between(requirement.period, period.starts_on, period.ends_on):
                    excuse = excuses.get((org.pk, requirement.key, sub.kind, sub.starts_on))
                    granted = (
                        req.Excuse(excuse.reason, excuse.created_at.date(), str(excuse.granted_by or ""))
                        if excuse
                        else None
                    )
                    result = req.check(requirement, facts(org, full), sub, held[org.pk], today, granted)
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
