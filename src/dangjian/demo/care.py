"""The demo college's member care: needs in every state (one overdue and escalated to the
committee), heart-to-heart talks through the year, and a few required-talk to-dos.

Built through the care services, with the members and their branch secretaries as the actors and
the days of the past passed in, on top of the demo college (`generator.build_demo`). The history of a
need is written as the steps happen; the demo dates its entries afterwards to the day each step is
set on, so the history reads like a real one. Deterministic for a seed and a day.

`care_demo_ensure` is idempotent: it builds the data when no need exists in the demo college, and
otherwise adds nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.care import services
from dangjian.care.models import Need, NeedEvent, Talk, TalkKind, TalkTodo, TodoReason
from dangjian.care.selectors.common import branch_officer_ids, branch_secretary
from dangjian.care.selectors.talks import branch_members
from dangjian.core.calendar import WorkingCalendar, working_calendar
from dangjian.demo import clock
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.members.models import Member, Membership
from dangjian.orgs.models import Organisation, OrgKind


@dataclass
class CareDemoResult:
    built: bool = False
    needs: int = 0
    escalated: int = 0
    talks: int = 0
    todos: int = 0


# (category, subject, description, visibility)
NEEDS = [
    (
        "study",
        "希望参加党务工作培训",
        "我刚担任党小组组长，希望能参加学校组织部的党务工作培训，提高组织生活的质量。",
        "committee",
    ),
    (
        "work",
        "实验室搬迁影响课题进度",
        "学院实验楼改造，实验室需要搬迁两个月，课题组的实验进度受影响，希望协调临时场地。",
        "secretary",
    ),
    ("life", "子女入学咨询", "孩子明年上小学，想了解学校附属小学接收教职工子女的政策和需要准备的材料。", "secretary"),
    (
        "health",
        "长期失眠，想找人聊聊",
        "最近工作压力大，长期失眠，不想让太多人知道，希望能得到一些心理方面的帮助。",
        "secretary",
    ),
    (
        "development",
        "申请出国访学的推荐",
        "计划明年申请国家留学基金委的访问学者项目，希望支部了解情况并在推荐时给予支持。",
        "committee",
    ),
    (
        "life",
        "家中老人住院，请假照顾",
        "父亲突发脑梗住院，需要请假照顾一段时间，组织生活可能无法按时参加，想请支部知悉。",
        "secretary",
    ),
    (
        "study",
        "毕业论文与支部工作时间冲突",
        "论文进入写作阶段，担任支部宣传委员的工作有些顾不过来，希望支部帮助协调分工。",
        "committee",
    ),
    (
        "other",
        "建议支部活动增加实践内容",
        "支部的学习活动以集中学习为主，建议增加社会实践和志愿服务，让大家更有参与感。",
        "committee",
    ),
    ("life", "租房困难", "新入职不久，租住的房子合同到期，想了解学校的青年教师周转房政策。", "secretary"),
    (
        "work",
        "希望参与学院课程思政项目",
        "想参与学院的课程思政示范课程建设，希望支部推荐并帮助对接教务办公室。",
        "committee",
    ),
]
ANSWERS = {
    "study": "已与校党委组织部联系，下一期党务工作培训将于下月举办，已为你报名，通知会另行发送。",
    "work": "已向学院反映，学院同意在搬迁期间借用公共实验平台，具体安排请联系学院办公室。",
    "life": "已联系学校相关部门，政策和材料清单已发到你的邮箱，有问题可以随时找我。",
    "health": "已约定时间面谈，也为你联系了学校心理咨询中心的老师，谈话内容会严格保密。",
    "development": "支部会在推荐时如实介绍你的工作表现，学院外事秘书可以协助准备材料。",
    "other": "建议很好，支部委员会已讨论，下学期计划安排一次社区志愿服务。",
}
TALK_SUMMARIES = [
    "交流了近期工作和学习情况，对支部工作提了建议。",
    "了解了家庭情况和工作压力，鼓励其注意身体。",
    "谈了入党初心和对党员义务的理解，思想状态积极。",
    "提醒按时参加组织生活，本人表示会调整安排。",
]


def care_demo_ensure(*, seed: int = 1, today: datetime.date | None = None) -> CareDemoResult:
    """Give the demo college its needs, talks and to-dos if it has no need yet."""
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None or Need.objects.filter(org__path__startswith=committee.path).exists():
        return CareDemoResult()
    return _build(committee, seed=seed, today=today or timezone.localdate())


def care_demo_summary(result: CareDemoResult) -> str:
    """One line for the demo command."""
    if not result.built:
        return ""
    return _(
        "Member care: %(needs)d needs (%(escalated)d escalated), %(talks)d heart-to-heart talks, "
        "%(todos)d required-talk to-dos."
    ) % {"needs": result.needs, "escalated": result.escalated, "talks": result.talks, "todos": result.todos}


class _Builder:
    def __init__(self, committee: Organisation, seed: int, today: datetime.date):
        self.committee = committee
        self.rng = random.Random(seed)
        self.today = today
        self.calendar: WorkingCalendar = working_calendar()
        self.result = CareDemoResult(built=True)
        self.overdue_placed = False
        self.branches = list(Organisation.objects.filter(path__startswith=committee.path, kind=OrgKind.BRANCH))

    def back(self, working_days: int) -> datetime.date:
        """The working day `working_days` working days before today (today for none or fewer: a walk's later
        steps may run out of days and then happen today)."""
        day = self.today
        working_days = max(working_days, 0)
        while working_days:
            day -= datetime.timedelta(days=1)
            if self.calendar.is_working_day(day):
                working_days -= 1
        return day

    def date_events(self, need: Need | None, since: tuple[int, int], day: datetime.date, hour: int = 10) -> None:
        """Date the history entries and the notices written since `since` to a moment of `day` (never
        later than now). The history is append-only for the platform; the demo alone dates its steps."""
        at = clock.moment(day, hour, self.rng.randrange(60), self.rng.randrange(60))
        events = NeedEvent.objects.filter(pk__gt=since[0])
        if need is not None:
            events = events.filter(need=need)
        models.QuerySet.update(events, at=at)
        clock.date_notices(since[1], at)

    def last_event(self) -> tuple[int, int]:
        return NeedEvent.objects.aggregate(m=models.Max("pk"))["m"] or 0, clock.notice_mark()

    def need(self, member: Member, spec, *, submitted: datetime.date) -> Need:
        category, title, description, visibility = spec
        mark = self.last_event()
        need = services.need_submit(
            actor=member.user,
            category=category,
            title=title,
            description=description,
            visibility=visibility,
            today=submitted,
        )
        self.date_events(need, mark, submitted, 9)
        self.result.needs += 1
        return need

    def step(self, need: Need, day: datetime.date, call) -> Need:
        mark = self.last_event()
        need = call(need)
        self.date_events(need, mark, day, self.rng.choice([10, 14, 16]))
        return need

    def walk(self, member: Member, secretary: User, spec, *, submitted_ago: int, upto: str, rating: int = 5):
        """A need taken from submission up to the state `upto`, each step a few working days apart."""
        need = self.need(member, spec, submitted=self.back(submitted_ago))
        days = submitted_ago
        if upto == "submitted":
            return need
        days -= self.rng.randint(1, 2)
        need = self.step(
            need, self.back(days), lambda n: services.need_accept(actor=secretary, need=n, today=self.back(days))
        )
        if upto == "accepted":
            return need
        days -= self.rng.randint(1, 3)
        need = self.step(
            need,
            self.back(days),
            lambda n: services.need_note(actor=secretary, need=n, text="已了解情况，正在联系相关部门。"),
        )
        if upto == "in_progress":
            return need
        days -= self.rng.randint(1, 4)
        need = self.step(
            need,
            self.back(days),
            lambda n: services.need_answer(actor=secretary, need=n, answer=ANSWERS[n.category], today=self.back(days)),
        )
        if upto == "answered":
            return need
        days = max(days - 1, 0)
        return self.step(
            need, self.back(days), lambda n: services.need_confirm(actor=member.user, need=n, rating=rating)
        )

    def members_of(self, branch: Organisation, exclude: set[int]) -> list[Member]:
        return [
            m for m in branch_members(branch).select_related("user").order_by("pk") if m.user_id and m.pk not in exclude
        ]

    def build(self) -> CareDemoResult:
        demo_member = Member.objects.filter(user__username="demo-member").select_related("org", "user").first()
        demo_student = Member.objects.filter(user__username="demo-student").select_related("org", "user").first()
        people = [m for m in (demo_member, demo_student) if m is not None]
        for branch in self.branches:
            secretary = branch_secretary(branch, self.today)
            if secretary is None or secretary.user_id is None:
                continue
            own = [p for p in people if p.org_id in (branch.pk,) or (p.org and p.org.parent_id == branch.pk)]
            others = self.members_of(branch, {secretary.pk} | {p.pk for p in people})
            self.branch(branch, secretary, own, others)
        mark = self.last_event()
        self.result.escalated = services.need_escalate_overdue(today=self.today)
        self.date_events(None, mark, self.today, hour=2)  # the nightly run
        return self.result

    def branch(self, branch: Organisation, secretary: Member, own: list[Member], others: list[Member]) -> None:
        rng, user = self.rng, secretary.user
        specs = list(NEEDS)
        rng.shuffle(specs)
        if own:
            # The demo accounts see a need in every state of their own.
            person = own[0]
            self.walk(person, user, NEEDS[0], submitted_ago=30, upto="closed", rating=5)
            self.walk(person, user, NEEDS[2], submitted_ago=8, upto="answered")
            self.walk(person, user, NEEDS[4], submitted_ago=4, upto="in_progress")
            self.need(person, NEEDS[9], submitted=self.today)
            reopened = self.walk(person, user, NEEDS[7], submitted_ago=14, upto="answered")
            self.step(
                reopened,
                self.back(2),
                lambda n: services.need_reopen(
                    actor=person.user, need=n, reason="方案还没有落实，希望支部再跟进一下。", today=self.back(2)
                ),
            )
        # A few closed needs for the response times, and the usual mix of open ones.
        for index, member in enumerate(others[:4]):
            self.walk(
                member,
                user,
                specs[index],
                submitted_ago=rng.randint(25, 80),
                upto="closed",
                rating=rng.choice([3, 4, 5, 5]),
            )
        if len(others) > 5:
            self.walk(others[4], user, specs[5], submitted_ago=3, upto="accepted")
            hardship = self.walk(others[5], user, NEEDS[5], submitted_ago=6, upto="in_progress")
            self.step(hardship, self.back(5), lambda n: services.need_mark_hardship(actor=user, need=n))
        if len(others) > 7 and not own and not self.overdue_placed:
            self.overdue_placed = True
            # Never accepted: overdue, and escalated to the committee by the daily run. Kept for the
            # branch secretary: the committee sees only that it is overdue.
            self.need(others[7], NEEDS[3], submitted=self.back(6))
        self.talks(branch, secretary, others)
        self.todos(branch, others)

    def talks(self, branch: Organisation, secretary: Member, others: list[Member]) -> None:
        officers = Member.objects.filter(pk__in=branch_officer_ids(branch, self.today, committee_only=True))
        start = datetime.date(self.today.year, 1, 1)
        span = max((self.today - start).days, 1)
        for officer in officers.select_related("user"):
            share = self.rng.uniform(0.3, 0.9)
            for member in others:
                if member.pk == officer.pk or self.rng.random() > share:
                    continue
                held_on = start + datetime.timedelta(days=self.rng.randrange(span))
                services.talk_record(
                    actor=secretary.user,
                    member=member,
                    officer=officer,
                    held_on=held_on,
                    kind=self.rng.choice([TalkKind.ROUTINE] * 5 + [TalkKind.REMINDER]),
                    summary=self.rng.choice(TALK_SUMMARIES),
                    follow_up=self.rng.choice(["", "", "下次组织生活会后再交流。"]),
                )
                self.result.talks += 1

    def todos(self, branch: Organisation, others: list[Member]) -> None:
        if len(others) < 10:
            return
        mark = self.last_event()
        newcomer = others[-1]
        membership = Membership.objects.filter(member=newcomer, until__isnull=True).first()
        services.talk_todo_open(
            actor=system_actor(),
            member=newcomer,
            reason=TodoReason.NEW_MEMBER
            if newcomer.joined_on.year >= self.today.year - 1
            else TodoReason.TRANSFERRED_IN,
            detail=_("Arrived in %(org)s") % {"org": branch.name},
            source_key=f"membership:{membership.pk if membership else newcomer.pk}",
            due_on=self.today + datetime.timedelta(days=self.rng.randint(5, 25)),
        )
        # Opened by the nightly runs of the last few days.
        self.date_events(None, mark, self.today - datetime.timedelta(days=self.rng.randint(2, 6)), hour=2)
        mark = self.last_event()
        services.talk_todo_open(
            actor=system_actor(),
            member=others[-2],
            reason=TodoReason.REPEATED_ABSENCE,
            detail=_("Absent from three activities in a row"),
            source_key=f"demo:absence:{others[-2].pk}",
            due_on=self.today + datetime.timedelta(days=self.rng.randint(3, 14)),
        )
        self.date_events(None, mark, self.today - datetime.timedelta(days=self.rng.randint(0, 1)), hour=2)


# Not one transaction: each step is a top-level (durable) service of its own, as when people use the site.
def _build(committee: Organisation, *, seed: int, today: datetime.date) -> CareDemoResult:
    result = _Builder(committee, seed, today).build()
    result.todos = TalkTodo.objects.filter(org__path__startswith=committee.path).count()
    result.talks = Talk.objects.filter(org__path__startswith=committee.path).count()
    return result
