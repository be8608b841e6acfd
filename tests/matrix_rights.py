"""Permission-matrix rows of the rights app (see `PARTS` in test_permission_matrix.py for the shape)."""


class Objects:
    def __init__(self, college):
        self.college = college


PAGES: dict = {}
KWARGS: dict = {}
QUERY: dict = {}
POST_DATA: dict = {}
OPERATIONS: dict = {}
REQUESTS: dict = {}
