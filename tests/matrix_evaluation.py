"""Permission-matrix rows of the evaluation app (see `PARTS` in test_permission_matrix.py for the shape).

The faculty branch holds this year's campaign in the mutual phase (with non-members), last year's closed
campaign (张三 graded 基本合格, with an improvement plan), and next year's in the proposal or decision phase
when a row needs one. Its participants are 吕书记 (committee), 李书记 (branch), 王组长 (group leader) and 张三;
the officers over the branch are the administrator, the committee and the branch secretary.
"""

import datetime
import io
from functools import cached_property

from conftest import ROLES
from django.utils import timezone

from tests.matrix_roles import ADMIN, ANY_MANAGER, API_ANON, COMMITTEE, LEADER, LOGGED_IN, MEMBER, MEMBER_VIEWERS, allow
from tests.matrix_roles import BRANCH as BRANCH_ROLE

MANAGERS = [ADMIN, COMMITTEE, BRANCH_ROLE]  # run the faculty branch's evaluation
PARTICIPANTS = [COMMITTEE, BRANCH_ROLE, LEADER, MEMBER]  # members of the faculty branch
CAMPAIGN_VIEWERS = [*MANAGERS, LEADER, MEMBER]
RESULT_VIEWERS = [*MANAGERS, MEMBER]  # 张三's own result


class Objects:
    def __init__(self, college):
        self.college = college

    def _factories(self):
        from dangjian.evaluation.tests import factories

        return factories

    @cached_property
    def campaign(self):
        """This year's campaign of the faculty branch, in the mutual phase, with non-members."""
        f = self._factories()
        return f.make_campaign(self.college, phase="mutual", with_non_members=True)

    @cached_property
    def closed(self):
        """Last year's campaign, closed: 张三 graded 基本合格."""
        from dangjian.accounts.system import system_actor
        from dangjian.evaluation import services

        f = self._factories()
        campaign = f.make_campaign(self.college, phase="decision", year=f.YEAR - 1)
        f.decide(self.college, campaign, grades={self.college.member.pk: "basic"})
        return services.campaign_advance(actor=system_actor(), campaign=campaign)

    @cached_property
    def result(self):
        return self.closed.results.get(member=self.college.member)

    @cached_property
    def plan(self):
        from dangjian.accounts.system import system_actor
        from dangjian.evaluation import services

        return services.improvement_plan_create(
            actor=system_actor(),
            result=self.result,
            content="每月学习党章",
            deadline=timezone.localdate() + datetime.timedelta(days=90),
        )

    @cached_property
    def proposing(self):
        f = self._factories()
        return f.make_campaign(self.college, phase="proposal", year=f.YEAR + 1)

    @cached_property
    def deciding(self):
        f = self._factories()
        return f.make_campaign(self.college, phase="decision", year=f.YEAR + 1)

    @cached_property
    def code(self):
        """A one-time code of the other branch's campaign, open to non-members now."""
        from dangjian.accounts.system import system_actor
        from dangjian.evaluation import services

        f = self._factories()
        campaign = services.campaign_create(
            actor=system_actor(), org=self.college.other_branch, year=f.YEAR, with_non_members=True
        )
        for _step in range(3):  # study → self-assessment → mutual → non-members
            campaign = services.campaign_advance(actor=system_actor(), campaign=campaign)
        return services.non_member_codes_generate(actor=system_actor(), campaign=campaign, count=1)[0]

    @cached_property
    def recognition(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from dangjian.accounts.system import system_actor
        from dangjian.evaluation import services

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "PNG")
        return services.recognition_create(
            actor=system_actor(),
            member=self.college.member,
            kind="model",
            title="优秀共产党员",
            evidence="志愿服务",
            awarded_on=timezone.localdate(),
            evidence_file=SimpleUploadedFile("证书.png", buffer.getvalue(), content_type="image/png"),
        )

    def everyone_rated(self) -> list[dict]:
        """Ratings of every participant (the caller included: the matrix does not know who calls)."""
        from dangjian.evaluation import rules

        return [
            {"member": p.member_id, "scores": {c: 4 for c in rules.CRITERION_CODES}, "grade": "qualified"}
            for p in self.campaign.participants.all()
        ]


def _campaign(o):
    return {"pk": o.campaign.pk}


PAGES = {
    "evaluation:campaign-list": ("get", allow(200, LOGGED_IN)),
    "evaluation:campaign-create": ("get", allow(200, ANY_MANAGER)),
    "evaluation:campaign-detail": ("get", allow(200, CAMPAIGN_VIEWERS)),
    "evaluation:campaign-edit": ("get", allow(200, MANAGERS)),
    "evaluation:campaign-advance": ("post", allow(302, MANAGERS)),
    # Only a participant has a self-assessment; the administrator runs the campaign but takes no part.
    "evaluation:self-assessment": ("get", allow(200, PARTICIPANTS)),
    "evaluation:self-assessment-view": ("get", allow(200, MANAGERS)),
    # The ballot page says why the caller cannot vote, to anyone who sees the campaign.
    "evaluation:ballot": ("get", allow(200, CAMPAIGN_VIEWERS)),
    "evaluation:receipt-check": ("get", allow(200, CAMPAIGN_VIEWERS)),
    "evaluation:codes": ("get", allow(200, MANAGERS)),
    # The non-members' page is public: a one-time code instead of a login.
    "evaluation:assess": ("get", allow(200, ROLES)),
    "evaluation:tally": ("get", allow(200, MANAGERS)),
    "evaluation:proposal": ("get", allow(200, MANAGERS)),
    "evaluation:decision": ("get", allow(200, MANAGERS)),
    "evaluation:result-list": ("get", allow(200, MANAGERS)),
    "evaluation:my-results": ("get", allow(200, LOGGED_IN)),
    "evaluation:result-detail": ("get", allow(200, RESULT_VIEWERS)),
    "evaluation:plan-create": ("get", allow(200, MANAGERS)),
    "evaluation:plan-close": ("get", allow(200, MANAGERS)),
    "evaluation:recognition-list": ("get", allow(200, ANY_MANAGER)),
    "evaluation:recognition-create": ("get", allow(200, ANY_MANAGER)),
    "evaluation:recognition-members": ("get", allow(200, ANY_MANAGER, anon=401)),  # the form's member picker
    "evaluation:recognition-evidence": ("get", allow(200, MEMBER_VIEWERS)),
}
KWARGS = {
    "evaluation:campaign-detail": _campaign,
    "evaluation:campaign-edit": _campaign,
    "evaluation:campaign-advance": _campaign,
    "evaluation:self-assessment": _campaign,
    "evaluation:self-assessment-view": lambda o: {"pk": o.campaign.pk, "member_id": o.college.member.pk},
    "evaluation:ballot": _campaign,
    "evaluation:receipt-check": _campaign,
    "evaluation:codes": _campaign,
    "evaluation:tally": _campaign,
    "evaluation:proposal": _campaign,
    "evaluation:decision": _campaign,
    "evaluation:result-list": lambda o: {"pk": o.closed.pk},
    "evaluation:result-detail": lambda o: {"pk": o.result.pk},
    "evaluation:plan-create": lambda o: {"pk": o.result.pk},
    "evaluation:plan-close": lambda o: {"pk": o.plan.pk},
    "evaluation:recognition-evidence": lambda o: {"pk": o.recognition.pk},
}
QUERY: dict = {}
POST_DATA = {
    "evaluation:campaign-advance": lambda o: {"expected": o.campaign.phase},
}

OPERATIONS = {
    "campaign_list": allow(200, LOGGED_IN, anon=API_ANON),
    "campaign_create": allow(201, MANAGERS, anon=API_ANON),
    "campaign_get": allow(200, CAMPAIGN_VIEWERS, anon=API_ANON),
    "campaign_advance": allow(200, MANAGERS, anon=API_ANON),
    "self_assessment_get": allow(200, PARTICIPANTS, anon=API_ANON),
    "self_assessment_submit": allow(200, PARTICIPANTS, anon=API_ANON),
    "ballot_get": allow(200, CAMPAIGN_VIEWERS, anon=API_ANON),
    # Every participant is rated, the caller too: refused (400) for whoever may see the campaign.
    "ballot_cast": allow(400, CAMPAIGN_VIEWERS, anon=API_ANON),
    "receipt_check": allow(200, CAMPAIGN_VIEWERS, anon=API_ANON),
    "non_member_codes_create": allow(201, MANAGERS, anon=API_ANON),
    "non_member_form_get": allow(200, ROLES),
    "non_member_assessment_create": allow(201, ROLES),
    "tally_get": allow(200, MANAGERS, anon=API_ANON),
    "proposal_submit": allow(200, MANAGERS, anon=API_ANON),
    "decision_record": allow(200, MANAGERS, anon=API_ANON),
    "result_list": allow(200, MANAGERS, anon=API_ANON),
    "my_result_list": allow(200, LOGGED_IN, anon=API_ANON),
    "improvement_plan_create": allow(201, MANAGERS, anon=API_ANON),
    "improvement_plan_close": allow(200, MANAGERS, anon=API_ANON),
    "recognition_list": allow(200, LOGGED_IN, anon=API_ANON),
    "recognition_create": allow(201, MANAGERS, anon=API_ANON),
}


def _scores():
    from dangjian.evaluation import rules

    return {c: 4 for c in rules.CRITERION_CODES}


REQUESTS = {
    "campaign_list": lambda o: ({}, {}, None),
    "campaign_create": lambda o: ({}, {}, {"org": o.college.branch.pk, "year": timezone.localdate().year + 1}),
    "campaign_get": lambda o: ({"campaign_id": o.campaign.pk}, {}, None),
    "campaign_advance": lambda o: ({"campaign_id": o.campaign.pk}, {}, {"expected": "mutual"}),
    "self_assessment_get": lambda o: ({"campaign_id": o.campaign.pk}, {}, None),
    "self_assessment_submit": lambda o: (
        {"campaign_id": o.campaign.pk},
        {},
        {"scores": _scores(), "analysis": "党性分析"},
    ),
    "ballot_get": lambda o: ({"campaign_id": o.campaign.pk}, {}, None),
    "ballot_cast": lambda o: ({"campaign_id": o.campaign.pk}, {}, {"ratings": o.everyone_rated()}),
    "receipt_check": lambda o: ({"campaign_id": o.campaign.pk}, {}, {"receipt": "AAAA-BBBB-CCCC-DDDD"}),
    "non_member_codes_create": lambda o: ({"campaign_id": o.campaign.pk}, {}, {"count": 2}),
    "non_member_form_get": lambda o: ({}, {}, {"code": o.code}),
    "non_member_assessment_create": lambda o: (
        {},
        {},
        {"code": o.code, "ratings": [{"member": o.college.other_member.pk, "scores": _scores()}]},
    ),
    "tally_get": lambda o: ({"campaign_id": o.closed.pk}, {}, None),
    "proposal_submit": lambda o: (
        {"campaign_id": o.proposing.pk},
        {},
        {"grades": [{"member": o.college.member.pk, "grade": "qualified"}]},
    ),
    "decision_record": lambda o: (
        {"campaign_id": o.deciding.pk},
        {},
        {"meeting_on": timezone.localdate().isoformat(), "entitled": 4, "attended": 4},
    ),
    "result_list": lambda o: ({"campaign_id": o.closed.pk}, {}, None),
    "my_result_list": lambda o: ({}, {}, None),
    "improvement_plan_create": lambda o: (
        {"result_id": o.result.pk},
        {},
        {"content": "每月学习", "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat()},
    ),
    "improvement_plan_close": lambda o: ({"plan_id": o.plan.pk}, {}, {"outcome": "已改正"}),
    "recognition_list": lambda o: ({}, {}, None),
    "recognition_create": lambda o: (
        {},
        {},
        {
            "member": o.college.member.pk,
            "kind": "expert",
            "title": "教学能手",
            "evidence": "教学比赛一等奖",
            "awarded_on": timezone.localdate().isoformat(),
        },
    ),
}
