"""Permission-matrix rows of the caller's own tokens (张三's token, the caller's own list) and of the audit log's verification."""

from functools import cached_property

from tests.matrix_roles import ADMIN, API_ANON, LOGGED_IN, MEMBER, allow


class Objects:
    def __init__(self, college):
        self.college = college

    @cached_property
    def token(self):
        """A token of 张三's, issued beside the one each role's API client sends."""
        from dangjian.accounts.services import api_token_create

        return api_token_create(actor=self.college.member.user, name="脚本")[0]


PAGES = {
    # Someone else's token looks missing, to administrators too.
    "accounts:token-revoke": ("post", allow(302, [MEMBER])),
    # The audit log's verification covers every organisation's events: administrators only (the auditor 404s).
    "accounts:audit-verify": ("post", allow(302, [ADMIN])),
}
KWARGS = {"accounts:token-revoke": lambda o: {"pk": o.token.pk}}
QUERY: dict = {}
POST_DATA: dict = {}
OPERATIONS = {
    "auth_token_list": allow(200, LOGGED_IN, anon=API_ANON),
    "auth_token_revoke": allow(204, [MEMBER], anon=API_ANON),
}
REQUESTS = {
    "auth_token_list": lambda o: ({}, {}, None),
    "auth_token_revoke": lambda o: ({"token_id": o.token.pk}, {}, None),
}
