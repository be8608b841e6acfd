"""Permission-matrix rows of the development app (see `PARTS` in test_permission_matrix.py for the shape).

The object: an applicant developed by the faculty branch. Those who see the faculty branch's roster see
them (admin, committee, the branch's secretary, the auditor); those who manage its members record their
steps. The auditor may read but not reveal the ID number nor record a step (403); the group leader's
roster is the group's, below the branch, so the applicant is out of their reach (404).
"""

import datetime
from functools import cached_property

from django.utils import timezone

from tests.matrix_roles import ADMIN, ANY_MANAGER, ANY_VIEWER, API_ANON, AUDITOR, BRANCH, COMMITTEE, LOGGED_IN, allow

VIEWERS_HERE = [ADMIN, COMMITTEE, BRANCH, AUDITOR]
MANAGERS_HERE = [ADMIN, COMMITTEE, BRANCH]


class Objects:
    def __init__(self, college):
        self.college = college

    @cached_property
    def person(self):
        from dangjian.accounts.system import system_actor
        from dangjian.development.tests.factories import register

        applied = timezone.localdate() - datetime.timedelta(days=10)
        return register(system_actor(), self.college.branch, name="孙申请", applied_on=applied)

    def new_applicant(self) -> dict:
        from dangjian.development.tests.factories import applicant_id

        return {
            "org": self.college.branch.pk,
            "name": "周申请",
            "id_number": applicant_id(),
            "applied_on": timezone.localdate().isoformat(),
            "category": "undergraduate",
        }


PAGES = {
    "development:pipeline": ("get", allow(200, ANY_VIEWER)),
    "development:person-create": ("get", allow(200, ANY_MANAGER)),
    "development:org-options": ("get", allow(200, ANY_MANAGER, anon=401)),
    "development:person-detail": ("get", allow(200, VIEWERS_HERE)),
    "development:person-reveal": ("post", allow(200, MANAGERS_HERE) | {AUDITOR: 403}),
    "development:step-record": ("get", allow(200, MANAGERS_HERE)),
    "development:mentors-assign": ("get", allow(200, MANAGERS_HERE)),
    "development:mentor-options": ("get", allow(200, MANAGERS_HERE, anon=401)),
}
KWARGS = {
    name: (lambda o: {"pk": o.person.pk})
    for name in (
        "development:person-detail",
        "development:person-reveal",
        "development:step-record",
        "development:mentors-assign",
        "development:mentor-options",
    )
}
QUERY: dict = {}
POST_DATA = {"development:person-reveal": lambda o: {}}
OPERATIONS = {
    "applicant_list": allow(200, LOGGED_IN, anon=API_ANON),
    "applicant_get": allow(200, VIEWERS_HERE, anon=API_ANON),
    # The branch is not one where the others may register applicants: refused as bad input.
    "applicant_create": allow(201, MANAGERS_HERE, anon=API_ANON, other=400),
    "applicant_step_record": allow(201, MANAGERS_HERE, anon=API_ANON) | {AUDITOR: 403},
    "applicant_mentors_assign": allow(200, MANAGERS_HERE, anon=API_ANON) | {AUDITOR: 403},
    "development_clock_list": allow(200, ANY_VIEWER, anon=API_ANON),
}
REQUESTS = {
    "applicant_list": lambda o: ({}, {}, None),
    "applicant_get": lambda o: ({"person_id": o.person.pk}, {}, None),
    "applicant_create": lambda o: ({}, {}, o.new_applicant()),
    "applicant_step_record": lambda o: (
        {"person_id": o.person.pk},
        {},
        {"step": "talk", "on": timezone.localdate().isoformat()},
    ),
    "applicant_mentors_assign": lambda o: ({"person_id": o.person.pk}, {}, {"mentors": [o.college.member.pk]}),
    "development_clock_list": lambda o: ({}, {}, None),
}
