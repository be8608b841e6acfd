"""Permission-matrix rows of the care app (see `PARTS` in test_permission_matrix.py for the shape).

The objects: needs 张三 (a member of the faculty branch's group) raised for his branch secretary only,
in several states; a talk the branch secretary held with him; a required-talk to-do about him.
A "branch secretary only" need is missing (404) for the committee and the administrator too.
"""

from functools import cached_property

from django.utils import timezone

from tests.matrix_roles import ADMIN, API_ANON, BRANCH, COMMITTEE, LOGGED_IN, MEMBER, OTHER, allow

CARE = [ADMIN, COMMITTEE, BRANCH, OTHER]  # look after members somewhere
OVER_BRANCH = [ADMIN, COMMITTEE, BRANCH]  # look after the faculty branch's members
WITH_MEMBER_RECORD = [COMMITTEE, BRANCH, "group_leader", MEMBER, OTHER]


def _need_step(ok: int, *, allowed: str, refused: str, anon: int = 302) -> dict[str, int]:
    """`ok` for the role who may take the step, 403 for the other who reads the need, 404 for everyone else."""
    return {**allow(ok, [allowed], anon=anon), refused: 403}


class Objects:
    def __init__(self, college):
        self.college = college

    def _need(self, *steps):
        from dangjian.care import services
        from dangjian.care.tests.factories import fresh, raise_need

        need = raise_need(self.college.member)
        secretary = self.college.secretary.user
        for step in steps:
            if step == "accept":
                services.need_accept(actor=secretary, need=fresh(need))
            elif step == "answer":
                services.need_answer(actor=secretary, need=fresh(need), answer="已答复。")
        return fresh(need)

    @cached_property
    def need(self):
        """Submitted, for the branch secretary only, with a PDF attached."""
        from dangjian.care.tests.factories import pdf, raise_need

        return raise_need(self.college.member, uploads=[pdf()])

    @cached_property
    def accepted(self):
        return self._need("accept")

    @cached_property
    def answered(self):
        return self._need("accept", "answer")

    @cached_property
    def talk(self):
        from dangjian.care.services import talk_record

        return talk_record(
            actor=self.college.secretary.user,
            member=self.college.member,
            officer=self.college.secretary,
            held_on=timezone.localdate(),
            kind="routine",
            summary="谈了工作和学习。",
        )

    @cached_property
    def todo(self):
        from dangjian.accounts.system import system_actor
        from dangjian.care.services import talk_todo_open

        return talk_todo_open(
            actor=system_actor(), member=self.college.member, reason="new_member", detail="", source_key="matrix:1"
        )


def _pdf(o):
    from dangjian.care.tests.factories import pdf

    return {"files": pdf()}


PAGES = {
    "care:my-needs": ("get", allow(200, LOGGED_IN)),
    "care:need-create": ("get", allow(200, LOGGED_IN)),
    "care:need-list": ("get", allow(200, CARE)),
    "care:need-stats": ("get", allow(200, CARE)),
    # Kept for the branch secretary: the committee and the administrator do not see it either.
    "care:need-detail": ("get", allow(200, [BRANCH, MEMBER])),
    "care:need-attachment": ("get", allow(200, [BRANCH, MEMBER])),
    "care:need-accept": ("post", _need_step(302, allowed=BRANCH, refused=MEMBER)),
    "care:need-assign": ("post", _need_step(302, allowed=BRANCH, refused=MEMBER)),
    "care:need-note": ("post", _need_step(302, allowed=BRANCH, refused=MEMBER)),
    "care:need-answer": ("post", _need_step(302, allowed=BRANCH, refused=MEMBER)),
    "care:need-hardship": ("post", _need_step(302, allowed=BRANCH, refused=MEMBER)),
    "care:need-confirm": ("post", _need_step(302, allowed=MEMBER, refused=BRANCH)),
    "care:need-reopen": ("post", _need_step(302, allowed=MEMBER, refused=BRANCH)),
    "care:need-widen": ("post", _need_step(302, allowed=MEMBER, refused=BRANCH)),
    "care:need-attach": ("post", _need_step(302, allowed=MEMBER, refused=BRANCH)),
    "care:settings": ("get", allow(200, OVER_BRANCH)),
    "care:talk-list": ("get", allow(200, CARE)),
    "care:talk-create": ("get", allow(200, CARE)),
    "care:talk-member-options": ("get", allow(200, CARE, anon=401)),  # the talk form's member picker
    "care:talk-officer-options": ("get", allow(200, CARE, anon=401)),  # and its officer picker
    # 张三 sees that the talk took place on his own list, not the officers' page.
    "care:talk-detail": ("get", allow(200, OVER_BRANCH)),
    "care:coverage": ("get", allow(200, CARE)),
    "care:my-talks": ("get", allow(200, LOGGED_IN)),
    "care:todo-list": ("get", allow(200, CARE)),
    "care:todo-cancel": ("get", allow(200, OVER_BRANCH)),
}
KWARGS = {
    "care:need-detail": lambda o: {"pk": o.need.pk},
    "care:need-attachment": lambda o: {"pk": o.need.pk, "attachment_id": o.need.attachments.get().pk},
    "care:need-accept": lambda o: {"pk": o.need.pk},
    "care:need-assign": lambda o: {"pk": o.need.pk},
    "care:need-note": lambda o: {"pk": o.accepted.pk},
    "care:need-answer": lambda o: {"pk": o.accepted.pk},
    "care:need-hardship": lambda o: {"pk": o.accepted.pk},
    "care:need-confirm": lambda o: {"pk": o.answered.pk},
    "care:need-reopen": lambda o: {"pk": o.answered.pk},
    "care:need-widen": lambda o: {"pk": o.need.pk},
    "care:need-attach": lambda o: {"pk": o.need.pk},
    "care:settings": lambda o: {"org_id": o.college.branch.pk},
    "care:talk-detail": lambda o: {"pk": o.talk.pk},
    "care:todo-cancel": lambda o: {"pk": o.todo.pk},
}
QUERY: dict = {}
POST_DATA = {
    "care:need-accept": lambda o: {},
    "care:need-assign": lambda o: {"officer": o.college.secretary.pk},
    "care:need-note": lambda o: {"text": "已联系相关部门。"},
    "care:need-answer": lambda o: {"answer": "已答复。"},
    "care:need-hardship": lambda o: {},
    "care:need-confirm": lambda o: {"rating": "5"},
    "care:need-reopen": lambda o: {"reopen-reason": "还没有解决。"},
    "care:need-widen": lambda o: {},
    "care:need-attach": _pdf,
}

OPERATIONS = {
    "need_list": allow(200, LOGGED_IN, anon=API_ANON),
    "need_stats": allow(200, CARE, anon=API_ANON),
    "need_get": allow(200, [BRANCH, MEMBER], anon=API_ANON),
    # Accounts without a member record have no branch to raise a need with.
    "need_create": {**allow(201, WITH_MEMBER_RECORD, anon=API_ANON), ADMIN: 403, "auditor": 403},
    "need_attachment_add": _need_step(201, allowed=MEMBER, refused=BRANCH, anon=API_ANON),
    "need_accept": _need_step(200, allowed=BRANCH, refused=MEMBER, anon=API_ANON),
    "need_assign": _need_step(200, allowed=BRANCH, refused=MEMBER, anon=API_ANON),
    "need_note": _need_step(200, allowed=BRANCH, refused=MEMBER, anon=API_ANON),
    "need_answer": _need_step(200, allowed=BRANCH, refused=MEMBER, anon=API_ANON),
    "need_hardship": _need_step(200, allowed=BRANCH, refused=MEMBER, anon=API_ANON),
    "need_confirm": _need_step(200, allowed=MEMBER, refused=BRANCH, anon=API_ANON),
    "need_reopen": _need_step(200, allowed=MEMBER, refused=BRANCH, anon=API_ANON),
    "need_widen": _need_step(200, allowed=MEMBER, refused=BRANCH, anon=API_ANON),
    "talk_list": allow(200, CARE, anon=API_ANON),
    "talk_get": allow(200, OVER_BRANCH, anon=API_ANON),
    # The administrator has no member record to have held a talk with (400: name the officer).
    "talk_create": {**allow(201, [COMMITTEE, BRANCH], anon=API_ANON), ADMIN: 400},
    "talk_todo_list": allow(200, CARE, anon=API_ANON),
    "talk_todo_cancel": allow(200, OVER_BRANCH, anon=API_ANON),
    "talk_coverage": allow(200, OVER_BRANCH, anon=API_ANON),
    "care_settings_get": allow(200, OVER_BRANCH, anon=API_ANON),
    "care_settings_update": allow(200, OVER_BRANCH, anon=API_ANON),
}
REQUESTS = {
    "need_list": lambda o: ({}, {}, None),
    "need_stats": lambda o: ({}, {}, None),
    "need_get": lambda o: ({"need_id": o.need.pk}, {}, None),
    "need_create": lambda o: (
        {},
        {},
        {"category": "study", "title": "想参加培训", "description": "希望参加党务培训。"},
    ),
    "need_attachment_add": lambda o: ({"need_id": o.need.pk}, {}, "upload"),
    "need_accept": lambda o: ({"need_id": o.need.pk}, {}, {}),
    "need_assign": lambda o: ({"need_id": o.need.pk}, {}, {"officer": o.college.secretary.pk}),
    "need_note": lambda o: ({"need_id": o.accepted.pk}, {}, {"text": "已联系相关部门。"}),
    "need_answer": lambda o: ({"need_id": o.accepted.pk}, {}, {"answer": "已答复。"}),
    "need_hardship": lambda o: ({"need_id": o.accepted.pk}, {}, {}),
    "need_confirm": lambda o: ({"need_id": o.answered.pk}, {}, {"rating": 5}),
    "need_reopen": lambda o: ({"need_id": o.answered.pk}, {}, {"reason": "还没有解决。"}),
    "need_widen": lambda o: ({"need_id": o.need.pk}, {}, {}),
    "talk_list": lambda o: ({}, {}, None),
    "talk_get": lambda o: ({"talk_id": o.talk.pk}, {}, None),
    "talk_create": lambda o: (
        {},
        {},
        {
            "member": o.college.member.pk,
            "held_on": timezone.localdate().isoformat(),
            "kind": "routine",
            "summary": "谈了学习。",
        },
    ),
    "talk_todo_list": lambda o: ({}, {}, None),
    "talk_todo_cancel": lambda o: ({"todo_id": o.todo.pk}, {}, {"reason": "已在支部大会后谈过。"}),
    "talk_coverage": lambda o: ({"org_id": o.college.branch.pk}, {}, None),
    "care_settings_get": lambda o: ({"org_id": o.college.branch.pk}, {}, None),
    "care_settings_update": lambda o: ({"org_id": o.college.branch.pk}, {}, {"accept_working_days": 2}),
}
