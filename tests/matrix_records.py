"""Permission-matrix rows of meeting records in study (see `PARTS` in test_permission_matrix.py for the shape).

The objects: a general meeting of the faculty branch held three hours ago, with 李书记 and 张三 checked in
and one vote recorded; an organisational life meeting of the branch held the same way, with a 整改 measure
owned by 张三. Members of the branch (and the officers over it) read the record; the organiser's officers
write it; 张三 reports his own measure done.
"""

import datetime
from functools import cached_property

from django.utils import timezone

from tests.matrix_roles import (
    ANY_VIEWER,
    API_ANON,
    AUDITOR,
    LEADER,
    LOGGED_IN,
    MEMBER,
    MEMBER_VIEWERS,
    STUDY_MANAGERS,
    allow,
)

# See the record but not run the branch's study: the API answers 403 to them, 404 to everyone else.
READERS_ONLY = {LEADER: 403, MEMBER: 403, AUDITOR: 403}
OWNER_OR_MANAGERS = [*STUDY_MANAGERS, MEMBER]


def _write(status: int) -> dict[str, int]:
    return allow(status, STUDY_MANAGERS, anon=API_ANON) | READERS_ONLY


class Objects:
    def __init__(self, college):
        self.college = college

    def _held(self, form: str):
        from dangjian.accounts.system import system_actor
        from dangjian.study.services.activities import attendance_mark
        from dangjian.study.tests.factories_records import held_meeting

        meeting = held_meeting(self.college.branch, form=form)
        for member in (self.college.secretary, self.college.member):
            attendance_mark(actor=system_actor(), activity=meeting, member=member, status="present", reason="现场")
        return meeting

    @cached_property
    def meeting(self):
        return self._held("general_meeting")

    @cached_property
    def life(self):
        return self._held("life_meeting")

    @cached_property
    def vote(self):
        from dangjian.accounts.system import system_actor
        from dangjian.study.services.records import vote_record_add

        return vote_record_add(actor=system_actor(), activity=self.meeting, item="表彰优秀党员", yes=2)

    @cached_property
    def item(self):
        from dangjian.accounts.system import system_actor
        from dangjian.study.services.records import rectification_add

        return rectification_add(
            actor=system_actor(),
            activity=self.life,
            problem="理论学习不够深入",
            measure="每月精读一篇原著",
            owner=self.college.member,
            due_on=timezone.localdate() + datetime.timedelta(days=30),
        )


PAGES = {
    "study:meeting-record": ("get", allow(200, MEMBER_VIEWERS)),
    "study:meeting-minutes-edit": ("get", allow(200, STUDY_MANAGERS)),
    "study:vote-add": ("get", allow(200, STUDY_MANAGERS)),
    "study:vote-remove": ("post", allow(302, STUDY_MANAGERS)),
    "study:life-meeting-edit": ("get", allow(200, STUDY_MANAGERS)),
    "study:rectification-add": ("get", allow(200, STUDY_MANAGERS)),
    "study:rectification-list": ("get", allow(200, ANY_VIEWER)),
    "study:rectification-done": ("get", allow(200, OWNER_OR_MANAGERS)),
}
KWARGS = {
    "study:meeting-record": lambda o: {"pk": o.meeting.pk},
    "study:meeting-minutes-edit": lambda o: {"pk": o.meeting.pk},
    "study:vote-add": lambda o: {"pk": o.meeting.pk},
    "study:vote-remove": lambda o: {"pk": o.vote.pk},
    "study:life-meeting-edit": lambda o: {"pk": o.life.pk},
    "study:rectification-add": lambda o: {"pk": o.life.pk},
    "study:rectification-list": lambda o: {},
    "study:rectification-done": lambda o: {"pk": o.item.pk},
}
QUERY: dict = {}
POST_DATA: dict = {}
OPERATIONS = {
    "meeting_record_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "meeting_minutes_save": _write(200),
    "vote_record_create": _write(201),
    "vote_record_delete": _write(204),
    "life_meeting_save": _write(200),
    "rectification_create": _write(201),
    "rectification_done": allow(200, OWNER_OR_MANAGERS, anon=API_ANON),
    "rectification_list": allow(200, LOGGED_IN, anon=API_ANON),
}
REQUESTS = {
    "meeting_record_get": lambda o: ({"activity_id": o.meeting.pk}, {}, None),
    "meeting_minutes_save": lambda o: ({"activity_id": o.meeting.pk}, {}, {"agenda": ["学习党章"]}),
    "vote_record_create": lambda o: ({"activity_id": o.meeting.pk}, {}, {"item": "表彰", "yes": 2}),
    "vote_record_delete": lambda o: ({"vote_id": o.vote.pk}, {}, None),
    "life_meeting_save": lambda o: ({"activity_id": o.life.pk}, {}, {"study_done": True}),
    "rectification_create": lambda o: (
        {"activity_id": o.life.pk},
        {},
        {
            "problem": "联系群众不够",
            "measure": "每学期走访学生宿舍",
            "owner": o.college.member.pk,
            "due_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
    ),
    "rectification_done": lambda o: (
        {"item_id": o.item.pk},
        {},
        {"done_on": timezone.localdate().isoformat(), "note": "已完成"},
    ),
    "rectification_list": lambda o: ({}, {}, None),
}
