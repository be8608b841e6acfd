"""Roles, role groups and the `allow` helper shared by the permission matrix and its per-app parts."""

from conftest import ROLES

ANON, ADMIN, COMMITTEE, BRANCH, LEADER, MEMBER, AUDITOR, OTHER = ROLES

LOGGED_IN = [ADMIN, COMMITTEE, BRANCH, LEADER, MEMBER, AUDITOR, OTHER]
API_ANON = 401


def allow(ok: int, roles: list[str], *, anon: int = 302, other: int = 404) -> dict[str, int]:
    """`ok` for the listed roles, `anon` for anonymous visitors, `other` for everyone else."""
    return {role: ok if role in roles else (anon if role == ANON else other) for role in ROLES}


ORG_VIEWERS = [ADMIN, COMMITTEE, BRANCH, AUDITOR]  # over the faculty branch
ORG_MANAGERS = [ADMIN, COMMITTEE]
MEMBER_VIEWERS = [ADMIN, COMMITTEE, BRANCH, LEADER, AUDITOR, MEMBER]  # over 张三, a group member
MEMBER_MANAGERS = [ADMIN, COMMITTEE, BRANCH]
ANY_MANAGER = [ADMIN, COMMITTEE, BRANCH, OTHER]  # manage members somewhere
ANY_VIEWER = [ADMIN, COMMITTEE, BRANCH, LEADER, AUDITOR, OTHER]  # see a roster somewhere
ACCOUNT_MANAGERS = [ADMIN, COMMITTEE, BRANCH]  # over a role granted at the faculty branch's group
STUDY_COMMITTEE = [ADMIN, COMMITTEE]  # semesters, directives and the working-day calendar
STUDY_MANAGERS = [ADMIN, COMMITTEE, BRANCH]  # run the faculty branch's study
PLAN_VIEWERS = [ADMIN, COMMITTEE, BRANCH, LEADER, AUDITOR]  # over the faculty branch, or officers below it
WITH_MEMBER_RECORD = [COMMITTEE, BRANCH, LEADER, MEMBER, OTHER]  # admin and auditor are accounts only
EXPECTED = [COMMITTEE, BRANCH, LEADER, MEMBER]  # expected at the faculty branch's activities
