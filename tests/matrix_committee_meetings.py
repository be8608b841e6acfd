"""Permission-matrix rows of committee-level meetings (see `PARTS` in test_permission_matrix.py for the shape).

The objects: a joint Party–administration meeting of the committee, held two days ago, with an approved agenda
item, a leader recorded by name, and a decision concerning the faculty branch owned by its secretary (the branch
role); a second decision already done. The record is the leadership's: the admin, the committee and the auditor
over it (the committee secretary also attends). The decision is seen by the faculty branch too — its secretary,
its group leader, 张三 — but not by the student branch; its owner records it done.
"""

import datetime
from functools import cached_property

from django.utils import timezone

from tests.matrix_roles import ADMIN, API_ANON, AUDITOR, BRANCH, COMMITTEE, LEADER, LOGGED_IN, MEMBER, allow

MANAGERS = [ADMIN, COMMITTEE]  # run the committee's study
RECORD_VIEWERS = [ADMIN, COMMITTEE, AUDITOR]  # view the committee
DECISION_VIEWERS = [ADMIN, COMMITTEE, AUDITOR, BRANCH, LEADER, MEMBER]  # concerned: the faculty branch
COMPLETERS = [ADMIN, COMMITTEE, BRANCH]  # the managers and the owner


class Objects:
    def __init__(self, college):
        self.college = college

    @property
    def actor(self):
        return self.college.user("committee")

    @cached_property
    def meeting(self):
        from dangjian.study.services import activities as activity_services
        from dangjian.study.services import committee_meetings as services

        starts = timezone.now() - datetime.timedelta(days=2)
        meeting = services.committee_meeting_create(
            actor=self.actor, org=self.college.committee, form="joint_meeting", theme="2026年第1次党政联席会议",
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), chair_name="吕书记",
        )  # fmt: skip
        activity_services.activity_publish(actor=self.actor, activity=meeting, now=starts)
        return meeting

    @cached_property
    def item(self):
        from dangjian.study.services import committee_meetings as services

        item = services.agenda_item_add(
            actor=self.actor, activity=self.meeting, title="审议教师队伍建设方案", side="administration",
            proposer_name="孙院长", proposer_post="院长",
        )  # fmt: skip
        return services.agenda_item_update(actor=self.actor, item=item, outcome="approved")

    @cached_property
    def spare_item(self):
        from dangjian.study.services import committee_meetings as services

        return services.agenda_item_add(
            actor=self.actor, activity=self.meeting, title="通报", side="party", proposer_name="吕书记"
        )

    @cached_property
    def external(self):
        from dangjian.study.services import committee_meetings as services

        return services.external_attendee_add(
            actor=self.actor, activity=self.meeting, name="周副院长", post="副院长", side="administration"
        )

    @cached_property
    def decision(self):
        from dangjian.study.services import committee_meetings as services

        return services.decision_create(
            actor=self.actor, activity=self.meeting, agenda_item=self.item, text="各系落实教师队伍建设方案",
            owner_side="administration", owner=self.college.secretary, orgs=[self.college.branch],
            due_on=timezone.localdate() + datetime.timedelta(days=30),
        )  # fmt: skip

    @cached_property
    def done_decision(self):
        from dangjian.study.services import committee_meetings as services

        decision = services.decision_create(
            actor=self.actor, activity=self.meeting, text="修订学院议事规则", owner_side="party",
            owner_name="吕书记", owner_post="党委书记", orgs=[self.college.branch],
        )  # fmt: skip
        return services.decision_complete(
            actor=self.actor, decision=decision, done_on=timezone.localdate(), note="已印发"
        )


PAGES = {
    "study:committee-meeting-list": ("get", allow(200, LOGGED_IN)),
    # Offered to those who run study somewhere; a branch's officers have no committee to choose: 404.
    "study:committee-meeting-create": ("get", allow(200, MANAGERS)),
    "study:committee-meeting-detail": ("get", allow(200, RECORD_VIEWERS)),
    "study:committee-meeting-print": ("get", allow(200, RECORD_VIEWERS)),
    "study:committee-meeting-edit": ("get", allow(200, MANAGERS)),
    "study:committee-meeting-leader-add": ("get", allow(200, MANAGERS)),
    "study:external-attendee-add": ("get", allow(200, MANAGERS)),
    "study:external-attendee-remove": ("post", allow(302, MANAGERS)),
    "study:agenda-item-add": ("get", allow(200, MANAGERS)),
    "study:agenda-item-edit": ("get", allow(200, MANAGERS)),
    "study:agenda-item-remove": ("post", allow(302, MANAGERS)),
    "study:decision-create": ("get", allow(200, MANAGERS)),
    "study:decision-list": ("get", allow(200, LOGGED_IN)),
    "study:decision-detail": ("get", allow(200, DECISION_VIEWERS)),
    "study:decision-edit": ("get", allow(200, MANAGERS)),
    "study:decision-complete": ("get", allow(200, COMPLETERS)),
    "study:decision-reopen": ("post", allow(302, MANAGERS)),
}
KWARGS = {
    "study:committee-meeting-detail": lambda o: {"pk": o.meeting.pk},
    "study:committee-meeting-print": lambda o: {"pk": o.meeting.pk},
    "study:committee-meeting-edit": lambda o: {"pk": o.meeting.pk},
    "study:committee-meeting-leader-add": lambda o: {"pk": o.meeting.pk},
    "study:external-attendee-add": lambda o: {"pk": o.meeting.pk},
    "study:external-attendee-remove": lambda o: {"pk": o.external.pk},
    "study:agenda-item-add": lambda o: {"pk": o.meeting.pk},
    "study:agenda-item-edit": lambda o: {"pk": o.item.pk},
    "study:agenda-item-remove": lambda o: {"pk": o.spare_item.pk},
    "study:decision-create": lambda o: {"pk": o.meeting.pk},
    "study:decision-detail": lambda o: {"pk": o.decision.pk},
    "study:decision-edit": lambda o: {"pk": o.decision.pk},
    "study:decision-complete": lambda o: {"pk": o.decision.pk},
    "study:decision-reopen": lambda o: {"pk": o.done_decision.pk},
}
QUERY: dict = {}
POST_DATA = {
    "study:decision-reopen": lambda o: {"reason": "未落实到位"},
}

OPERATIONS = {
    "committee_meeting_list": allow(200, LOGGED_IN, anon=API_ANON),
    "committee_meeting_create": allow(201, MANAGERS, anon=API_ANON),
    "committee_meeting_get": allow(200, RECORD_VIEWERS, anon=API_ANON),
    "committee_meeting_update": allow(200, MANAGERS, anon=API_ANON),
    "committee_meeting_leader_add": allow(201, MANAGERS, anon=API_ANON),
    "external_attendee_create": allow(201, MANAGERS, anon=API_ANON),
    "external_attendee_delete": allow(204, MANAGERS, anon=API_ANON),
    "agenda_item_create": allow(201, MANAGERS, anon=API_ANON),
    "agenda_item_update": allow(200, MANAGERS, anon=API_ANON),
    "agenda_item_delete": allow(204, MANAGERS, anon=API_ANON),
    "decision_create": allow(201, MANAGERS, anon=API_ANON),
    "decision_list": allow(200, LOGGED_IN, anon=API_ANON),
    "decision_get": allow(200, DECISION_VIEWERS, anon=API_ANON),
    "decision_update": allow(200, MANAGERS, anon=API_ANON),
    # Those who see it but neither run the committee's study nor own it: 403.
    "decision_complete": allow(200, COMPLETERS, anon=API_ANON) | {LEADER: 403, MEMBER: 403, AUDITOR: 403},
    "decision_reopen": allow(200, MANAGERS, anon=API_ANON),
}


def _new_meeting(o) -> dict:
    starts = timezone.now() + datetime.timedelta(days=7)
    return {
        "org": o.college.committee.pk,
        "form": "party_committee_meeting",
        "theme": "2026年第9次党委会",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
    }


REQUESTS = {
    "committee_meeting_list": lambda o: ({}, {}, None),
    "committee_meeting_create": lambda o: ({}, {}, _new_meeting(o)),
    "committee_meeting_get": lambda o: ({"meeting_id": o.meeting.pk}, {}, None),
    "committee_meeting_update": lambda o: ({"meeting_id": o.meeting.pk}, {}, {"recorder_name": "党政办主任"}),
    "committee_meeting_leader_add": lambda o: ({"meeting_id": o.meeting.pk}, {}, {"member": o.college.member.pk}),
    "external_attendee_create": lambda o: (
        {"meeting_id": o.meeting.pk},
        {},
        {"name": "钱副院长", "post": "副院长", "side": "administration"},
    ),
    "external_attendee_delete": lambda o: ({"attendee_id": o.external.pk}, {}, None),
    "agenda_item_create": lambda o: (
        {"meeting_id": o.meeting.pk},
        {},
        {"title": "研究发展党员工作", "side": "party", "proposer_name": "吕书记"},
    ),
    "agenda_item_update": lambda o: ({"item_id": o.item.pk}, {}, {"resolution": "原则通过"}),
    "agenda_item_delete": lambda o: ({"item_id": o.spare_item.pk}, {}, None),
    "decision_create": lambda o: (
        {"meeting_id": o.meeting.pk},
        {},
        {"text": "各支部传达会议精神", "owner_side": "party", "owner_name": "吕书记", "orgs": [o.college.branch.pk]},
    ),
    "decision_list": lambda o: ({}, {}, None),
    "decision_get": lambda o: ({"decision_id": o.decision.pk}, {}, None),
    "decision_update": lambda o: ({"decision_id": o.decision.pk}, {}, {"owner_post": "党支部书记"}),
    "decision_complete": lambda o: (
        {"decision_id": o.decision.pk},
        {},
        {"done_on": timezone.localdate().isoformat(), "note": "已组织各系落实"},
    ),
    "decision_reopen": lambda o: ({"decision_id": o.done_decision.pk}, {}, {"reason": "未落实到位"}),
}
