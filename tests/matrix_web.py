"""Permission-matrix rows of the dashboards (see `PARTS` in test_permission_matrix.py for the shape).

The dashboard page answers officers who run organisational life with their organisations' figures and
every other member with their own year; an account without a member record (the auditor) has neither.
The big screen is the committee's. The API splits the two: the officers' figures and "my year".
"""

from tests.matrix_roles import ADMIN, API_ANON, BRANCH, COMMITTEE, LEADER, MEMBER, OTHER, WITH_MEMBER_RECORD, allow

OFFICERS = [ADMIN, COMMITTEE, BRANCH, OTHER]  # run organisational life somewhere


class Objects:
    def __init__(self, college):
        self.college = college


PAGES = {
    "web:dashboard": ("get", allow(200, [*OFFICERS, LEADER, MEMBER])),
    "web:dashboard-screen": ("get", allow(200, [ADMIN, COMMITTEE])),
}
KWARGS: dict = {}
QUERY: dict = {}
POST_DATA: dict = {}
OPERATIONS = {
    "dashboard_get": allow(200, OFFICERS, anon=API_ANON),
    "dashboard_mine": allow(200, WITH_MEMBER_RECORD, anon=API_ANON),
}
REQUESTS = {
    "dashboard_get": lambda o: ({}, {"period": "month"}, None),
    "dashboard_mine": lambda o: ({}, {}, None),
}
