"""Permission-matrix rows of the compliance app (see `PARTS` in test_permission_matrix.py for the shape).

The object: an early-warning entry about 张三 (faculty branch), opened by the refresh after he was absent
from three theme days. Only officers who look after members there see it: the admin, the committee and
the faculty branch's secretary. A branch officer elsewhere sees their own (empty) branch only.
"""

from functools import cached_property

from django.utils import timezone

from tests.matrix_roles import ADMIN, API_ANON, BRANCH, COMMITTEE, OTHER, allow

CARE_HERE = [ADMIN, COMMITTEE, BRANCH]  # look after the faculty branch's members
CARE_ANYWHERE = [ADMIN, COMMITTEE, BRANCH, OTHER]
# Organisational life: officers who run activities (study rights) over the faculty branch, or anywhere.
LIFE_HERE = [ADMIN, COMMITTEE, BRANCH]
LIFE_ANYWHERE = [ADMIN, COMMITTEE, BRANCH, OTHER]
LIFE_COMMITTEE = [ADMIN, COMMITTEE]  # run activities over the committee itself


def _last_quarter():
    from dangjian.compliance.rules import requirements as req

    return req.period_of("quarter", timezone.localdate()).previous()


class Objects:
    def __init__(self, college):
        self.college = college

    @cached_property
    def entry(self):
        from dangjian.accounts.system import system_actor
        from dangjian.compliance.models import WarningEntry
        from dangjian.compliance.services import warnings_refresh_for
        from dangjian.compliance.tests.factories import backdate, held

        zhang = self.college.member
        backdate(zhang)
        for ago in (100, 70, 40):
            held(self.college.branch, ago, {zhang: "absent"})
        warnings_refresh_for(actor=system_actor(), org=self.college.branch)
        return WarningEntry.objects.get(member=zhang, status="open")

    @cached_property
    def excuse(self):
        from dangjian.accounts.system import system_actor
        from dangjian.compliance.rules import requirements as req
        from dangjian.compliance.services import requirement_excuse

        return requirement_excuse(
            actor=system_actor(),
            org=self.college.branch,
            requirement="theme_day",
            period=req.period_of("month", _last_quarter().starts_on),
            reason="暑期学生离校",
        )

    def close_form(self) -> dict:
        self.entry  # noqa: B018
        return {
            "mode": "action",
            "action-resolution": "visit",
            "action-on": timezone.localdate().isoformat(),
            "action-note": "上门了解情况",
        }


PAGES = {
    # One branch in scope goes straight to its list.
    "compliance:warning-overview": ("get", allow(200, [ADMIN, COMMITTEE]) | {BRANCH: 302, OTHER: 302}),
    "compliance:warning-list": ("get", allow(200, CARE_HERE)),
    "compliance:warning-history": ("get", allow(200, CARE_HERE)),
    "compliance:warning-refresh": ("post", allow(302, CARE_HERE)),
    "compliance:warning-detail": ("get", allow(200, CARE_HERE)),
    "compliance:warning-close": ("post", allow(302, CARE_HERE)),
    "compliance:life": ("get", allow(200, LIFE_ANYWHERE)),
    "compliance:life-branch": ("get", allow(200, LIFE_HERE)),
    "compliance:life-excuse": ("post", allow(302, LIFE_HERE)),
    "compliance:life-excuse-withdraw": ("post", allow(302, LIFE_HERE)),
    # A committee's settings: its officers only (a branch officer runs activities below it, not over it).
    "compliance:life-settings": ("get", allow(200, LIFE_COMMITTEE)),
}
KWARGS = {
    "compliance:warning-list": lambda o: {"org_id": o.college.branch.pk},
    "compliance:warning-history": lambda o: {"org_id": o.college.branch.pk},
    "compliance:warning-refresh": lambda o: {"org_id": o.college.branch.pk},
    "compliance:warning-detail": lambda o: {"pk": o.entry.pk},
    "compliance:warning-close": lambda o: {"pk": o.entry.pk},
    "compliance:life-branch": lambda o: {"org_id": o.college.branch.pk},
    "compliance:life-excuse": lambda o: {"org_id": o.college.branch.pk},
    "compliance:life-excuse-withdraw": lambda o: {"pk": o.excuse.pk},
    "compliance:life-settings": lambda o: {"org_id": o.college.committee.pk},
}
QUERY: dict = {}
POST_DATA = {
    "compliance:warning-close": lambda o: o.close_form(),
    "compliance:life-excuse": lambda o: {
        "org": o.college.branch.pk,
        "requirement": "general_meeting",
        "period": "quarter",
        "starts_on": _last_quarter().starts_on.isoformat(),
        "reason": "支部年中新成立",
    },
}
OPERATIONS = {
    "warning_branch_list": allow(200, CARE_ANYWHERE, anon=API_ANON),
    "warning_list": allow(200, CARE_ANYWHERE, anon=API_ANON),
    "warning_get": allow(200, CARE_HERE, anon=API_ANON),
    "warning_close": allow(200, CARE_HERE, anon=API_ANON),
    "warning_refresh": allow(200, CARE_HERE, anon=API_ANON),
    "life_matrix": allow(200, LIFE_ANYWHERE, anon=API_ANON),
    "life_branch": allow(200, LIFE_HERE, anon=API_ANON),
    "life_excuse_create": allow(201, LIFE_HERE, anon=API_ANON),
    "life_settings_get": allow(200, LIFE_COMMITTEE, anon=API_ANON),
    "life_settings_update": allow(200, LIFE_COMMITTEE, anon=API_ANON),
}
REQUESTS = {
    "warning_branch_list": lambda o: ({}, {}, None),
    "warning_list": lambda o: ({}, {}, None),
    "warning_get": lambda o: ({"entry_id": o.entry.pk}, {}, None),
    "warning_close": lambda o: (
        {"entry_id": o.entry.pk},
        {},
        {"resolution": "visit", "on": timezone.localdate().isoformat(), "note": "上门了解情况"},
    ),
    "warning_refresh": lambda o: ({"org_id": o.college.branch.pk}, {}, None),
    "life_matrix": lambda o: ({}, {}, None),
    "life_branch": lambda o: ({"org_id": o.college.branch.pk}, {}, None),
    "life_excuse_create": lambda o: (
        {"org_id": o.college.branch.pk},
        {},
        {
            "org": o.college.branch.pk,
            "requirement": "general_meeting",
            "period": "quarter",
            "date": _last_quarter().starts_on.isoformat(),
            "reason": "支部年中新成立",
        },
    ),
    "life_settings_get": lambda o: ({"org_id": o.college.committee.pk}, {}, None),
    "life_settings_update": lambda o: (
        {"org_id": o.college.committee.pk},
        {},
        {"variant": "university", "overrides": {"committee_meeting": {"times": 2}}, "reminder_working_days": 3},
    ),
}
