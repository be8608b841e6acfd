"""Permission-matrix rows of the system status: the background worker's health, for system administrators only."""

from tests.matrix_roles import ADMIN, allow


class Objects:
    def __init__(self, college):
        self.college = college


PAGES = {
    "ops:status": ("get", allow(200, [ADMIN])),
}
KWARGS: dict = {}
QUERY: dict = {}
POST_DATA: dict = {}
OPERATIONS: dict = {}
REQUESTS: dict = {}
