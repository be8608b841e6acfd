"""Permission-matrix rows of the rights app (see `PARTS` in test_permission_matrix.py for the shape).

The objects: 张三's named suggestion to the faculty branch, an anonymous criticism (sent to the
committee) with its follow-up code, and 张三's appeal against a decision of the faculty branch about
him, which goes to the committee. The decisions are of a fake kind registered here, so that the rows
do not depend on the apps that decide; it answers only while the objects of the current request live.
"""

import weakref
from functools import cached_property

from dangjian.rights.registry import AppealableKind, register_appealable
from dangjian.rights.tests.fakes import FakeDecisions
from tests.matrix_roles import (
    ADMIN,
    API_ANON,
    BRANCH,
    COMMITTEE,
    LOGGED_IN,
    MEMBER,
    OTHER,
    WITH_MEMBER_RECORD,
    allow,
)

MATRIX_KIND = "rights_matrix_decision"
CARE_OFFICERS = [ADMIN, COMMITTEE, BRANCH, OTHER]  # look after members somewhere
OPINION_READERS = [ADMIN, COMMITTEE, BRANCH, MEMBER]  # 张三's suggestion to the faculty branch
OPINION_ANSWERERS = [ADMIN, COMMITTEE, BRANCH]
APPEAL_READERS = [ADMIN, COMMITTEE, MEMBER]  # the appeal goes to the committee, above the branch that decided
APPEAL_HANDLERS = [ADMIN, COMMITTEE]

_current = weakref.ref(FakeDecisions(MATRIX_KIND))  # dead at once: the kind answers nothing until Objects


def _register(decisions: FakeDecisions) -> None:
    global _current
    _current = weakref.ref(decisions)

    def resolve(pk):
        fake = _current()
        return fake.resolve(pk) if fake else None

    def choices_for(member_id):
        fake = _current()
        return fake.choices_for(member_id) if fake else []

    register_appealable(AppealableKind(MATRIX_KIND, "矩阵测试决定", resolve, choices_for))


class Objects:
    def __init__(self, college):
        self.college = college
        self.decisions = FakeDecisions(MATRIX_KIND)
        _register(self.decisions)

    @cached_property
    def opinion(self):
        from dangjian.rights.services import opinion_create

        return opinion_create(
            actor=self.college.member.user, kind="suggestion", title="建议增加线上学习", body="希望提供更多资料。"
        ).opinion

    @cached_property
    def follow_up_code(self) -> str:
        from dangjian.rights.services import opinion_create

        return opinion_create(
            actor=self.college.member.user, kind="criticism", title="会议走过场", body="内容", anonymous=True
        ).follow_up_code

    @cached_property
    def free_decision(self) -> int:
        """A decision of the faculty branch about 张三 that has no appeal yet."""
        return self.decisions.add(self.college.member, self.college.branch)

    @cached_property
    def appeal(self):
        from dangjian.rights.services import appeal_create

        pk = self.decisions.add(self.college.member, self.college.branch, "2026年度民主评议：基本合格")
        return appeal_create(actor=self.college.member.user, kind=MATRIX_KIND, object_id=pk, reasons="理由")


PAGES = {
    "rights:index": ("get", allow(200, LOGGED_IN)),
    "rights:mine": ("get", allow(200, LOGGED_IN)),
    "rights:opinion-create": ("get", allow(200, LOGGED_IN)),
    "rights:opinion-follow-up": ("get", allow(200, LOGGED_IN)),
    "rights:opinion-list": ("get", allow(200, CARE_OFFICERS)),
    "rights:opinion-detail": ("get", allow(200, OPINION_READERS)),
    # The author sees it but may not answer it.
    "rights:opinion-answer": ("post", allow(302, OPINION_ANSWERERS) | {MEMBER: 403}),
    "rights:appeal-list": ("get", allow(200, CARE_OFFICERS)),
    "rights:appeal-create": ("get", allow(200, LOGGED_IN)),
    "rights:appeal-detail": ("get", allow(200, APPEAL_READERS)),
    "rights:appeal-accept": ("post", allow(302, APPEAL_HANDLERS) | {MEMBER: 403}),
    "rights:appeal-answer": ("post", allow(302, APPEAL_HANDLERS) | {MEMBER: 403}),
    # Only the appellant withdraws; the officers who see it may not.
    "rights:appeal-withdraw": ("post", allow(302, [MEMBER]) | {ADMIN: 403, COMMITTEE: 403}),
}
KWARGS = {
    "rights:opinion-detail": lambda o: {"pk": o.opinion.pk},
    "rights:opinion-answer": lambda o: {"pk": o.opinion.pk},
    "rights:appeal-detail": lambda o: {"pk": o.appeal.pk},
    "rights:appeal-accept": lambda o: {"pk": o.appeal.pk},
    "rights:appeal-answer": lambda o: {"pk": o.appeal.pk},
    "rights:appeal-withdraw": lambda o: {"pk": o.appeal.pk},
}
QUERY: dict = {}
POST_DATA = {
    "rights:opinion-answer": lambda o: {"answer": "已安排，下月起每周更新资料。"},
    "rights:appeal-accept": lambda o: {},
    "rights:appeal-answer": lambda o: {"answer": "经复核，维持原等次。"},
    "rights:appeal-withdraw": lambda o: {},
}
OPERATIONS = {
    "right_list": allow(200, LOGGED_IN, anon=API_ANON),
    # Accounts without a member record (admin, auditor) have no branch to send to.
    "opinion_create": allow(201, WITH_MEMBER_RECORD, anon=API_ANON, other=400),
    "opinion_list": allow(200, LOGGED_IN, anon=API_ANON),
    "opinion_get": allow(200, OPINION_READERS, anon=API_ANON),
    "opinion_answer": allow(200, OPINION_ANSWERERS, anon=API_ANON) | {MEMBER: 403},
    # Whoever holds the code reads the anonymous opinion: the code is the only key to it.
    "opinion_follow_up": allow(200, LOGGED_IN, anon=API_ANON),
    "appealable_decision_list": allow(200, LOGGED_IN, anon=API_ANON),
    # Only 张三 may appeal a decision about him; for everyone else it is someone else's decision.
    "appeal_create": allow(201, [MEMBER], anon=API_ANON, other=400),
    "appeal_list": allow(200, LOGGED_IN, anon=API_ANON),
    "appeal_get": allow(200, APPEAL_READERS, anon=API_ANON),
    "appeal_accept": allow(200, APPEAL_HANDLERS, anon=API_ANON) | {MEMBER: 403},
    "appeal_answer": allow(200, APPEAL_HANDLERS, anon=API_ANON) | {MEMBER: 403},
    "appeal_withdraw": allow(200, [MEMBER], anon=API_ANON) | {ADMIN: 403, COMMITTEE: 403},
}
REQUESTS = {
    "right_list": lambda o: ({}, {}, None),
    "opinion_create": lambda o: ({}, {}, {"kind": "suggestion", "title": "建议", "body": "多组织参观考察。"}),
    "opinion_list": lambda o: ({}, {"box": "received"}, None),
    "opinion_get": lambda o: ({"opinion_id": o.opinion.pk}, {}, None),
    "opinion_answer": lambda o: ({"opinion_id": o.opinion.pk}, {}, {"answer": "已安排。"}),
    "opinion_follow_up": lambda o: ({}, {}, {"code": o.follow_up_code}),
    "appealable_decision_list": lambda o: ({}, {}, None),
    "appeal_create": lambda o: ({}, {}, {"kind": MATRIX_KIND, "object_id": o.free_decision, "reasons": "理由"}),
    "appeal_list": lambda o: ({}, {"box": "received"}, None),
    "appeal_get": lambda o: ({"appeal_id": o.appeal.pk}, {}, None),
    "appeal_accept": lambda o: ({"appeal_id": o.appeal.pk}, {}, None),
    "appeal_answer": lambda o: ({"appeal_id": o.appeal.pk}, {}, {"answer": "维持原等次。"}),
    "appeal_withdraw": lambda o: ({"appeal_id": o.appeal.pk}, {}, None),
}
