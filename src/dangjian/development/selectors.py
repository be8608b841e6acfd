"""Reads of member development, each limited to the actor's scope.

Seeing the pipeline needs `VIEW_MEMBERS` over the developing branch, changing it `MANAGE_MEMBERS`, and
the ID number in clear `REVEAL_PERSONAL_DATA` (as for the roster).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.calendar import WorkingCalendar, working_calendar
from dangjian.core.errors import NotFound
from dangjian.development import rules
from dangjian.development.models import Person, Stage, StepRecord
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.orgs.selectors import member_search

DEVELOPING_ORGS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)  # the branch that develops someone


def can(actor: User, perm: Perm, person: Person) -> bool:
    return scope_for(actor).allows(perm, person.org.path)


def can_manage(actor: User, person: Person) -> bool:
    return can(actor, Perm.MANAGE_MEMBERS, person)


def can_reveal(actor: User, person: Person) -> bool:
    return can(actor, Perm.REVEAL_PERSONAL_DATA, person)


def access_person(actor: User, person_id: object, perm: Perm = Perm.VIEW_MEMBERS) -> Person:
    """The person if the actor holds `perm` over their branch; 404 for missing and forbidden alike."""
    try:
        person = Person.objects.for_list().get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, perm, person):
        raise NotFound()
    return person


@dataclass(frozen=True)
class PersonFilters:
    org: Organisation | None = None
    stage: str = ""
    q: str = ""


def person_list(*, actor: User, filters: PersonFilters = PersonFilters()) -> QuerySet[Person]:
    """People in the pipeline whose branch the actor may see, filtered."""
    qs = Person.objects.filter(scope_for(actor).org_filter(Perm.VIEW_MEMBERS)).for_list()
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.q:
        qs = qs.filter(member_search(filters.q.strip()) | Q(number=filters.q.strip()))
    return qs.order_by("org__path", "applied_on", "name", "pk")


def developing_orgs(*, actor: User) -> QuerySet[Organisation]:
    """Branches where the actor may register applicants: what the form and the API accept."""
    return (
        Organisation.objects.active()
        .filter(kind__in=DEVELOPING_ORGS)
        .filter(scope_for(actor).org_filter(Perm.MANAGE_MEMBERS, prefix="path"))
        .order_by("path")
    )


def visible_orgs(*, actor: User) -> QuerySet[Organisation]:
    """Branches whose pipeline the actor may see (the list's filter)."""
    return (
        Organisation.objects.filter(kind__in=DEVELOPING_ORGS)
        .filter(scope_for(actor).org_filter(Perm.VIEW_MEMBERS, prefix="path"))
        .order_by("path")
    )


def mentor_choices(*, actor: User, person: Person, q: str = "", today: datetime.date | None = None) -> QuerySet[Member]:
    """Full members of the person's branch (and the groups under it) who may be their mentors (细则2014 第九条)."""
    today = today or timezone.localdate()
    qs = (
        Member.objects.current()
        .with_status(Status.FULL, today)
        .filter(org__path__startswith=person.org.path)
        .filter(scope_for(actor).org_filter(Perm.VIEW_MEMBERS))
        .for_list()
    )
    if q:
        qs = qs.filter(member_search(q))
    return qs.order_by("org__path", "name_initials", "name", "pk")


def history_of(person: Person) -> rules.History:
    return rules.History.of(r.as_rule_record() for r in person.steps.all())


# --- A person's file ------------------------------------------------------------------------------


@dataclass
class StepLine:
    step: rules.Step
    records: list[StepRecord]
    clocks: list[rules.ClockState]

    @property
    def done(self) -> bool:
        return bool(self.records)


@dataclass
class StageBlock:
    key: str
    label: str
    lines: list[StepLine]
    current: bool


@dataclass
class PersonFile:
    person: Person
    stages: list[StageBlock]
    clocks: list[rules.ClockState]
    mentors: list[Member]
    records: list[StepRecord]
    today: datetime.date

    @property
    def warnings(self) -> list[rules.ClockState]:
        return [c for c in self.clocks if c.warns]


def person_file(*, person: Person, today: datetime.date | None = None) -> PersonFile:
    """A person (reached through `access_person`) with the 5 stages, every step's records and the clocks."""
    today = today or timezone.localdate()
    records = list(person.steps.select_related("recorded_by").order_by("on", "pk"))
    history = rules.History.of(r.as_rule_record() for r in records)
    clocks = rules.check_person(history, today, working_calendar())
    by_step: dict[str, list[StepRecord]] = defaultdict(list)
    for record in records:
        by_step[record.step].append(record)
    clocks_by_target: dict[str, list[rules.ClockState]] = defaultdict(list)
    for clock in clocks:
        clocks_by_target[clock.clock.target].append(clock)
    stages = [
        StageBlock(
            key=key,
            label=str(label),
            lines=[
                StepLine(step, by_step.get(step.key, []), clocks_by_target.get(step.key, []))
                for step in rules.STEPS
                if step.stage == key
            ],
            current=person.stage == key,
        )
        for key, label in rules.STAGES
    ]
    mentors = list(person.mentors.select_related("org").order_by("name", "pk"))
    return PersonFile(person, stages, clocks, mentors, records, today)


# --- The clocks of a scope --------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonClock:
    person: Person
    state: rules.ClockState


@dataclass
class Pipeline:
    """People by stage, with the clocks that warn; computed in a fixed number of queries."""

    stages: list[tuple[str, str, list[Person]]]
    clocks: list[PersonClock]
    warnings_by_person: dict[int, list[rules.ClockState]] = field(default_factory=dict)

    @property
    def late(self) -> list[PersonClock]:
        return [c for c in self.clocks if c.state.state == rules.LATE]

    @property
    def coming(self) -> list[PersonClock]:
        return [c for c in self.clocks if c.state.state == rules.COMING]


class _CalendarOnDemand(WorkingCalendar):
    """The working-day calendar, read from the database only when a clock counts working days (the 公示)."""

    _loaded: WorkingCalendar | None

    def __init__(self) -> None:
        object.__setattr__(self, "_loaded", None)

    def is_working_day(self, day: datetime.date) -> bool:
        loaded = self._loaded
        if loaded is None:
            loaded = working_calendar()
            object.__setattr__(self, "_loaded", loaded)
        return loaded.is_working_day(day)


def _clocks_for(
    people: list[Person], qs: QuerySet[Person], today: datetime.date, calendar_: WorkingCalendar
) -> dict[int, list[rules.ClockState]]:
    """Each person's clocks, from one query for all their records (`qs` selects the same people)."""
    records: dict[int, list[rules.Record]] = defaultdict(list)
    rows = StepRecord.objects.filter(person__in=qs.values("pk")).values_list(
        "person_id", "step", "on", "months", "training_days", "training_hours"
    )
    for person_id, step, on, months, days, hours in rows.iterator(chunk_size=2000):
        records[person_id].append(rules.Record(step, on, months, days, hours))
    return {p.pk: rules.check_person(rules.History.of(records[p.pk]), today, calendar_) for p in people}


def scope_clocks(
    *, actor: User, org: Organisation | None = None, today: datetime.date | None = None, perm: Perm = Perm.VIEW_MEMBERS
) -> Pipeline:
    """The people in the pipeline the actor may see (within `org`), by stage, with their late, coming and
    irregular steps: two or three queries whatever the number of people (the people, their records, and the
    working-day calendar when someone's 公示 is counted)."""
    today = today or timezone.localdate()
    qs = Person.objects.filter(scope_for(actor).org_filter(perm)).exclude(stage=Stage.FULL).for_list()
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    people = list(qs.order_by("org__path", "applied_on", "name", "pk"))
    by_person = _clocks_for(people, qs, today, _CalendarOnDemand()) if people else {}
    clocks: list[PersonClock] = []
    warnings: dict[int, list[rules.ClockState]] = {}
    for person in people:
        warns = [s for s in by_person.get(person.pk, []) if s.warns]
        warnings[person.pk] = warns
        clocks.extend(PersonClock(person, s) for s in warns)
    order = {rules.LATE: 0, rules.BROKEN: 1, rules.COMING: 2}
    clocks.sort(key=lambda c: (order[c.state.state], c.state.due or datetime.date.max, c.person.name))
    for person in people:
        person.clock_warnings = warnings[person.pk]
    stages = [(key, str(label), [p for p in people if p.stage == key]) for key, label in rules.STAGES]
    return Pipeline(stages, clocks, warnings)
