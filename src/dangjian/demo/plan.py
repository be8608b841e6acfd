"""Drawing the plan of a university's colleges: organisations, people, officers, transfers, situations.

Deterministic for a seed and a day. The first college is the demo college, modelled on the
essay's 哲学与社会发展学院, with the demo accounts; `dangjian.demo.generator` stores plans.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy

from dangjian.demo.people import (
    ADMIN_OFFICES,
    CITIES,
    COLLEGES,
    UNIVERSITIES_ABROAD,
    College,
    Department,
    People,
    add_years,
    chinese_number,
    random_date,
)
from dangjian.members import rules as member_rules
from dangjian.members import services as member_services
from dangjian.orgs import rules as org_rules

DEMO_PASSWORD = "dangjian-demo"  # noqa: S105 - the published password of the demo accounts
DEMO_CODE_PREFIX = "DEMO-"
DEMO_COMMITTEE_CODE = "DEMO-C01"


@dataclass(frozen=True)
class Scale:
    committees: int
    branches: int
    members: int


DEMO_SCALE = Scale(committees=1, branches=11, members=336)
# Every kind of page and record, in a fraction of the time: for CI's API fuzzing and page crawl.
SMALL_SCALE = Scale(committees=1, branches=8, members=60)
SMALL_MATERIALS = 6  # study materials in the small demo's library (one of each kind first)
BENCH_SCALE = Scale(committees=30, branches=600, members=30_000)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str  # lazy translation


DEMO_ACCOUNTS = [
    DemoAccount("demo-admin", gettext_lazy("System administrator")),
    DemoAccount("demo-committee", gettext_lazy("Secretary of the college Party committee")),
    DemoAccount("demo-branch", gettext_lazy("Secretary of a faculty branch")),
    DemoAccount("demo-student-branch", gettext_lazy("Secretary of a student branch (a graduate student)")),
    DemoAccount("demo-member", gettext_lazy("Faculty member")),
    DemoAccount("demo-student", gettext_lazy("Undergraduate member (probationary)")),
]
DEMO_USERNAMES = frozenset(account.username for account in DEMO_ACCOUNTS)


# ---------------------------------------------------------------------------------------------
# The plan


@dataclass(slots=True)
class OrgPlan:
    code: str
    kind: str
    name: str
    parent: str | None
    founded_on: datetime.date | None = None
    admin_unit: str = ""
    admin_unit_head: str = ""
    term_started_on: datetime.date | None = None
    sort_order: int = 0


@dataclass(slots=True)
class TransferPlan:
    to_org: str | None  # None: transferred out of the college
    on: datetime.date
    reason: str


@dataclass(slots=True)
class PersonPlan:
    number: str
    name: str
    gender: str
    ethnicity: str
    birth_date: datetime.date
    id_number: str
    education: str
    category: str
    admin_unit: str
    phone: str
    joined_on: datetime.date
    full_member_on: datetime.date | None
    org: str  # the organisation the member joined the roster in
    since: datetime.date
    transfers: list[TransferPlan] = field(default_factory=list)
    password: str | None = None  # only the demo accounts can log in

    @property
    def current_org(self) -> str | None:
        return self.transfers[-1].to_org if self.transfers else self.org

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in member_services.MEMBER_FIELDS}


@dataclass(slots=True)
class OfficerPlan:
    org: str
    number: str
    position: str
    since: datetime.date
    until: datetime.date | None = None


@dataclass(slots=True)
class SituationPlan:
    number: str
    kind: str
    since: datetime.date
    until: datetime.date | None
    note: str


@dataclass
class Plan:
    today: datetime.date
    orgs: list[OrgPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    officers: list[OfficerPlan] = field(default_factory=list)
    situations: list[SituationPlan] = field(default_factory=list)
    admins: list[tuple[str, str]] = field(default_factory=list)  # (username, display name)


# Branch types: faculty of one department, administration, retirees, undergraduates, master's
# and doctoral students.
FACULTY, ADMIN, RETIRED, UNDERGRAD, MASTER, DOCTORAL = "F", "A", "R", "U", "M", "D"
SIZE_WEIGHTS = {FACULTY: 1.0, ADMIN: 0.6, RETIRED: 1.8, UNDERGRAD: 0.9, MASTER: 1.0, DOCTORAL: 0.8}


@dataclass
class _Branch:
    kind: str  # one of the branch types
    number: int  # 1-based within its type
    departments: list[Department]
    code: str = ""
    name: str = ""
    size: int = 0
    groups: list[str] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    term_started_on: datetime.date | None = None


def _layout(departments: tuple[Department, ...], n: int) -> list[_Branch]:
    """Which branches a college of `n` branches has, most essential first."""
    d = len(departments)
    order: list[tuple[str, int]] = [(FACULTY, 0), (ADMIN, 0), (UNDERGRAD, 0), (MASTER, 0), (RETIRED, 0)]
    order += [(FACULTY, i) for i in range(1, d)]
    order += [(UNDERGRAD, 1), (DOCTORAL, 0), (MASTER, 1)]
    k = 2
    while len(order) < n:
        order += [(UNDERGRAD, k), (MASTER, k)] + ([(DOCTORAL, k // 2)] if k % 2 == 0 else [])
        k += 1
    chosen = order[:n]
    counts = {kind: sum(1 for c, _ in chosen if c == kind) for kind in SIZE_WEIGHTS}
    branches = []
    for kind, index in chosen:
        if kind == FACULTY:
            served = [departments[index]]
        elif kind in (UNDERGRAD, MASTER):
            served = [dep for j, dep in enumerate(departments) if j % counts[kind] == index] or list(departments)
        else:
            served = list(departments)
        branches.append(_Branch(kind=kind, number=index + 1, departments=served))
    type_order = [FACULTY, ADMIN, RETIRED, UNDERGRAD, MASTER, DOCTORAL]
    branches.sort(key=lambda b: (type_order.index(b.kind), b.number))
    return branches


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` that add up to `total` (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    sizes = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - sizes[i], reverse=True)[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


class _Builder:
    def __init__(self, seed: int, today: datetime.date) -> None:
        self.seed = seed
        self.today = today
        # The academic year that began most recently (in September).
        self.year = today.year if today.month >= 9 else today.year - 1
        self.plan = Plan(today=today)
        self.people = People()
        self.serial = 0

    # -- people -------------------------------------------------------------------------------

    def _number(self, prefix: int, width: int) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:0{width}d}"

    def _dates(
        self,
        rng: random.Random,
        birth: datetime.date,
        earliest: datetime.date,
        status: str | None,
        window: int | None = None,
    ) -> tuple[datetime.date, datetime.date | None]:
        """Joined and full-membership dates: joined at 18 or later, 预备期 of one year.

        `window` limits joining to so many days after `earliest` (staff joined at a chosen age).
        """
        latest = self.today - datetime.timedelta(days=14)
        if status == "full":
            latest = min(latest, add_years(self.today, -1) - datetime.timedelta(days=10))
        earliest = max(earliest, add_years(birth, member_rules.MIN_AGE_TO_JOIN))
        if status == "probationary":
            earliest = max(earliest, add_years(self.today, -1) + datetime.timedelta(days=10))
        earliest = min(earliest, latest)
        end = latest if window is None else min(latest, earliest + datetime.timedelta(days=window))
        joined = random_date(rng, earliest, end)
        full = add_years(joined, 1)
        return joined, (full if full <= self.today else None)

    def _person(
        self,
        rng: random.Random,
        *,
        category: str,
        birth: datetime.date,
        joined_earliest: datetime.date,
        since_earliest: datetime.date,
        number: str,
        education: str,
        admin_unit: str,
        org: str,
        status: str | None = None,
        gender: str | None = None,
        window: int | None = None,
    ) -> PersonPlan:
        gender = gender or rng.choice(["male", "female"])
        joined, full = self._dates(rng, birth, joined_earliest, status, window)
        return PersonPlan(
            number=number,
            name=self.people.name(rng, gender, birth.year),
            gender=gender,
            ethnicity=self.people.ethnicity(rng),
            birth_date=birth,
            id_number=self.people.id_number(rng, birth, gender),
            education=education,
            category=category,
            admin_unit=admin_unit,
            phone=self.people.phone(rng),
            joined_on=joined,
            full_member_on=full,
            org=org,
            since=min(max(joined, since_earliest), self.today),
        )

    def _birth(self, rng: random.Random, min_age: int, max_age: int) -> datetime.date:
        year = self.today.year - rng.randint(min_age, max_age)
        return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))

    def staff(self, rng, branch: _Branch, org: str, *, role: str, status=None) -> PersonPlan:
        """A teacher (role "F"), an administrator ("A") or a counsellor ("C")."""
        ages, hire_ages = {"F": ((28, 60), (28, 34)), "A": ((25, 58), (23, 30)), "C": ((26, 34), (25, 28))}[role]
        birth = self._birth(rng, *ages)
        hired = datetime.date(min(birth.year + rng.randint(*hire_ages), self.today.year - 1), 7, 1)
        if role == "F":
            education = "doctorate" if rng.random() < 0.85 else "master"
            unit = branch.departments[0].name
        elif role == "A":
            education = rng.choices(["doctorate", "master", "bachelor"], [1, 5, 4])[0]
            unit = rng.choice(ADMIN_OFFICES)
        else:
            education, unit = "master", "学生工作办公室"
        # Most joined the Party at university; some later.
        join_age = rng.randint(18, 26) if rng.random() < 0.85 else rng.randint(27, 40)
        return self._person(
            rng,
            category="faculty",
            birth=birth,
            joined_earliest=add_years(birth, join_age),
            since_earliest=hired,
            number=self._number(hired.year, 5),
            education=education,
            admin_unit=unit,
            org=org,
            status=status,
            window=365,
        )

    def retiree(self, rng, branch: _Branch, org: str) -> PersonPlan:
        birth = self._birth(rng, 61, 88)
        retired = add_years(birth, 60)
        hired = datetime.date(birth.year + rng.randint(22, 28), 7, 1)
        person = self._person(
            rng,
            category="retired",
            birth=birth,
            joined_earliest=add_years(birth, rng.randint(18, 40)),
            since_earliest=retired,
            number=self._number(hired.year, 5),
            education=rng.choices(["doctorate", "master", "bachelor", "college", "secondary"], [1, 2, 8, 5, 4])[0],
            admin_unit="原" + rng.choice([*(d.name for d in branch.departments), "学院办公室"]),
            org=org,
            status="full",
            gender=rng.choices(["male", "female"], [6, 4])[0],
            window=365,
        )
        if rng.random() < 0.1:
            person.phone = ""
        return person

    def student(self, rng, branch: _Branch, org: str, *, status=None, grade: int | None = None) -> PersonPlan:
        department = rng.choice(branch.departments)
        if branch.kind == UNDERGRAD:
            grade = grade or rng.choice([self.year - 3, self.year - 3, self.year - 2, self.year - 2, self.year - 1])
            entry_age, education, category = rng.choice([17, 18, 18, 18, 19]), "secondary", "undergraduate"
            unit = f"{grade}级{department.major}{rng.randint(1, 3)}班"
            # Students are admitted in their second year at the earliest.
            join_from = datetime.date(grade + 1, 6, 1)
        elif branch.kind == MASTER:
            grade = grade or rng.choice([self.year - 2, self.year - 1, self.year - 1, self.year])
            entry_age, education, category = rng.randint(21, 24), "bachelor", "graduate"
            unit = f"{grade}级{department.major}硕士研究生"
            join_from = datetime.date(grade - 3, 6, 1)
        else:
            grade = grade or rng.choice([self.year - 3, self.year - 2, self.year - 1, self.year])
            entry_age, education, category = rng.randint(24, 29), "master", "graduate"
            unit = f"{grade}级{department.major}博士研究生"
            join_from = datetime.date(grade - 6, 6, 1)
        # Everyone on the roster is old enough to have joined (18) some weeks ago.
        birth = min(
            datetime.date(grade - entry_age, rng.randint(1, 12), rng.randint(1, 28)),
            add_years(self.today, -19),
        )
        if status is None and branch.kind == UNDERGRAD and grade >= self.year - 1:
            status = "probationary"
        return self._person(
            rng,
            category=category,
            birth=birth,
            joined_earliest=join_from,
            since_earliest=datetime.date(grade, 9, 1),
            number=self._number(grade, 6),
            education=education,
            admin_unit=unit,
            org=org,
            status=status,
        )

    # -- a committee ------------------------------------------------------------------------------

    def committee(self, index: int, n_branches: int, n_members: int, *, demo_accounts: bool) -> None:
        rng = random.Random(f"{self.seed}:{index}")  # noqa: S311 - plausible data, not secrets
        college: College = COLLEGES[index % len(COLLEGES)]
        round_ = index // len(COLLEGES)
        college_name = college.name + (f"（{chinese_number(round_ + 1)}）" if round_ else "")
        code = f"{DEMO_CODE_PREFIX}C{index + 1:02d}"
        founded = datetime.date(rng.randint(1985, 2005), rng.randint(1, 12), 1)
        first = index == 0 and demo_accounts
        self.plan.orgs.append(
            OrgPlan(
                code=code,
                kind="committee",
                name=college_name + "党委",
                parent=None,
                founded_on=founded,
                admin_unit=college_name,
                admin_unit_head=self.people.name(rng, rng.choice(["male", "female"]), 1970),
                term_started_on=self.today - datetime.timedelta(days=rng.randint(500, 1500)),
                sort_order=index + 1,
            )
        )
        branches = _layout(college.departments, n_branches)
        weights = [SIZE_WEIGHTS[b.kind] * (1 if b.kind == RETIRED else rng.uniform(0.85, 1.15)) for b in branches]
        for branch, size in zip(branches, _split(n_members, weights), strict=True):
            branch.size = max(size, 3)

        # Three or more graduate branches sit under a general branch (党总支).
        parents: dict[str, str] = {}
        for kind, label, suffix in ((MASTER, "研究生党总支", "Z1"), (UNDERGRAD, "本科生党总支", "Z2")):
            kinds = (MASTER, DOCTORAL) if kind == MASTER else (UNDERGRAD,)
            if sum(1 for b in branches if b.kind in kinds) >= 3:
                self.plan.orgs.append(
                    OrgPlan(
                        code=f"{code}-{suffix}",
                        kind="general_branch",
                        name=label,
                        parent=code,
                        founded_on=founded,
                        admin_unit=label.removesuffix("党总支"),
                        term_started_on=self.today - datetime.timedelta(days=rng.randint(100, 1000)),
                        sort_order=100 + len(parents),
                    )
                )
                for k in kinds:
                    parents[k] = f"{code}-{suffix}"

        for j, branch in enumerate(branches, start=1):
            branch.code = f"{code}-B{j:02d}"
            branch.term_started_on = self._term_start(rng, index, branch, branches)
            self._add_branch(rng, branch, parent=parents.get(branch.kind, code), founded=founded, sort_order=j)
            self._add_people(rng, branch, first=first)
            self._appoint_branch(rng, branch, first=first, no_committee=first and branch is _nth(branches, FACULTY, 3))

        self._appoint_committee(rng, code, branches, first=first)
        self._transfers(rng, branches, first=first)
        self._situations(rng, branches)

    def _term_start(self, rng, index: int, branch: _Branch, branches: list[_Branch]) -> datetime.date:
        three_years_ago = add_years(self.today, -3)
        if index == 0:
            # The demo college shows a 换届 due soon and one overdue on its dashboard.
            if branch is _nth(branches, FACULTY, 2):
                return three_years_ago + datetime.timedelta(days=75)
            if branch is _nth(branches, UNDERGRAD, 2):
                return three_years_ago - datetime.timedelta(days=40)
            if branch.kind in (MASTER, DOCTORAL):
                start = datetime.date(self.year, 10, 15)
                return start if start <= self.today else datetime.date(self.year - 1, 10, 15)
            return self.today - datetime.timedelta(days=rng.randint(120, 800))
        return self.today - datetime.timedelta(days=rng.randint(30, 3 * 365 + 180))

    def _add_branch(self, rng, branch: _Branch, *, parent: str, founded: datetime.date, sort_order: int) -> None:
        departments = branch.departments
        majors = "、".join(d.major for d in departments)
        if branch.kind == FACULTY:
            name, unit = f"{departments[0].name}教工党支部", departments[0].name
        elif branch.kind == ADMIN:
            name, unit = "机关党支部", "学院机关"
        elif branch.kind == RETIRED:
            name, unit = "离退休党支部", "离退休教职工"
        elif branch.kind == UNDERGRAD:
            name, unit = f"本科生第{chinese_number(branch.number)}党支部", f"{majors}专业本科生"
        elif branch.kind == MASTER:
            name, unit = f"硕士研究生第{chinese_number(branch.number)}党支部", f"{majors}专业硕士研究生"
        else:
            name, unit = f"博士研究生第{chinese_number(branch.number)}党支部", "博士研究生"
        branch.name = name
        self.plan.orgs.append(
            OrgPlan(
                code=branch.code,
                kind="branch",
                name=name,
                parent=parent,
                founded_on=founded + datetime.timedelta(days=rng.randint(0, 3000)),
                admin_unit=unit,
                admin_unit_head=self.people.name(rng, rng.choice(["male", "female"]), 1975),
                term_started_on=branch.term_started_on,
                sort_order=sort_order,
            )
        )
        # Larger faculty, administrative and retirees' branches work in 党小组.
        if branch.kind in (FACULTY, ADMIN, RETIRED) and branch.size >= 24:
            for g in range(1, max(2, min(4, branch.size // 15)) + 1):
                branch.groups.append(f"{branch.code}-G{g}")
                self.plan.orgs.append(
                    OrgPlan(
                        code=f"{branch.code}-G{g}",
                        kind="group",
                        name=f"第{chinese_number(g)}党小组",
                        parent=branch.code,
                        founded_on=founded,
                        sort_order=g,
                    )
                )

    def _add_people(self, rng, branch: _Branch, *, first: bool) -> None:
        for i in range(branch.size):
            org = branch.groups[i % len(branch.groups)] if branch.groups else branch.code
            account = _demo_account(branch, i) if first else None
            status = "probationary" if account == "demo-student" else "full" if account else None
            if branch.kind == FACULTY:
                person = self.staff(rng, branch, org, role="F", status=status)
            elif branch.kind == ADMIN:
                person = self.staff(rng, branch, org, role="A", status=status)
            elif branch.kind == RETIRED:
                person = self.retiree(rng, branch, org)
            elif branch.kind == UNDERGRAD and i == 0:
                # Undergraduate branches are led by a counsellor (辅导员), who belongs to them.
                person = self.staff(rng, branch, org, role="C", status="full")
            else:
                grade = self.year - 1 if account == "demo-student-branch" else None
                person = self.student(rng, branch, org, status=status, grade=grade)
            if account:
                person.number, person.password = account, DEMO_PASSWORD
                if account == "demo-committee":
                    person.admin_unit = "学院党委"
            branch.people.append(person)
            self.plan.people.append(person)

    def _pick(self, rng, people: list[PersonPlan], taken: set[str], on: datetime.date | None) -> PersonPlan | None:
        """A full member not yet holding an office here, who belonged to the branch on `on` if possible."""
        free = [p for p in people if p.full_member_on and p.number not in taken and not _plain_account(p)]
        settled = [p for p in free if on is None or p.since <= on]
        choice = rng.choice(settled or free) if (settled or free) else None
        if choice:
            taken.add(choice.number)
        return choice

    def _appoint_branch(self, rng, branch: _Branch, *, first: bool, no_committee: bool) -> None:
        since = branch.term_started_on
        taken: set[str] = set()
        forced = next((p for p in branch.people if p.number in ("demo-branch", "demo-student-branch")), None)
        if forced:
            secretary = forced
            taken.add(forced.number)
        elif branch.kind == UNDERGRAD:
            secretary = branch.people[0]  # the counsellor
            taken.add(secretary.number)
        else:
            secretary = self._pick(rng, branch.people, taken, since)
        if secretary is None:
            return
        self.plan.officers.append(OfficerPlan(branch.code, secretary.number, "secretary", since))
        full = sum(1 for p in branch.people if p.full_member_on)
        if full >= org_rules.BRANCH_COMMITTEE_REQUIRED_AT and not no_committee:
            positions = ["organisation", "propaganda", "discipline"]
            if branch.size >= 30 or branch.kind == UNDERGRAD:
                positions.insert(0, "deputy_secretary")
            for position in positions:
                if person := self._pick(rng, branch.people, taken, since):
                    # Re-elected: on the committee in the previous term too, from when they joined the branch.
                    previous = max(add_years(since, -3), person.since, person.full_member_on or since)
                    if previous < since:
                        until = since - datetime.timedelta(days=1)
                        self.plan.officers.append(OfficerPlan(branch.code, person.number, position, previous, until))
                    self.plan.officers.append(OfficerPlan(branch.code, person.number, position, since))
        for group in branch.groups:
            members = [p for p in branch.people if p.org == group]
            if leader := self._pick(rng, members, taken, since):
                self.plan.officers.append(OfficerPlan(group, leader.number, "group_leader", since))
        # Some branches keep the previous secretary's term on record.
        staff_branch = branch.kind in (FACULTY, ADMIN, RETIRED)
        if staff_branch and (rng.random() < 0.35 or (first and branch.number == 1)):
            start = add_years(since, -3)
            if previous := self._pick(rng, branch.people, taken, start):
                until = since - datetime.timedelta(days=1)
                self.plan.officers.append(OfficerPlan(branch.code, previous.number, "secretary", start, until))

    def _appoint_committee(self, rng, code: str, branches: list[_Branch], *, first: bool) -> None:
        since = next(o.term_started_on for o in self.plan.orgs if o.code == code)
        staff = [p for b in branches if b.kind in (ADMIN, FACULTY) for p in b.people]
        branch_officers = {o.number for o in self.plan.officers if o.until is None}
        taken = set(branch_officers)
        secretary = next((p for p in staff if p.number == "demo-committee"), None) if first else None
        if secretary is None:
            secretary = self._pick(rng, [p for b in branches if b.kind == ADMIN for p in b.people], taken, since)
        else:
            taken.add(secretary.number)
        positions = ["deputy_secretary", "deputy_secretary", "organisation", "propaganda", "discipline"]
        positions += ["organiser", "committee_member"]
        appointed = [(secretary, "secretary")] + [(self._pick(rng, staff, taken, since), pos) for pos in positions]
        for person, position in appointed:
            if person is not None:
                self.plan.officers.append(OfficerPlan(code, person.number, position, since))

    def _transfers(self, rng, branches: list[_Branch], *, first: bool) -> None:
        """A few moves that leave a history: retirement, a change of department, 硕博连读, graduation."""
        faculty = [b for b in branches if b.kind == FACULTY]
        retired = next((b for b in branches if b.kind == RETIRED), None)
        masters = [b for b in branches if b.kind == MASTER]
        doctoral = next((b for b in branches if b.kind == DOCTORAL), None)
        officers = {o.number for o in self.plan.officers}
        if retired and faculty:
            movers = [p for p in retired.people if p.number not in officers and p.since > p.joined_on][:2]
            for person in movers:
                source = rng.choice(faculty)
                hired = datetime.date(int(person.number[:4]), 7, 1)
                person.transfers.append(TransferPlan(person.org, person.since, "退休"))
                person.org, person.since = source.code, max(person.joined_on, hired)
                person.admin_unit = "原" + source.departments[0].name
        if len(faculty) >= 2:
            target = faculty[1]
            person = next((p for p in reversed(target.people) if p.number not in officers), None)
            on = self.today - datetime.timedelta(days=rng.randint(200, 700))
            if person and person.since < on:
                person.transfers.append(TransferPlan(person.org, on, f"工作调动，调入{target.departments[0].name}"))
                person.org = faculty[0].groups[0] if faculty[0].groups else faculty[0].code
        if masters and doctoral:
            person = next((p for p in reversed(doctoral.people) if p.number not in officers), None)
            if person:
                grade = int(person.number[:4])
                on = datetime.date(grade, 9, 1)
                started = datetime.date(grade - 2, 9, 1)
                if person.joined_on < on and on <= self.today:
                    person.transfers.append(TransferPlan(person.org, on, "硕博连读"))
                    person.org, person.since = masters[0].code, max(person.joined_on, started)
        if masters:
            # A graduate who left last summer: no longer on the roster, still in the history.
            branch = masters[0]
            graduate = self.student(rng, branch, branch.code, status="full", grade=self.year - 3)
            on = datetime.date(self.year, 6, 28)
            if graduate.since < on <= self.today:
                graduate.transfers.append(TransferPlan(None, on, "毕业，组织关系转至工作单位"))
                self.plan.people.append(graduate)
            else:
                self.people.id_numbers.discard(graduate.id_number)

    def _situations(self, rng, branches: list[_Branch]) -> None:
        today = self.today
        by_kind = defaultdict(list)
        for branch in branches:
            by_kind[branch.kind].extend(p for p in branch.people if not p.password and not p.transfers)

        def add(kind: str, people: list[PersonPlan], since_days: tuple[int, int], length: int | None, note: str):
            since = today - datetime.timedelta(days=rng.randint(*since_days))
            candidates = [p for p in people if p.since <= since]
            if not candidates:
                return
            person = rng.choice(candidates)
            people.remove(person)
            until = since + datetime.timedelta(days=length) if length else None
            self.plan.situations.append(SituationPlan(person.number, kind, since, until, note))

        city, abroad = rng.choice(CITIES), rng.choice(UNIVERSITIES_ABROAD)
        add("flowing", by_kind[FACULTY], (60, 300), 365, f"挂职锻炼（{city}）")
        add("flowing", by_kind[MASTER], (20, 120), None, f"赴{rng.choice(CITIES)}开展田野调查")
        add("abroad", by_kind[FACULTY], (90, 250), 365, f"国家公派访问学者（{abroad}）")
        add("abroad", by_kind[FACULTY], (1000, 1100), 300, f"访问学者（{rng.choice(UNIVERSITIES_ABROAD)}），已回国")
        add("abroad", by_kind[DOCTORAL], (60, 200), 365, f"联合培养博士研究生（{rng.choice(UNIVERSITIES_ABROAD)}）")
        add("frail", by_kind[RETIRED], (300, 2000), None, "长期卧床，送学上门")
        add("frail", by_kind[RETIRED], (100, 900), None, "患病，行动不便，免于参加集中活动")
        add("frail", by_kind[RETIRED], (400, 600), 120, "住院治疗，已康复")


def _nth(branches: list[_Branch], kind: str, n: int) -> _Branch | None:
    matching = [b for b in branches if b.kind == kind]
    return matching[n - 1] if len(matching) >= n else None


def _demo_account(branch: _Branch, i: int) -> str | None:
    """Which demo account, if any, the i-th person of a branch of the demo college is."""
    return {
        (ADMIN, 1, 0): "demo-committee",
        (FACULTY, 1, 0): "demo-branch",
        (FACULTY, 1, 1): "demo-member",
        (MASTER, 1, 0): "demo-student-branch",
        (UNDERGRAD, 1, 1): "demo-student",
    }.get((branch.kind, branch.number, i))


def _plain_account(person: PersonPlan) -> bool:
    """Demo accounts hold only the offices assigned to them: the plain members stay plain."""
    return person.password is not None


def build_plan(
    *, seed: int = 1, today: datetime.date | None = None, scale: Scale = DEMO_SCALE, demo_accounts: bool = True
) -> Plan:
    """A deterministic plan of a university's colleges (the first is the demo college)."""
    builder = _Builder(seed, today or timezone.localdate())
    branches = _split(scale.branches, [1] * scale.committees)
    members = _split(scale.members, [1] * scale.committees)
    for index in range(scale.committees):
        builder.committee(index, branches[index], members[index], demo_accounts=demo_accounts)
    if demo_accounts:
        builder.plan.admins.append(("demo-admin", "系统管理员"))
    return builder.plan
