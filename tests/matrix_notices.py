"""Permission-matrix rows of the notices: a notice left for 张三, the caller's own list; and an
announcement of the faculty branch to all its members, asking for confirmation, with a photo.

Its readers are the faculty branch's members (the committee's secretary, the branch secretary, the group
leader, 张三) and the administrator; its publishers the administrator, the committee and the branch secretary.
The auditor has no member record and publishes nothing; the student branch's secretary is elsewhere.
"""

from functools import cached_property

from tests.matrix_roles import ADMIN, API_ANON, BRANCH, COMMITTEE, LEADER, LOGGED_IN, MEMBER, OTHER, allow

READERS = [ADMIN, COMMITTEE, BRANCH, LEADER, MEMBER]
ADDRESSED = [COMMITTEE, BRANCH, LEADER, MEMBER]
PUBLISHERS = [ADMIN, COMMITTEE, BRANCH]  # over the faculty branch
PUBLISH_ANYWHERE = [ADMIN, COMMITTEE, BRANCH, OTHER]


class Objects:
    def __init__(self, college):
        self.college = college

    @cached_property
    def notice(self):
        from dangjian.notices.services import notice_send

        return notice_send(recipients=[self.college.member.user], title="诉求已答复", url="/")[0]

    @cached_property
    def announcement(self):
        from dangjian.notices.tests.factories import announce, png

        return announce(self.college.branch, "关于召开支部党员大会的通知", requires_confirmation=True, uploads=[png()])

    @cached_property
    def attachment(self):
        return self.announcement.attachments.get()


PAGES = {
    "notices:list": ("get", allow(200, LOGGED_IN)),
    # Someone else's notice looks missing.
    "notices:read": ("post", allow(302, [MEMBER])),
    "notices:read-all": ("post", allow(302, LOGGED_IN)),
    # Everyone has a to-do inbox, limited to what waits for them.
    "notices:inbox": ("get", allow(200, LOGGED_IN)),
    # Announcements: everyone has a list, limited to what they may see.
    "notices:announcement-list": ("get", allow(200, LOGGED_IN)),
    "notices:announcement-create": ("get", allow(200, PUBLISH_ANYWHERE)),
    "notices:announcement-detail": ("get", allow(200, READERS)),
    "notices:announcement-edit": ("get", allow(200, PUBLISHERS)),
    "notices:announcement-withdraw": ("post", allow(302, PUBLISHERS)),
    # The administrator is not addressed: told so on the page it comes back to.
    "notices:announcement-confirm": ("post", allow(302, READERS)),
    "notices:announcement-reads": ("get", allow(200, PUBLISHERS)),
    "notices:announcement-attachment": ("get", allow(200, READERS)),
    # Everyone sets their own daily e-mail digest.
    "notices:digest": ("post", allow(302, LOGGED_IN)),
    # The navigation's count of the caller's own to-dos, asked for after a page has loaded.
    "notices:inbox-count": ("get", allow(200, LOGGED_IN)),
}
KWARGS = {
    "notices:read": lambda o: {"pk": o.notice.pk},
    "notices:announcement-detail": lambda o: {"pk": o.announcement.pk},
    "notices:announcement-edit": lambda o: {"pk": o.announcement.pk},
    "notices:announcement-withdraw": lambda o: {"pk": o.announcement.pk},
    "notices:announcement-confirm": lambda o: {"pk": o.announcement.pk},
    "notices:announcement-reads": lambda o: {"pk": o.announcement.pk},
    "notices:announcement-attachment": lambda o: {"pk": o.announcement.pk, "attachment_id": o.attachment.pk},
}
QUERY: dict = {}
POST_DATA = {"notices:digest": lambda o: {"enabled": "on", "email": "someone@example.edu.cn"}}
OPERATIONS = {
    "notice_list": allow(200, LOGGED_IN, anon=API_ANON),
    "notice_read": allow(200, [MEMBER], anon=API_ANON),
    "notice_read_all": allow(200, LOGGED_IN, anon=API_ANON),
    "inbox": allow(200, LOGGED_IN, anon=API_ANON),
    "announcement_list": allow(200, LOGGED_IN, anon=API_ANON),
    "announcement_get": allow(200, READERS, anon=API_ANON),
    "announcement_confirm": allow(200, ADDRESSED, anon=API_ANON) | {ADMIN: 400},
    "announcement_create": allow(201, PUBLISHERS, anon=API_ANON),
    "announcement_update": allow(200, PUBLISHERS, anon=API_ANON),
    "announcement_withdraw": allow(200, PUBLISHERS, anon=API_ANON),
    "announcement_reads": allow(200, PUBLISHERS, anon=API_ANON),
    "digest_preference_get": allow(200, LOGGED_IN, anon=API_ANON),
    "digest_preference_update": allow(200, LOGGED_IN, anon=API_ANON),
}
REQUESTS = {
    "notice_list": lambda o: ({}, {}, None),
    "notice_read": lambda o: ({"notice_id": o.notice.pk}, {}, None),
    "notice_read_all": lambda o: ({}, {}, None),
    "inbox": lambda o: ({}, {}, None),
    "announcement_list": lambda o: ({}, {}, None),
    "announcement_get": lambda o: ({"announcement_id": o.announcement.pk}, {}, None),
    "announcement_confirm": lambda o: ({"announcement_id": o.announcement.pk}, {}, None),
    "announcement_create": lambda o: (
        {},
        {},
        {"org": o.college.branch.pk, "title": "主题党日通知", "body": "12月12日下午，党员活动室。"},
    ),
    "announcement_update": lambda o: ({"announcement_id": o.announcement.pk}, {}, {"pinned": True}),
    "announcement_withdraw": lambda o: ({"announcement_id": o.announcement.pk}, {}, None),
    "announcement_reads": lambda o: ({"announcement_id": o.announcement.pk}, {}, None),
    "digest_preference_get": lambda o: ({}, {}, None),
    "digest_preference_update": lambda o: ({}, {}, {"enabled": True, "email": "someone@example.edu.cn"}),
}
