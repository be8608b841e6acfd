"""The demo college's meeting records, written through the study services as the branch secretary would.

In the faculty branch of `demo-branch` (its secretary) and `demo-member`:
- the last 组织生活会 held gets its minutes (host, recorder, agenda, speeches, decisions), its three stages
  (study and talks before; the problems found and criticism and self-criticism during) and 整改 measures
  after it, about half of them done — one of `demo-member`'s still open, in their to-do inbox;
- the last 支部党员大会 held (the one that discussed admitting a probationary member, when there is one) gets
  its minutes and a vote record: 应到 and 实到 from the roster and the check-in, a written opinion of an absent
  member, passed or not by the one vote rule.

Built after the study demo. `records_demo_ensure` is idempotent: it writes once (when that 组织生活会 has no
整改 measure yet) and otherwise adds nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.members.models import Member
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind, Position
from dangjian.study.models import Activity, ActivityStatus, AttendanceStatus, Form, RectificationItem
from dangjian.study.selectors.records import voting_defaults
from dangjian.study.services import records as services

DEMO_MEMBER = "demo-member"

LIFE_AGENDA = [
    "支部书记代表支委会作对照检查",
    "支委成员逐一作个人对照检查",
    "党员逐一发言，开展批评和自我批评",
    "开展民主评议党员",
    "研究确定整改措施",
]
GENERAL_AGENDA = [
    "支部书记通报发展对象培养考察情况",
    "入党介绍人介绍发展对象情况",
    "与会党员讨论发表意见",
    "无记名投票表决",
]
GISTS = [
    "结合教学科研工作，查找了理论学习不够系统、联系学生不够紧密的问题，表示今后要制订学习计划并落实。",
    "对支部书记提出意见：支部活动形式可以更丰富，希望多组织到基层一线的参观考察。",
    "自我批评：参加组织生活有时因科研任务请假，今后要处理好业务工作和党的工作的关系。",
    "建议支部加强对青年教师的关心，帮助解决子女入学等实际困难。",
    "对照合格党员标准，认为自己在发挥先锋模范作用方面还有差距，今后要在课程思政上多下功夫。",
]
PROBLEMS = [
    "理论学习系统性不够，学用结合不紧密",
    "联系服务学生和青年教师不够经常",
    "支部活动形式比较单一，吸引力不强",
    "个别党员参加组织生活不够经常",
    "对困难党员的关心帮扶不够及时",
    "党员发挥先锋模范作用的载体不多",
]
MEASURES = [
    "制订个人年度学习计划，每月精读一篇原著并在党小组会上交流",
    "每位支委联系3至5名青年教师，每学期至少谈心一次",
    "每学期组织一次现场教学或参观考察，结合专业开展主题党日",
    "对请假较多的党员逐一谈心，了解原因并安排补学",
    "建立困难党员台账，逢年过节走访慰问",
    "设立党员示范岗，在课程思政和学生指导中亮身份",
]
DONE_NOTES = [
    "已完成：本年度共精读原著9篇，在党小组会上交流4次。",
    "已完成：支委分别联系青年教师16人，谈心记录已归档。",
    "已完成：组织赴革命纪念馆现场教学一次。",
]
CRITICISM = (
    "会上，支部书记代表支委会作对照检查，从理论学习、组织生活、联系群众三个方面查摆问题；支委成员逐一对照检查；"
    "党员逐一发言，坦诚开展批评和自我批评，相互提出批评意见21条，做到了红红脸、出出汗。"
)


@dataclass
class RecordsDemoResult:
    built: bool = False
    life_meeting: Activity | None = None
    general_meeting: Activity | None = None
    rectifications: int = 0
    done: int = 0


def _branch_of(user: User | None) -> Organisation | None:
    member = getattr(user, "member", None) if user is not None else None
    org = member.org if member is not None else None
    if org is not None and org.kind == OrgKind.GROUP:
        org = org.parent
    return org


def _last_held(branch: Organisation, form: str, now: datetime.datetime, prefer: str = "") -> Activity | None:
    held = Activity.objects.filter(org=branch, form=form, status=ActivityStatus.PUBLISHED, ends_at__lt=now)
    if prefer and (found := held.filter(theme__contains=prefer).order_by("-starts_at").first()):
        return found
    return held.order_by("-starts_at").first()


def _attendees(activity: Activity) -> list[Member]:
    rows = activity.attendances.filter(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])
    return [row.member for row in rows.select_related("member__org").order_by("member__name_initials", "member__pk")]


def records_demo_ensure(*, seed: int = 1, now: datetime.datetime | None = None) -> RecordsDemoResult:
    """Give the demo branch's last 组织生活会 and 支部党员大会 their records, if the former has no 整改 yet."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).exists():
        return RecordsDemoResult()
    demo = User.objects.filter(username=DEMO_MEMBER).select_related("member__org__parent").first()
    branch = _branch_of(demo)
    if branch is None:
        return RecordsDemoResult()
    life = _last_held(branch, Form.LIFE_MEETING, now)
    general = _last_held(branch, Form.GENERAL_MEETING, now, prefer="接收预备党员")
    result = RecordsDemoResult(life_meeting=life, general_meeting=general)
    if life is None or RectificationItem.objects.filter(activity=life).exists():
        return result
    term = OfficerTerm.objects.current(today).filter(org=branch, position=Position.SECRETARY).first()
    secretary = term.member if term is not None else None
    actor = secretary.user if secretary is not None and secretary.user_id else system_actor()
    rng = random.Random(seed)
    result.built = True
    _life_meeting(life, actor, secretary, demo.member, rng, now, result)
    if general is not None:
        _general_meeting(general, actor, secretary, rng, now)
    return result


def _minutes(activity: Activity, actor, secretary, agenda: list[str], rng: random.Random, now, decisions: str):
    people = [m for m in _attendees(activity) if secretary is None or m.pk != secretary.pk]
    speakers = rng.sample(people, min(4, len(people)))
    services.minutes_save(
        actor=actor,
        activity=activity,
        agenda="\n".join(agenda),
        host=secretary,
        host_name="" if secretary else "支部书记",
        recorder=people[0] if people else None,
        recorder_name="" if people else "组织委员",
        decisions=decisions,
        speeches=[services.Speech(gist=GISTS[i % len(GISTS)], speaker=m) for i, m in enumerate(speakers)],
        now=now,
    )


def _life_meeting(life, actor, secretary, demo_member, rng, now, result) -> None:
    today = timezone.localdate(now)
    meeting_day = timezone.localdate(life.starts_at)
    _minutes(
        life, actor, secretary, LIFE_AGENDA, rng, now, "会议确定整改措施6项，明确责任人和完成时限，由组织委员跟踪落实。"
    )
    services.life_meeting_save(
        actor=actor,
        activity=life,
        study_done=True,
        study_note="会前组织集中学习两次，学习党章党规和上级关于开好组织生活会的通知，广泛征求党员群众意见12条。",
        talks_done=True,
        talks_note="支委之间、支委与党员之间、党员之间普遍开展谈心谈话，共谈心38人次。",
        problems="\n".join(PROBLEMS),
        criticism=CRITICISM,
    )
    members = [m for m in _attendees(life) if m.org is not None and m.org.path.startswith(life.org.path)]
    owners = [secretary, *rng.sample(members, min(4, len(members)))] if secretary else members[:5]
    items = []
    for i, (problem, measure) in enumerate(zip(PROBLEMS, MEASURES, strict=True)):
        owner = demo_member if i == len(PROBLEMS) - 1 and demo_member is not None else owners[i % len(owners)]
        if i == len(PROBLEMS) - 1:  # the demo member's, still open and not yet due: in their inbox
            due = max(today + datetime.timedelta(days=20), meeting_day)
        else:
            due = meeting_day + datetime.timedelta(days=60 + 45 * i)
        items.append(
            services.rectification_add(
                actor=actor, activity=life, problem=problem, measure=measure, owner=owner, due_on=due
            )
        )
    # About half done (the earliest three), one open past its due day, the demo member's open.
    for item, note in zip(items[:3], DONE_NOTES, strict=True):
        done_on = min(item.due_on - datetime.timedelta(days=rng.randint(3, 20)), today)
        services.rectification_done(actor=actor, item=item, done_on=max(done_on, meeting_day), note=note, today=today)
    result.rectifications = len(items)
    result.done = 3


def _general_meeting(general, actor, secretary, rng, now) -> None:
    name = "陈" + rng.choice(["晓雯", "思远", "一鸣", "佳怡"])
    _minutes(
        general,
        actor,
        secretary,
        GENERAL_AGENDA,
        rng,
        now,
        f"同意接收{name}同志为中共预备党员，报学院党委审批。",
    )
    entitled, present = voting_defaults(general)
    written = 1 if entitled > present else 0
    services.vote_record_add(
        actor=actor,
        activity=general,
        item=f"接收{name}同志为中共预备党员",
        matter="admit",
        yes=max(present - 1, 0),
        abstain=1 if present else 0,
        written_yes=written,
        now=now,
    )


def records_demo_summary(result: RecordsDemoResult) -> str:
    """One line for the demo command."""
    if not result.built or result.life_meeting is None:
        return ""
    return _(
        "Meeting records: “%(life)s” has its minutes, stages and %(items)d rectification measures (%(done)d done); "
        "the general meeting “%(general)s” has a vote record."
    ) % {
        "life": result.life_meeting.theme,
        "items": result.rectifications,
        "done": result.done,
        "general": result.general_meeting.theme if result.general_meeting else "—",
    }
