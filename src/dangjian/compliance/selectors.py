"""Reads for the early warning: the facts the signals need, and the officers' lists, always scoped.

Only officers with `Perm.MANAGE_CARE` over a branch see its entries. Members never see entries, and
an officer never sees (or closes) an entry about themself: the level above deals with it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care.models import Talk
from dangjian.care.selectors.talks import last_talk_dates
from dangjian.compliance import rules
from dangjian.compliance.models import EntryStatus, Level, WarningEntry, WarningEntryQuerySet
from dangjian.core.errors import NotFound
from dangjian.library.models import ReadingSession
from dangjian.library.rules import reading_rule_for
from dangjian.members.models import Member, Membership, SituationKind, SpecialSituation
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.permissions import access_org
from dangjian.study.models import ActivityStatus, Attendance, AttendanceStatus, MakeUpStatus, SelfStudy

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
