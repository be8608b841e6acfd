"""The demo college's democratic evaluation and recognition, built through the evaluation services.

The faculty branch of the demo accounts `demo-branch` (its secretary) and `demo-member` gets:
- last year's campaign, closed: self-assessments, secret ballots, the committee's proposal, the general
  meeting's decision (held in January, as the branches' 组织生活会 is), and published results, one
  基本合格 with its required talk on the care to-do list and an improvement plan;
- this year's campaign, open in the mutual evaluation, where about half of the full members have voted
  and `demo-member` has not, so the secret ballot and its receipt can be tried at once;
- a few recognitions (工作骨干, 业务能手, 先锋模范, 创新成果), one of them `demo-member`'s.

Deterministic for a seed. `evaluation_demo_ensure` is idempotent: it builds the data when the branch
has no campaign yet, and otherwise adds nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.demo import clock
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.evaluation import rules, services
from dangjian.evaluation.models import Campaign, Participant, Recognition
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.services import BallotRating
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind, Position

DEMO_MEMBER = "demo-member"
VOTED_SHARE = 0.55  # of the open campaign's full members, demo accounts aside

ANALYSES = [
    "对照党章和合格党员标准，本人能够坚定理想信念，认真完成教学科研任务；不足是理论学习系统性不够，今后将制订自学计划，按时参加组织生活。",
    "一年来坚持学习党的创新理论，积极参与学院学科建设；在联系学生、关心青年教师方面做得还不够，今后要多谈心、多帮扶。",
    "能够发挥党员先锋模范作用，承担本科核心课程教学；存在重业务、轻政治学习的倾向，今后要把理论学习融入教学科研。",
]
RECOGNITIONS = [
    ("backbone", "学院教学工作骨干", "连续三年承担本科核心课程教学，学生评教优秀。"),
    ("expert", "校级青年教师教学竞赛一等奖", "在学校第十届青年教师教学竞赛中获一等奖。"),
    ("model", "优秀共产党员", "带领课题组完成国家社科基金项目，热心指导学生党员。"),
    ("innovation", "课程思政教学改革成果", "主持的课程思政示范课程获省级认定，形成可推广的教学案例。"),
    ("innovation", "社会调查方法创新", "开发乡村振兴田野调查方法并在三个县推广应用。"),
]


@dataclass
class EvaluationDemoResult:
    built: bool = False
    branch: Organisation | None = None
    closed: Campaign | None = None
    open: Campaign | None = None
    ballots: int = 0
    recognitions: int = 0


def _branch_of(user: User | None) -> Organisation | None:
    member = getattr(user, "member", None) if user is not None else None
    org = member.org if member is not None else None
    if org is not None and org.kind == OrgKind.GROUP:
        org = org.parent
    return org


def _secretary(branch: Organisation, today: datetime.date) -> User | None:
    term = (
        OfficerTerm.objects.current(today)
        .filter(org=branch, position=Position.SECRETARY)
        .select_related("member__user")
        .first()
    )
    return term.member.user if term is not None and term.member.user_id else None


def evaluation_demo_ensure(*, seed: int = 1, today: datetime.date | None = None) -> EvaluationDemoResult:
    """Give the demo member's branch its evaluation campaigns and some recognition, if it has none."""
    today = today or timezone.localdate()
    if not Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).exists():
        return EvaluationDemoResult()
    branch = _branch_of(User.objects.filter(username=DEMO_MEMBER).select_related("member__org__parent").first())
    if branch is None:
        return EvaluationDemoResult()
    if Campaign.objects.filter(org=branch).exists():
        return EvaluationDemoResult(
            branch=branch,
            closed=Campaign.objects.filter(org=branch, phase=Phase.CLOSED).order_by("-year").first(),
            open=Campaign.objects.filter(org=branch).exclude(phase=Phase.CLOSED).order_by("-year").first(),
        )
    rng = random.Random(seed)
    secretary = _secretary(branch, today) or system_actor()  # the branch's secretary acts, if it has one
    result = EvaluationDemoResult(built=True, branch=branch)
    result.recognitions = _recognitions(branch, secretary, rng, today)
    result.closed = _closed_campaign(branch, secretary, rng, today, result)
    result.open = _open_campaign(branch, secretary, rng, today, result)
    return result


def evaluation_demo_summary(result: EvaluationDemoResult) -> str:
    """One line for the demo command."""
    if not result.built or result.open is None:
        return ""
    return _(
        "Democratic evaluation: %(branch)s has last year's campaign closed with results and this year's open "
        "for voting (%(ballots)d ballots so far; demo-member has not voted); %(recognitions)d recognitions."
    ) % {
        "branch": result.branch.name,
        "ballots": result.open.ballots.count(),
        "recognitions": result.recognitions,
    }


def _ballot(rng: random.Random, campaign: Campaign, voter: Participant, subjects: list[Participant]) -> dict:
    ratings = {}
    for subject in subjects:
        if subject.pk == voter.pk:
            continue
        base = rng.choice([3, 4, 4, 4, 5, 5])
        scores = {code: max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1]))) for code in rules.CRITERION_CODES}
        grade = ""
        if subject.is_full:
            grade = rng.choices([Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC], weights=[25, 70, 5])[0]
        ratings[subject.member_id] = BallotRating(scores=scores, grade=grade)
    return ratings


def _self_assess(rng: random.Random, campaign: Campaign, participants: list[Participant], share: float) -> None:
    for participant in participants:
        user = participant.member.user
        if user is None or rng.random() > share:
            continue
        services.self_assessment_submit(
            actor=user,
            campaign=campaign,
            scores={code: rng.choice([3, 4, 4, 5]) for code in rules.CRITERION_CODES},
            comments={"innovation": "尝试将新的教学方法引入课堂。"} if rng.random() < 0.3 else {},
            analysis=rng.choice(ANALYSES),
        )


def _vote(rng: random.Random, campaign: Campaign, voters: list[Participant], everyone: list[Participant]) -> int:
    cast = 0
    for voter in voters:
        if voter.member.user is None:
            continue
        services.ballot_cast(
            actor=voter.member.user, campaign=campaign, ratings=_ballot(rng, campaign, voter, everyone)
        )
        cast += 1
    return cast


def _participants(campaign: Campaign) -> list[Participant]:
    return list(campaign.participants.select_related("member__user").order_by("member__name", "member_id"))


def _closed_campaign(branch, secretary, rng, today, result) -> Campaign:
    year = today.year - 1
    started = datetime.date(year, 12, 1)
    meeting_on = min(datetime.date(today.year, 1, 12), today)
    campaign = services.campaign_create(actor=secretary, org=branch, year=year, today=started)
    campaign = services.campaign_advance(actor=secretary, campaign=campaign)  # self-assessment
    everyone = _participants(campaign)
    _self_assess(rng, campaign, everyone, share=0.8)
    campaign = services.campaign_advance(actor=secretary, campaign=campaign)  # mutual evaluation
    full = [p for p in everyone if p.is_full]
    result.ballots += _vote(rng, campaign, [p for p in full if rng.random() < 0.85], everyone)
    campaign = services.campaign_advance(actor=secretary, campaign=campaign)  # proposal
    basic = next(p for p in full if p.member.user is None or p.member.user.username not in _demo_names())
    excellent = {p.member_id for p in rng.sample(full, max(1, len(full) // 5)) if p.pk != basic.pk}
    grades = {p.member_id: Grade.EXCELLENT if p.member_id in excellent else Grade.QUALIFIED for p in full}
    grades[basic.member_id] = Grade.BASIC
    services.proposal_submit(
        actor=secretary,
        campaign=campaign,
        grades=grades,
        notes={basic.member_id: "全年缺席组织生活较多，学习记录不足。"},
    )
    campaign = services.campaign_advance(actor=secretary, campaign=campaign)  # decision
    entitled = len(full)
    services.decision_record(
        actor=secretary,
        campaign=campaign,
        meeting_on=meeting_on,
        entitled=entitled,
        attended=entitled - max(1, entitled // 10),
        note="支部党员大会审议支委会提出的评定意见，表决通过。",
        today=meeting_on,
    )
    mark = clock.notice_mark()
    campaign = services.campaign_advance(actor=secretary, campaign=campaign, today=meeting_on)  # closed, published
    clock.date_notices(mark, clock.moment(meeting_on, 17, rng.randrange(60), rng.randrange(60)))
    basic_result = campaign.results.get(member_id=basic.member_id)
    services.improvement_plan_create(
        actor=secretary,
        result=basic_result,
        content="按时参加主题党日和党小组会；每月自学不少于4学时并撰写心得；支部书记每季度谈心一次。",
        deadline=meeting_on + datetime.timedelta(days=180),
    )
    return campaign


def _demo_names() -> set[str]:
    from dangjian.demo.plan import DEMO_USERNAMES

    return set(DEMO_USERNAMES)


def _open_campaign(branch, secretary, rng, today, result) -> Campaign:
    campaign = services.campaign_create(actor=secretary, org=branch, year=today.year, today=today)
    campaign = services.campaign_advance(actor=secretary, campaign=campaign)  # self-assessment
    everyone = _participants(campaign)
    _self_assess(
        rng,
        campaign,
        [p for p in everyone if p.member.user is None or p.member.user.username != DEMO_MEMBER],
        share=0.5,
    )
    campaign = services.campaign_advance(actor=secretary, campaign=campaign)  # mutual evaluation
    names = _demo_names()
    voters = [
        p
        for p in everyone
        if p.is_full
        and p.member.user is not None
        and p.member.user.username not in names
        and rng.random() < VOTED_SHARE
    ]
    result.ballots += _vote(rng, campaign, voters, everyone)
    return campaign


def _recognitions(branch, secretary, rng, today) -> int:
    from dangjian.members.models import Member

    members = list(Member.objects.current().filter(org__path__startswith=branch.path).select_related("org", "user"))
    demo_member = next((m for m in members if m.user_id and m.user.username == DEMO_MEMBER), None)
    chosen = rng.sample([m for m in members if m is not demo_member], min(len(RECOGNITIONS) - 1, len(members) - 1))
    if demo_member is not None:
        chosen.insert(0, demo_member)
    for index, (member, (kind, title, evidence)) in enumerate(zip(chosen, RECOGNITIONS, strict=False)):
        services.recognition_create(
            actor=secretary,
            member=member,
            org=branch,
            kind=kind,
            title=title,
            evidence=evidence,
            awarded_on=today - datetime.timedelta(days=40 + 61 * index),
        )
    return Recognition.objects.filter(member__org__path__startswith=branch.path).count()
