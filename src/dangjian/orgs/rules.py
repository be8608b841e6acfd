"""Rules about how organisations are set up, from the branch regulations. Pure: no ORM.

Sources (see domain.md §1):
- 支部条例: 《中国共产党支部工作条例（试行）》, 2018, chapter 2.
- 选举条例: 《中国共产党基层组织选举工作条例》, 2020.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# 支部条例 ch.2: a unit with at least 3 full members sets up a branch.
MIN_FULL_MEMBERS_FOR_BRANCH = 3
# 支部条例 ch.2: a branch should normally have no more than 50 members.
MAX_BRANCH_MEMBERS = 50
# 支部条例 ch.2: with 7 or more full members a branch elects a committee …
BRANCH_COMMITTEE_REQUIRED_AT = 7
# … of 3 to 5 members, normally no more than 7.
BRANCH_COMMITTEE_MIN_SIZE = 3
BRANCH_COMMITTEE_MAX_SIZE = 7
# How early the next 换届 is shown as near. Local practice; not in any regulation.
ELECTION_DUE_NOTICE_DAYS = 180


@dataclass(frozen=True)
class TermRule:
    kind: str
    years: int
    source: str


# 支部条例 ch.2 and 选举条例: branch and general-branch committees serve 3 years (5 for
# villages and communities, which a university does not have). The 5 years for a grassroots
# committee (基层委员会) is the 选举条例's figure; it is not verified here, so an organisation
# may override its term length.
TERM_RULES: dict[str, TermRule] = {
    "committee": TermRule("committee", 5, "选举条例 (2020)"),
    "general_branch": TermRule("general_branch", 3, "选举条例 (2020)"),
    "branch": TermRule("branch", 3, "支部条例 (2018) 第二章"),
}


def term_years(kind: str, override: int | None = None) -> int | None:
    """Years a committee of this kind serves; None for kinds that do not elect (groups)."""
    if override:
        return override
    rule = TERM_RULES.get(kind)
    return rule.years if rule else None


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def next_election_on(term_started_on: datetime.date | None, years: int | None) -> datetime.date | None:
    """The date the current committee's term ends, which is when the 换届 is due."""
    if term_started_on is None or not years:
        return None
    return add_years(term_started_on, years)


def election_is_near(due: datetime.date | None, today: datetime.date) -> bool:
    return due is not None and (due - today).days <= ELECTION_DUE_NOTICE_DAYS


@dataclass(frozen=True)
class Finding:
    """One explained result of a check: a level, a code tests can match, and the reason."""

    code: str
    level: str  # "ok", "warning" or "problem"
    message: str | Promise


def check_branch(
    *,
    full_members: int,
    probationary_members: int,
    committee_size: int,
    has_secretary: bool,
    election_due: datetime.date | None,
    today: datetime.date,
) -> list[Finding]:
    """Check a branch against the set-up rules of 支部条例 ch.2 and explain each result."""
    findings: list[Finding] = []
    total = full_members + probationary_members
    if full_members < MIN_FULL_MEMBERS_FOR_BRANCH:
        findings.append(
            Finding(
                "too_few_full_members",
                "warning",
                _("The branch has %(n)d full members; a branch is set up with at least %(min)d (支部条例 ch.2).")
                % {"n": full_members, "min": MIN_FULL_MEMBERS_FOR_BRANCH},
            )
        )
    if total > MAX_BRANCH_MEMBERS:
        findings.append(
            Finding(
                "too_many_members",
                "warning",
                _(
                    "The branch has %(n)d members; a branch should normally have no more than %(max)d, "
                    "consider dividing it (支部条例 ch.2)."
                )
                % {"n": total, "max": MAX_BRANCH_MEMBERS},
            )
        )
    if full_members >= BRANCH_COMMITTEE_REQUIRED_AT:
        if committee_size < BRANCH_COMMITTEE_MIN_SIZE:
            findings.append(
                Finding(
                    "committee_required",
                    "problem",
                    _(
                        "With %(n)d full members (at least %(at)d) the branch should have a committee of "
                        "%(min)d to %(max)d members; it has %(size)d (支部条例 ch.2)."
                    )
                    % {
                        "n": full_members,
                        "at": BRANCH_COMMITTEE_REQUIRED_AT,
                        "min": BRANCH_COMMITTEE_MIN_SIZE,
                        "max": BRANCH_COMMITTEE_MAX_SIZE,
                        "size": committee_size,
                    },
                )
            )
        elif committee_size > BRANCH_COMMITTEE_MAX_SIZE:
            findings.append(
                Finding(
                    "committee_too_large",
                    "warning",
                    _("The committee has %(size)d members; normally it has no more than %(max)d (支部条例 ch.2).")
                    % {"size": committee_size, "max": BRANCH_COMMITTEE_MAX_SIZE},
                )
            )
    if not has_secretary:
        findings.append(
            Finding(
                "no_secretary",
                "problem",
                _("The branch has no secretary in office."),
            )
        )
    if election_due is not None:
        days = (election_due - today).days
        if days < 0:
            findings.append(
                Finding(
                    "election_overdue",
                    "problem",
                    _("The committee's term ended on %(date)s; the election (换届) is overdue.")
                    % {"date": date_format(election_due)},
                )
            )
        elif days <= ELECTION_DUE_NOTICE_DAYS:
            findings.append(
                Finding(
                    "election_due",
                    "warning",
                    _("The committee's term ends on %(date)s, in %(days)d days: prepare the election (换届).")
                    % {"date": date_format(election_due), "days": days},
                )
            )
    if not findings:
        findings.append(Finding("ok", "ok", _("The branch meets the set-up rules.")))
    return findings


# Which organisation kinds may sit under which (a group is always a leaf).
ALLOWED_CHILDREN: dict[str | None, set[str]] = {
    None: {"committee"},
    "committee": {"committee", "general_branch", "branch"},
    "general_branch": {"branch"},
    "branch": {"group"},
    "group": set(),
}


def can_contain(parent_kind: str | None, child_kind: str) -> bool:
    return child_kind in ALLOWED_CHILDREN.get(parent_kind, set())


# Which role an office brings with it, over the organisation it is held in.
POSITION_ROLES = {
    ("committee", "secretary"): "committee_officer",
    ("committee", "deputy_secretary"): "committee_officer",
    ("committee", "organisation"): "committee_officer",
    ("committee", "organiser"): "committee_officer",
    ("general_branch", "secretary"): "branch_officer",
    ("general_branch", "deputy_secretary"): "branch_officer",
    ("branch", "secretary"): "branch_officer",
    ("branch", "deputy_secretary"): "branch_officer",
    ("branch", "organisation"): "branch_officer",
    ("branch", "propaganda"): "branch_officer",
    ("branch", "discipline"): "branch_officer",
    ("branch", "committee_member"): "branch_officer",
    ("group", "group_leader"): "group_leader",
}

COMMITTEE_POSITIONS = {
    "secretary",
    "deputy_secretary",
    "organisation",
    "propaganda",
    "discipline",
    "committee_member",
}


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths from the root down to and including `path`:
    "000001/000004/" → ["000001/", "000001/000004/"]."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: i + 1]) for i in range(len(parts))]
