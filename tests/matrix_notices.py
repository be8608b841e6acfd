"""Permission-matrix rows of the notices: a notice left for 张三, and the caller's own list."""

from functools import cached_property

from tests.matrix_roles import API_ANON, LOGGED_IN, MEMBER, allow


class Objects:
    def __init__(self, college):
        self.college = college

    @cached_property
    def notice(self):
        from dangjian.notices.services import notice_send

        return notice_send(recipients=[self.college.member.user], title="诉求已答复", url="/")[0]


PAGES = {
    "notices:list": ("get", allow(200, LOGGED_IN)),
    # Someone else's notice looks missing.
    "notices:read": ("post", allow(302, [MEMBER])),
    "notices:read-all": ("post", allow(302, LOGGED_IN)),
    # Everyone has a to-do inbox, limited to what waits for them.
    "notices:inbox": ("get", allow(200, LOGGED_IN)),
    # The navigation's count of the caller's own to-dos, asked for after a page has loaded.
    "notices:inbox-count": ("get", allow(200, LOGGED_IN)),
}
KWARGS = {"notices:read": lambda o: {"pk": o.notice.pk}}
QUERY: dict = {}
POST_DATA: dict = {}
OPERATIONS = {
    "notice_list": allow(200, LOGGED_IN, anon=API_ANON),
    "notice_read": allow(200, [MEMBER], anon=API_ANON),
    "notice_read_all": allow(200, LOGGED_IN, anon=API_ANON),
    "inbox": allow(200, LOGGED_IN, anon=API_ANON),
}
REQUESTS = {
    "notice_list": lambda o: ({}, {}, None),
    "notice_read": lambda o: ({"notice_id": o.notice.pk}, {}, None),
    "notice_read_all": lambda o: ({}, {}, None),
    "inbox": lambda o: ({}, {}, None),
}
