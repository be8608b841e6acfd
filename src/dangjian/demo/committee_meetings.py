"""The demo committee's own meetings this year: 党委会 and 党政联席会议 with agenda items from the Party side and
the administration, the leaders who attended (the dean and a vice-dean by name and post, as they are not members
on the platform), and decisions for the branches, some done, one overdue with the demo branch secretary.

Everything goes through the services, with the demo committee secretary as the officer. `committee_meetings_demo_ensure`
is idempotent: it builds once (when the demo committee has no such meeting yet) and otherwise changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.members.models import Member
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.study.models import Activity, Decision
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.services import activities as activity_services
from dangjian.study.services import committee_meetings as services

DEAN = ("王建国", "院长")
VICE_DEAN = ("陈敏", "副院长（分管本科教学）")
OFFICE_HEAD = ("刘洋", "党政办公室主任")


@dataclass
class CommitteeMeetingsDemoResult:
    built: bool = False
    meetings: int = 0
    decisions: int = 0
    done: int = 0
    overdue: int = 0


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _secretary_of(username: str, today: datetime.date) -> tuple[Member | None, Organisation | None]:
    term = (
        OfficerTerm.objects.current(today)
        .filter(member__user__username=username, position="secretary")
        .select_related("member", "org")
        .first()
    )
    return (term.member, term.org) if term else (None, None)


def _result(committee: Organisation, today: datetime.date, built: bool) -> CommitteeMeetingsDemoResult:
    decisions = Decision.objects.filter(activity__org=committee)
    return CommitteeMeetingsDemoResult(
        built=built,
        meetings=Activity.objects.filter(org=committee, form__in=rules.LEADERSHIP_FORMS).count(),
        decisions=decisions.count(),
        done=decisions.filter(status="done").count(),
        overdue=decisions.filter(status="open", due_on__lt=today).count(),
    )


def committee_meetings_demo_ensure(*, today: datetime.date | None = None) -> CommitteeMeetingsDemoResult:
    """A few committee meetings of this year with their agenda and decisions, once."""
    today = today or timezone.localdate()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE, kind=OrgKind.COMMITTEE).first()
    if committee is None:
        return CommitteeMeetingsDemoResult()
    if Activity.objects.filter(org=committee, form__in=rules.LEADERSHIP_FORMS).exists():
        return _result(committee, today, built=False)
    _Builder(committee, today).build()
    return _result(committee, today, built=True)


def committee_meetings_demo_summary(result: CommitteeMeetingsDemoResult) -> str:
    """One line for the demo command."""
    if not result.built:
        return ""
    return _(
        "Committee meetings: %(meetings)d this year with %(decisions)d decisions (%(done)d done, %(overdue)d overdue)."
    ) % {
        "meetings": result.meetings,
        "decisions": result.decisions,
        "done": result.done,
        "overdue": result.overdue,
    }


class _Builder:
    def __init__(self, committee: Organisation, today: datetime.date) -> None:
        self.committee = committee
        self.today = today
        self.actor = User.objects.filter(username="demo-committee").first() or system_actor()
        self.secretary, _org = _secretary_of("demo-committee", today)
        self.branch_secretary, self.faculty_branch = _secretary_of("demo-branch", today)
        self.student_secretary, self.student_branch = _secretary_of("demo-student-branch", today)
        self.branches = list(
            Organisation.objects.active().subtree_of(committee).filter(kind=OrgKind.BRANCH).order_by("path")
        )

    def _day(self, days_ago: int) -> datetime.date:
        """A working day `days_ago` back (a Saturday or Sunday moves to the Friday before)."""
        day = self.today - datetime.timedelta(days=days_ago)
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        return day

    def _meeting(self, form: str, theme: str, days_ago: int, *, chair: str, external: list[tuple]) -> Activity:
        day = self._day(days_ago)
        starts = _at(day, 14)
        ends = starts + datetime.timedelta(hours=2)
        meeting = services.committee_meeting_create(
            actor=self.actor,
            org=self.committee,
            form=form,
            theme=theme,
            starts_at=starts,
            ends_at=ends,
            place="学院会议室（人文楼305）",
            chair_name=chair,
            recorder_name=OFFICE_HEAD[0],
        )
        activity_services.activity_publish(actor=self.actor, activity=meeting, now=starts - datetime.timedelta(days=2))
        for index, row in enumerate(meeting.attendances.select_related("member").order_by("member__name")):
            away = index == 3  # one member of the committee away on business at each meeting
            activity_services.attendance_mark(
                actor=self.actor,
                activity=meeting,
                member=row.member,
                status="leave" if away else "present",
                reason="出差，会前请假" if away else "按会议签到表登记",
                now=ends,
            )
        for name, post, side, sits_in in external:
            services.external_attendee_add(
                actor=self.actor, activity=meeting, name=name, post=post, side=side, sits_in=sits_in
            )
        activity_services.activity_close(actor=self.actor, activity=meeting, now=ends + datetime.timedelta(hours=1))
        return meeting

    def _item(self, meeting: Activity, title: str, side: str, proposer: tuple, materials: str, outcome: str,
              resolution: str):  # fmt: skip
        item = services.agenda_item_add(
            actor=self.actor,
            activity=meeting,
            title=title,
            side=side,
            proposer_name=proposer[0],
            proposer_post=proposer[1],
            materials=materials,
        )
        return services.agenda_item_update(actor=self.actor, item=item, outcome=outcome, resolution=resolution)

    def _decision(self, meeting, item, text, side, *, owner=None, owner_name=("", ""), due_in: int, orgs,
                  done: str = ""):  # fmt: skip
        day = timezone.localdate(meeting.starts_at)
        if owner is None and not owner_name[0]:  # the office holder has no member record: name the office
            owner_name = (owner_name[1], owner_name[1])
        decision = services.decision_create(
            actor=self.actor,
            activity=meeting,
            agenda_item=item,
            text=text,
            owner_side=side,
            owner=owner,
            owner_name=owner_name[0] if owner is None else "",
            owner_post=owner_name[1],
            due_on=day + datetime.timedelta(days=due_in),
            orgs=[o for o in orgs if o is not None],
        )
        if done:
            done_on = min(day + datetime.timedelta(days=due_in - 3), self.today)
            services.decision_complete(
                actor=self.actor, decision=decision, done_on=done_on, note=done, today=self.today
            )
        return decision

    def build(self) -> None:
        secretary = (self.secretary.name, "党委书记") if self.secretary else ("党委书记", "党委书记")
        party, admin = "party", "administration"
        teachers = [b for b in self.branches if "教工" in b.name] or self.branches[:2]
        students = [b for b in self.branches if "生" in b.name] or self.branches[-2:]

        # 1. 党委会, four months ago: elections of the branches and the year's member development.
        first = self._meeting(
            rules.PARTY_COMMITTEE_MEETING, "党委会：研究支部换届和年度发展党员工作", 120, chair=secretary[0],
            external=[(*OFFICE_HEAD, admin, True)],
        )  # fmt: skip
        item = self._item(
            first, "审议各党支部换届选举工作方案", party, secretary, "换届工作方案（征求意见稿）；各支部党员名册",
            "approved", "同意方案，各支部按程序完成换届。",
        )  # fmt: skip
        self._decision(
            first, item, "各党支部按方案完成换届选举，选举结果报党委审批", party, owner=self.secretary,
            owner_name=("", "党委书记"), due_in=45, orgs=self.branches[:4], done="各支部已完成换届，结果经党委会审批。",
        )  # fmt: skip
        item = self._item(
            first, "研究本年度发展党员计划", party, ("组织员", "专职组织员"), "各支部发展计划汇总表",
            "amended", "原则通过，学生支部名额按入党积极分子考察情况调整后执行。",
        )  # fmt: skip
        self._decision(
            first, item, "完善研究生党员发展工作流程，明确培养联系人职责", party, owner=self.student_secretary,
            owner_name=("", "研究生党支部书记"), due_in=150, orgs=[self.student_branch, *students[:1]],
        )  # fmt: skip

        # 2. 党政联席会议, three months ago: the budget and undergraduate teaching.
        second = self._meeting(
            rules.JOINT_MEETING, "党政联席会议：年度预算执行和本科教学质量", 90, chair=DEAN[0],
            external=[(*DEAN, admin, False), (*VICE_DEAN, admin, False), (*OFFICE_HEAD, admin, True)],
        )  # fmt: skip
        item = self._item(
            second, "审议学院上半年预算执行情况", admin, DEAN, "预算执行情况报告；5万元以上设备采购清单",
            "approved", "通过；设备采购按学校规定公开招标。",
        )  # fmt: skip
        self._decision(
            second, item, "按学校规定完成5万元以上设备采购的公开招标", admin, owner_name=DEAN, due_in=60,
            orgs=[], done="已完成招标，合同已报学校资产处备案。",
        )  # fmt: skip
        item = self._item(
            second, "研究本科教学质量提升措施", admin, VICE_DEAN, "本科教学评估反馈意见；整改措施清单",
            "approved", "同意整改措施，党政分工落实。",
        )  # fmt: skip
        self._decision(
            second, item, "修订本科生导师制实施办法", admin, owner_name=VICE_DEAN, due_in=40,
            orgs=students, done="新办法已经党政联席会议通过并印发。",
        )  # fmt: skip
        self._decision(
            second, item, "各教工党支部组织学习师德师风建设要求，结合课程思政开展一次主题党日",
            party, owner=self.branch_secretary, owner_name=("", "教工党支部书记"), due_in=75,
            orgs=[self.faculty_branch, *teachers[:2]],
        )  # fmt: skip

        # 3. 党委会, six weeks ago: ideological work and the study plan.
        third = self._meeting(
            rules.PARTY_COMMITTEE_MEETING, "党委会：意识形态工作和下学期学习教育计划", 42, chair=secretary[0],
            external=[(*OFFICE_HEAD, admin, True)],
        )  # fmt: skip
        item = self._item(
            third, "传达学习上级关于意识形态工作的部署", party, secretary, "上级文件", "noted", "",
        )  # fmt: skip
        item = self._item(
            third, "研究教师思想政治工作（前置研究，报党政联席会议）", admin, DEAN, "教师思想政治工作方案",
            "approved", "原则同意，提交党政联席会议决定。",
        )  # fmt: skip
        self._decision(
            third, item, "将教师思想政治工作方案提交党政联席会议审议", party, owner=self.secretary,
            owner_name=("", "党委书记"), due_in=21, orgs=[], done="已提交本月党政联席会议并通过。",
        )  # fmt: skip

        # 4. 党政联席会议, three weeks ago: laboratory safety, open items with due dates ahead.
        fourth = self._meeting(
            rules.JOINT_MEETING, "党政联席会议：实验室安全和人才引进", 21, chair=DEAN[0],
            external=[(*DEAN, admin, False), (*VICE_DEAN, admin, False), (*OFFICE_HEAD, admin, True)],
        )  # fmt: skip
        item = self._item(
            fourth, "通报实验室安全检查情况并研究整改", admin, VICE_DEAN, "安全检查通报；整改清单",
            "approved", "限期整改，各支部协助做好师生安全教育。",
        )  # fmt: skip
        self._decision(
            fourth, item, "落实实验室安全检查整改，各支部开展一次安全教育", admin, owner_name=VICE_DEAN,
            due_in=45, orgs=[self.committee],
        )  # fmt: skip
        self._item(
            fourth, "讨论引进青年教师聘用事项", admin, DEAN, "拟聘人员材料；学术委员会意见",
            "deferred", "材料补充后再议。",
        )  # fmt: skip
