"""The demo college's opinions and appeals: named and anonymous suggestions and criticism, most of them
answered by the receiving officers and one still open; and, when a registered kind of decision (an
evaluation grade) has one about a demo member, an open appeal against it.

Built through the rights services with the members and officers of the demo college. Idempotent:
the opinions are written once (when the demo committee's tree has none), and the appeal once (when
it has none); a later run, for instance after the evaluation demo has produced its grades, only adds
what is missing. The answers are dated a few days after the opinions (the service dates an answer
now; the demo moves it back, as the study demo dates its records).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.demo import clock
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.members.models import Category, Member
from dangjian.orgs.models import Organisation
from dangjian.rights import selectors, services
from dangjian.rights.models import Appeal, Opinion

DEMO_APPEAL_REASONS = (
    "本人本年度承担了两门本科课程和一项校级教改项目，并带队完成暑期社会实践。"
    "评议时部分同志不了解上述情况，请党委复核评定等次。"
)


@dataclass(frozen=True)
class _DemoOpinion:
    author: str  # "demo-member", "demo-student", or a category of member to pick one from
    kind: str
    target: str
    anonymous: bool
    days_ago: int
    title: str
    body: str
    answer: str = ""  # empty: left open


OPINIONS = [
    _DemoOpinion(
        "demo-member",
        "suggestion",
        "branch",
        False,
        75,
        "建议把主题党日与教研活动结合起来",
        "支部每月的主题党日多为集中学习文件。建议每学期安排一两次与课程思政、教学研讨结合的主题党日，"
        "请教学骨干结合自己的课程谈体会，既学理论又促教学。",
        "支部委员会已研究采纳：下学期起每学期安排两次“课程思政”主题党日，由教研室主任与党员骨干共同组织，"
        "第一次定在开学第三周。感谢你的建议。",
    ),
    _DemoOpinion(
        "demo-student",
        "suggestion",
        "committee",
        False,
        40,
        "建议为学生党员提供党课录像回放",
        "部分同学在党课时间有专业实验课，只能请假补学。建议党委把党课录像放到学习资料库，便于补学和复习。",
        "党委已请组织员整理近两学期的党课录像，经主讲人同意后陆续上传至学习资料库“党课”栏目，"
        "补学时可在线观看并提交学习体会。",
    ),
    _DemoOpinion(
        Category.FACULTY,
        "criticism",
        "",
        True,
        30,
        "组织生活会批评与自我批评不够深入",
        "上次组织生活会上，相互批评多是“工作太忙、注意身体”之类的话，没有触及实际问题，会前谈心谈话也没有真正开展。",
        "党委已收到并与有关支部书记谈话，要求下次组织生活会前逐一开展谈心谈话，会上批评意见要具体，"
        "党委将派委员列席指导。",
    ),
    _DemoOpinion(
        Category.UNDERGRADUATE,
        "suggestion",
        "branch",
        True,
        20,
        "建议支部活动避开期中考试周",
        "本学期有一次支部活动安排在期中考试周，不少同学只能请假。建议排活动时参考教学日历。",
        "支部已将教学日历中的考试周标注在活动安排中，今后集体活动避开考试周。",
    ),
    _DemoOpinion(
        Category.RETIRED,
        "suggestion",
        "branch",
        False,
        6,
        "希望提供大字版学习材料",
        "离退休党员视力不好，手机上的学习材料字太小。希望支部印发大字版材料，或在送学上门时带上。",
    ),
]


@dataclass
class RightsDemoResult:
    opinions: int = 0
    answered: int = 0
    appeals: int = 0
    follow_up_code: str | None = None  # of an answered anonymous opinion, for trying the follow-up page


def _author(committee: Organisation, who: str, used: set[int]) -> Member | None:
    in_tree = Member.objects.current().filter(org__path__startswith=committee.path).select_related("org", "user")
    if who.startswith("demo-"):
        user = User.objects.filter(username=who).first()
        return in_tree.filter(user=user).first() if user else None
    # A plain member: an officer might answer their own anonymous opinion without knowing it was theirs.
    plain = in_tree.filter(category=who, user__isnull=False, user__role_grants__isnull=True)
    return plain.exclude(pk__in=used).order_by("pk").first()


def _answer(opinion: Opinion, text: str, answered_on: datetime.datetime) -> bool:
    officers = [u for u in selectors.receiving_officers(opinion.org) if selectors.can_answer_opinion(u, opinion)]
    if not officers:
        return False
    services.opinion_answer(actor=officers[0], opinion=opinion, answer=text)
    Opinion.objects.filter(pk=opinion.pk).update(answered_at=answered_on)
    return True


def _opinions(committee: Organisation, result: RightsDemoResult, now: datetime.datetime) -> None:
    used: set[int] = set()
    for plan in OPINIONS:
        author = _author(committee, plan.author, used)
        if author is None:
            continue
        used.add(author.pk)
        submitted_on = timezone.localdate(now) - datetime.timedelta(days=plan.days_ago)
        mark = clock.notice_mark()
        submitted = services.opinion_create(
            actor=author.user,
            kind=plan.kind,
            target=plan.target or "branch",
            title=plan.title,
            body=plan.body,
            anonymous=plan.anonymous,
            today=submitted_on,
        )
        result.opinions += 1
        clock.date_notices(mark, clock.moment(submitted_on, 8 + result.opinions % 12, 7 * result.opinions % 60))
        answered_at = clock.not_after(now - datetime.timedelta(days=max(plan.days_ago - 5, 1)))
        mark = clock.notice_mark()
        if plan.answer and _answer(submitted.opinion, plan.answer, answered_at):
            clock.date_notices(mark, answered_at)
            result.answered += 1
            if submitted.follow_up_code and result.follow_up_code is None:
                result.follow_up_code = submitted.follow_up_code


def _appeal(committee: Organisation, result: RightsDemoResult) -> None:
    """One open appeal by a demo member against a registered decision about them, if any kind has one."""
    members = list(
        Member.objects.filter(org__path__startswith=committee.path, user__username__startswith="demo-")
        .select_related("org", "org__parent", "user")
        .order_by("user__username")
    )
    # The faculty member first: the account the demo guide suggests for a member's view.
    members.sort(key=lambda m: m.user.username != "demo-member")
    for member in members:
        for decision in selectors.appealable_decisions(member=member):
            if decision.open_appeal is None and decision.subject.org.path.startswith(committee.path):
                mark = clock.notice_mark()
                services.appeal_create(
                    actor=member.user, kind=decision.kind, object_id=decision.object_id, reasons=DEMO_APPEAL_REASONS
                )
                clock.date_notices(mark, clock.moment(timezone.localdate(), 11, 20, 41))
                result.appeals += 1
                return


def rights_demo_ensure(*, now: datetime.datetime | None = None) -> RightsDemoResult:
    """Give the demo college its opinions (once) and an appeal (once, when a decision can be appealed).

    Run it after the evaluation demo, whose grades are the decisions a member may appeal."""
    now = now or timezone.now()
    result = RightsDemoResult()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None:
        return result
    in_tree = Q(org__path__startswith=committee.path)
    if not Opinion.objects.filter(in_tree).exists():
        _opinions(committee, result, now)
    if not Appeal.objects.filter(in_tree).exists():
        _appeal(committee, result)
    return result


def rights_demo_summary(result: RightsDemoResult) -> str:
    """One line for the demo command: what was added, and a follow-up code to try."""
    parts = []
    if result.opinions:
        parts.append(
            _("Rights: %(opinions)d opinions, %(answered)d of them answered.")
            % {"opinions": result.opinions, "answered": result.answered}
        )
    if result.appeals:
        parts.append(_("An appeal against an evaluation grade awaits its written answer."))
    if result.follow_up_code:
        parts.append(_("Follow-up code of an answered anonymous opinion: %(code)s.") % {"code": result.follow_up_code})
    return " ".join(parts)
