"""The demo college's study data: semesters and directives, the committee's published plan with
the branches' required items, a year of activities with realistic attendance, leave and make-up,
self-study with reflections and reading lists, and upcoming activities — one of them open for
check-in at the moment the demo is started, so the QR flow can be tried at once.

Deterministic for a seed and a moment ("now"). Built after the college itself, in one transaction:
the committee-level writes (semesters, directives, plans, activities) go through the study
services, with the committee's or the branch's secretary as the actor; attendance, leave,
make-up and self-study rows are written in bulk the way the services write them, audit events
included, because hundreds of activities checked in one member at a time would take too long.

`study_demo_ensure` is idempotent: it builds the data when the demo committee has no semester
yet, and otherwise adds nothing — except that the activity kept open for check-in ("try it")
is moved to start ten minutes from now, with its check-ins cleared, once an earlier one is over.
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.core import audit
from dangjian.core.calendar import WorkingCalendar, working_calendar
from dangjian.core.models import AuditEvent
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.members.audience import Audience, in_audience
from dangjian.members.models import Category, Member, Membership, SpecialSituation
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Form,
    LeaveRequest,
    MakeUp,
    MakeUpStatus,
    Organiser,
    PlanItem,
    ReadingItem,
    ReadingList,
    RequestStatus,
    SelfStudy,
    Semester,
    StudyPlan,
)
from dangjian.study.rules import attendance as attendance_rules
from dangjian.study.rules import selfstudy as selfstudy_rules
from dangjian.study.rules.plans import month_start
from dangjian.study.services import activities as activity_services
from dangjian.study.services import plans as plan_services

# The activity kept open for check-in when the demo starts: found again by its organiser and theme.
TRY_IT_THEME = "集中学习：学习贯彻党的二十届四中全会精神（扫码签到体验）"
TRY_IT_STARTS_IN = datetime.timedelta(minutes=10)
TRY_IT_LENGTH = datetime.timedelta(hours=2)
UPCOMING_DAYS = 30  # upcoming activities are published this far ahead; later ones exist only in the plans

STAFF, RETIRED, STUDENTS = "staff", "retired", "students"


@dataclass
class StudyDemoResult:
    built: bool = False
    semesters: int = 0
    activities: int = 0
    attendances: int = 0
    make_ups: int = 0
    self_studies: int = 0
    try_it: Activity | None = None
    try_it_moved: bool = False


def study_demo_ensure(*, seed: int = 1, now: datetime.datetime | None = None) -> StudyDemoResult:
    """Give the demo college its study data if it has none; keep the "try it" activity open."""
    now = now or timezone.now()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None:
        return StudyDemoResult()
    if Semester.objects.filter(committee=committee).exists():
        return _keep_try_it_open(committee, now)
    return _build(committee, seed=seed, now=now)


def study_demo_summary(result: StudyDemoResult) -> str:
    """One line for the demo command: what was built, and where check-in can be tried now."""
    parts = []
    if result.built:
        parts.append(
            _(
                "Study data: %(semesters)d semesters, %(activities)d activities with %(attendances)d attendance "
                "records and %(make_ups)d make-ups, %(self_studies)d self-study entries."
            )
            % {
                "semesters": result.semesters,
                "activities": result.activities,
                "attendances": result.attendances,
                "make_ups": result.make_ups,
                "self_studies": result.self_studies,
            }
        )
    activity = result.try_it
    if activity is not None and (result.built or result.try_it_moved):
        parts.append(
            _("Check-in is open for “%(theme)s” of %(org)s until %(time)s.")
            % {
                "theme": activity.theme,
                "org": activity.org.name,
                "time": date_format(timezone.localtime(activity.check_in_closes_at), "DATETIME_FORMAT"),
            }
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Dates


def _semesters(today: datetime.date) -> list[dict]:
    """The previous and the current semester. A semester here runs with its holiday: the first
    from August to January, the second from February to July."""

    def first(year: int) -> dict:
        teaching = _weekday_on_or_after(datetime.date(year, 9, 1), 0)
        return {
            "name": f"{year}—{year + 1}学年第一学期",
            "starts_on": datetime.date(year, 8, 1),
            "ends_on": datetime.date(year + 1, 1, 31),
            "teaching_starts_on": teaching,
            "exams_start_on": teaching + datetime.timedelta(weeks=17),
            "season": f"{year}年秋季学期",
        }

    def second(year: int) -> dict:
        teaching = _weekday_on_or_after(datetime.date(year + 1, 2, 24), 0)
        return {
            "name": f"{year}—{year + 1}学年第二学期",
            "starts_on": datetime.date(year + 1, 2, 1),
            "ends_on": datetime.date(year + 1, 7, 31),
            "teaching_starts_on": teaching,
            "exams_start_on": teaching + datetime.timedelta(weeks=17),
            "season": f"{year + 1}年春季学期",
        }

    if today.month >= 8:
        return [second(today.year - 1), first(today.year)]
    if today.month == 1:
        return [second(today.year - 2), first(today.year - 1)]
    return [first(today.year - 1), second(today.year - 1)]


def _weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(month: datetime.date, week: int, weekday: int, calendar: WorkingCalendar) -> datetime.date:
    """The `week`-th given weekday of the month, or the next working day if that is a holiday."""
    day = _weekday_on_or_after(month, weekday) + datetime.timedelta(weeks=week - 1)
    return calendar.next_working_day(day)


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


# ---------------------------------------------------------------------------------------------
# What the college studies: the themes of the month (the essay's forms, the Party calendar)


def _theme_day(month: int, year: int) -> tuple[str, str] | None:
    """(form, theme) of a branch's monthly 主题党日, every month (the holidays' held online or before the break)."""
    anniversary = year - 1921
    return {
        9: (Form.THEME_DAY, "开学第一课：学习习近平总书记关于教育的重要论述"),
        10: (Form.THEME_DAY, "缅怀革命先烈 传承红色基因——烈士纪念日主题党日"),
        11: (Form.THEME_DAY, "学习贯彻党的二十届四中全会精神"),
        12: (Form.THEME_DAY, "学习宪法 弘扬宪法精神——国家宪法日主题党日"),
        1: (Form.THEME_DAY, "寒假前主题党日：学习党的纪律规定，安排假期自学"),
        2: (Form.THEME_DAY, "新学期主题党日：学习全国教育大会精神"),
        7: (Form.THEME_DAY, "暑期前主题党日：学习党纪学习教育读本"),
        8: (Form.THEME_DAY, "线上主题党日：交流暑期社会实践和学习体会"),
        3: (Form.THEME_DAY, "学习贯彻全国两会精神"),
        4: (Form.THEME_DAY, "军事生活日：重温入党誓词，锤炼党性作风"),
        5: (Form.THEME_DAY, "弘扬五四精神 青春建功新时代"),
        6: (Form.THEME_DAY, f"庆祝中国共产党成立{anniversary}周年：重温入党誓词"),
    }.get(month)


GENERAL_MEETING_THEMES = {
    3: "支部党员大会：通报本学期学习教育计划，讨论党员发展工作",
    6: "支部党员大会：讨论预备党员转正，总结本学期支部工作",
    9: "支部党员大会：通报本学期学习教育计划，部署支部工作",
    12: "支部党员大会：支部年度工作总结，讨论接收预备党员",
}
COMMITTEE_MEETING_THEMES = [
    "研究部署本月支部工作",
    "研究主题党日活动方案",
    "讨论确定入党积极分子和发展对象",
    "研究党员学习教育情况和补学安排",
    "讨论预备党员转正事宜",
    "研究党费收缴和困难党员帮扶工作",
    "研究年度组织生活会准备工作",
]
GROUP_MEETING_THEMES = [
    "党小组学习交流：结合教学科研谈学习体会",
    "党小组会：学习《中国共产党章程》",
    "党小组会：学习《中国共产党纪律处分条例》",
    "党小组会：交流自学心得",
    "党小组会：讨论支部工作意见建议",
]
FILM_MONTHS = {10: "收看党员教育专题片《榜样》", 5: "收看党员教育专题片《红色气质》"}
LECTURE_MONTHS = {
    3: "党课：学习《中国共产党章程》",
    5: "支部书记讲党课：以党的创新理论凝心铸魂",
    9: "党课：弘扬教育家精神，做新时代大先生",
    11: "支部书记讲党课：坚定理想信念，做新时代合格党员",
}
# The yearly 组织生活会 (with 民主评议党员), held in January for the year before.
LIFE_MEETING = (Form.LIFE_MEETING, "召开年度组织生活会，开展民主评议党员")
# The months without term: what is held then is held late in the month, when the break is over.
HOLIDAY_MONTHS = (2, 8)

# Organisational life as the committee sees it: most branches keep the rhythm; the branch of this
# demo secretary holds no theme day in the summer and excuses it (demo/compliance.py writes the
# excuses), and one faculty branch with a committee missed its 支委会 in the two months before this one.
SUMMER_EXCUSE_SECRETARY = "demo-student-branch"
SUMMER_MONTHS = (7, 8)
MISSED_COMMITTEE_MEETINGS = 2


def missed_months(today: datetime.date) -> tuple[datetime.date, ...]:
    """The first days of the months in which the short branch held no 支委会."""
    month = month_start(today)
    found = []
    for _i in range(MISSED_COMMITTEE_MEETINGS):
        month = month_start(month - datetime.timedelta(days=1))
        found.append(month)
    return tuple(reversed(found))


def summer_months(today: datetime.date) -> tuple[datetime.date, ...]:
    """The first days of the summer months (begun by today) within the demo's year of activities."""
    start = today - datetime.timedelta(days=365)
    return tuple(m for m in _months(start, today) if m.month in SUMMER_MONTHS and m <= today)


def _committee_items(semester: Semester, first: bool, calendar: WorkingCalendar) -> list[dict]:
    """The committee's own items of a semester: a report, a visit and a Party lecture for students."""
    year = semester.starts_on.year if first else semester.ends_on.year
    months = (10, 11, 12) if first else (4, 5, 6)
    report, visit, lecture = (datetime.date(year, m, 1) for m in months)
    return [
        {
            "month": report,
            "planned_on": _nth_weekday(report, 3, 3, calendar),
            "theme": "专题报告会：学校党委宣讲团宣讲党的创新理论",
            "form": Form.REPORT,
            "audience": Audience.ALL,
            "planned_minutes": 120,
        },
        {
            "month": visit,
            "planned_on": _nth_weekday(visit, 2, 4, calendar),
            "theme": "参观考察：赴本市革命历史纪念馆开展现场教学",
            "form": Form.VISIT,
            "audience": Audience.STUDENTS,
            "planned_minutes": 180,
        },
        {
            "month": lecture,
            "planned_on": _nth_weekday(lecture, 2, 1, calendar),
            "theme": "党委书记为学生党员讲党课：青年学生如何树立正确的理想信念",
            "form": Form.LECTURE,
            "audience": Audience.STUDENTS,
            "planned_minutes": 90,
        },
    ]


def _every_branch_items(semester: Semester) -> list[dict]:
    items = []
    for month in _months(semester.starts_on, semester.ends_on):
        if theme := _theme_day(month.month, month.year):
            form, text = theme
            items.append(
                {
                    "month": month,
                    "theme": text,
                    "form": form,
                    "regular": form == Form.THEME_DAY,
                    "planned_minutes": 120,
                }
            )
        if month.month == 1:
            form, text = LIFE_MEETING
            items.append({"month": month, "theme": text, "form": form, "planned_minutes": 150})
        if month.month in GENERAL_MEETING_THEMES:
            items.append(
                {
                    "month": month,
                    "theme": GENERAL_MEETING_THEMES[month.month],
                    "form": Form.GENERAL_MEETING,
                    "planned_minutes": 90,
                }
            )
        if month.month in FILM_MONTHS:
            items.append({"month": month, "theme": FILM_MONTHS[month.month], "form": Form.FILM, "planned_minutes": 90})
        if month.month in LECTURE_MONTHS:
            items.append(
                {"month": month, "theme": LECTURE_MONTHS[month.month], "form": Form.LECTURE, "planned_minutes": 90}
            )
    for item in items:
        item["organiser"] = Organiser.EVERY_BRANCH
    return items


def _directive(semester: Semester, season: str, first: bool) -> dict:
    end = semester.ends_on
    if first:
        items = [
            {
                "title": "以主题党日形式组织学习党的二十届四中全会精神",
                "form": Form.THEME_DAY,
                "deadline": datetime.date(end.year - 1, 11, 30),
            },
            {
                "title": "支部书记为本支部党员讲一次党课",
                "form": Form.LECTURE,
                "deadline": datetime.date(end.year - 1, 12, 31),
            },
            {
                "title": "召开年度组织生活会，开展民主评议党员",
                "form": Form.LIFE_MEETING,
                "deadline": datetime.date(end.year, 1, 20),
            },
        ]
    else:
        items = [
            {"title": "组织党员学习全国两会精神", "form": Form.THEME_DAY, "deadline": datetime.date(end.year, 3, 31)},
            {
                "title": "支部书记为本支部党员讲一次党课",
                "form": Form.LECTURE,
                "deadline": datetime.date(end.year, 5, 31),
            },
            {
                "title": "开展庆祝建党纪念日主题党日活动",
                "form": Form.THEME_DAY,
                "deadline": datetime.date(end.year, 6, 30),
            },
        ]
    return {
        "title": f"关于开展{season}党员学习教育的通知",
        "issued_by": "校党委组织部",
        "issued_on": semester.teaching_starts_on - datetime.timedelta(days=12),
        "body": (
            "各二级党委：\n"
            f"为深入推进党员经常性学习教育，现就{season}党员学习教育工作通知如下：各单位要结合实际制定"
            "学期学习教育计划，坚持集中学习与个人自学相结合，落实“三会一课”、主题党日等制度，"
            "加强对教工党员自学的指导，按时完成以下规定项目，并于学期末报送学习教育工作总结。"
        ),
        "items": items,
    }


LEAVE_REASONS = {
    STAFF: ["外出参加学术会议", "承担本科教学任务，时间冲突", "带学生外出实习", "家中有事", "身体不适，需就医"],
    RETIRED: ["身体不适，需就医", "外出探亲", "家中有事"],
    STUDENTS: ["课程时间冲突", "外出参加学科竞赛", "在外地实习", "身体不适", "参加学院统一安排的活动"],
}
SUMMARIES = {
    Form.THEME_DAY: "本次主题党日活动主题鲜明、形式多样，党员参与积极，达到了预期效果。",
    Form.LIFE_MEETING: "会上支部书记代表支委会作对照检查，党员逐一开展批评和自我批评，并完成民主评议党员。",
    Form.GENERAL_MEETING: "会议程序规范，议题按规定提交党员大会讨论决定。",
    Form.COMMITTEE_MEETING: "支委会研究了本月工作，明确了分工和时间安排。",
    Form.GROUP_MEETING: "党小组成员结合各自工作交流了学习体会。",
    Form.LECTURE: "党课内容联系实际，党员反映收获很大。",
    Form.FILM: "收看专题片后，党员们进行了简短交流。",
    Form.REPORT: "报告内容深入浅出，师生党员反响热烈。",
    Form.VISIT: "通过现场教学，党员们接受了一次深刻的党性教育。",
}
MAKE_UP_REFLECTIONS = [
    "因故未能参加本次活动，事后认真学习了会议材料和相关文件，对活动主题有了进一步认识，今后将合理安排时间，按时参加组织生活。",
    "通过补学，系统学习了本次活动的学习材料，结合自身实际作了思考，认识到经常性学习对党员的重要意义。",
    "补学了活动的全部材料，并向支部书记汇报了学习体会，今后将更加自觉地参加集体学习。",
    "认真阅读了会议记录和学习材料，对照检查了自身在学习上的不足，决心在今后的工作中加以改进。",
]

SELF_STUDY_TITLES = [
    "《习近平谈治国理政》第五卷",
    "《中国共产党章程》",
    "《中国共产党纪律处分条例》",
    "《求是》杂志本期文章",
    "学习强国：党史专题课程",
    "《中国共产党简史》",
    "《习近平关于教育的重要论述》",
    "党的二十届四中全会公报",
    "《中国共产党党员教育管理工作条例》",
    "《论党的自我革命》",
]

# Reflections written for the demo, each different; PAIR is copied with small changes.
REFLECTIONS = [
    "重读党章，最深的感受是党员的权利和义务是统一的。作为高校教师，履行义务首先体现在课堂上：讲好每一节课，"
    "把立德树人落到实处，把教书和育人统一起来，这是教工党员最基本也最重要的责任。",
    "学习《习近平关于教育的重要论述》，对“培养什么人、怎样培养人、为谁培养人”这一根本问题有了更系统的理解。"
    "结合社会学专业教学，我准备在调查方法课中增加社会调查与国情教育相结合的内容。",
    "四中全会公报篇幅不长，但信息量很大。我重点学习了关于教育科技人才的部分，感到高校在建设教育强国中责任重大，"
    "作为青年教师要在科研选题上更多面向国家需要，少做“纸面文章”。",
    "《纪律处分条例》的学习让我对“六项纪律”有了清醒认识。过去总觉得纪律离自己很远，其实科研经费使用、"
    "学术规范、师德师风都与纪律相关，必须时刻绷紧这根弦。",
    "读《中国共产党简史》改革开放一章，印象最深的是“解放思想、实事求是”。哲学系的教师更应当把马克思主义的"
    "世界观和方法论用到教学中，引导学生学会独立思考、理性分析社会现象。",
    "这个月利用晚上的时间学习了学习强国上的党史课程，每天半小时左右，形成了习惯。碎片化学习要有计划，"
    "我给自己列了一个书单，准备按专题系统地学下去。",
    "学习《论党的自我革命》，体会到自我革命首先要从每个党员做起。在指导研究生的过程中，我也反思了自己"
    "有时只重论文数量、不够关心学生思想的问题，今后要多谈心、多交流。",
    "心理学系的学生心理健康工作压力大，学习关于教育的重要论述后，我更加认识到育人要育心，"
    "准备和辅导员一起，把心理健康教育与思想政治教育更好地结合起来。",
    "退休以后学习时间多了，每天读报、看新闻联播。学习全会精神后，我觉得老党员也要发挥余热，"
    "准备给社区的青少年讲讲我们那一代人的奋斗故事。",
    "作为学生党员，学习党章后我认识到党员身份首先意味着责任。在班级里要带头学习、带头服务同学，"
    "在毕业论文写作中恪守学术规范，不辜负入党时的誓言。",
]
PAIR = (
    "通过学习党的二十届四中全会精神，我深刻认识到全会对新时代党和国家事业发展作出的战略部署意义重大。"
    "作为一名高校教工党员，要把全会精神融入课堂教学和科学研究之中，立足岗位，"
    "以实际行动推动学院各项事业高质量发展。",
    "通过学习党的二十届四中全会精神，我深刻认识到全会对新时代党和国家事业发展作出的战略部署意义重大！"
    "作为一名高校教工党员，要把全会精神融入到课堂教学和科学研究之中，立足本职岗位，"
    "以实际行动推动学院各项事业高质量发展。",
)

DEVICES = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50",
    "Mozilla/5.0 (Linux; Android 14; HUAWEI Mate 60) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Xiaomi 14) AppleWebKit/537.36 Chrome/127.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; OPPO Reno10) AppleWebKit/537.36 Chrome/125.0 Mobile Safari/537.36",
]


# ---------------------------------------------------------------------------------------------
# The college as it was on each day


@dataclass
class _Person:
    id: int
    number: str
    name: str
    category: str
    user: User | None
    memberships: list[tuple[datetime.date, datetime.date | None, str]] = field(default_factory=list)
    exempt: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)
    offices: list[tuple[datetime.date, datetime.date | None, str]] = field(default_factory=list)

    def path_on(self, day: datetime.date) -> str | None:
        for since, until, path in reversed(self.memberships):
            if since <= day and (until is None or day <= until):
                return path
        return None

    def exempt_on(self, day: datetime.date) -> bool:
        return any(since <= day and (until is None or day <= until) for since, until in self.exempt)

    def officer_on(self, day: datetime.date, under: str) -> bool:
        return any(
            since <= day and (until is None or day <= until) and path.startswith(under)
            for since, until, path in self.offices
        )


@dataclass
class _Held:
    """An activity in the making, with what became of its attendees."""

    activity: Activity
    actor: User
    rows: list[Attendance] = field(default_factory=list)
    leaves: list[LeaveRequest] = field(default_factory=list)
    minutes: str = ""


def _place(org: Organisation, form: str) -> str:
    if form == Form.VISIT:
        return "本市革命历史纪念馆"
    if org.kind == OrgKind.COMMITTEE:
        return "学院报告厅"
    if org.kind == OrgKind.GROUP:
        return f"{org.parent.name if org.parent_id else ''}党员活动室"
    return f"学院楼{chr(65 + org.pk % 3)}{301 + org.pk % 20}会议室"


def _style_of(person: "_Person") -> str:
    if person.category == Category.RETIRED:
        return RETIRED
    if person.category in (Category.UNDERGRADUATE, Category.GRADUATE):
        return STUDENTS
    return STAFF


class _Builder:
    def __init__(self, committee: Organisation, seed: int, now: datetime.datetime) -> None:
        self.committee = committee
        self.rng = random.Random(f"dangjian-demo-study-{seed}")
        self.now = now
        self.today = timezone.localdate(now)
        self.calendar = working_calendar()
        self.events: list[AuditEvent] = []
        subtree = (
            Organisation.objects.active()
            .filter(path__startswith=committee.path)
            .select_related("parent")
            .order_by("path")
        )
        self.orgs = list(subtree)
        self.branches = [o for o in self.orgs if o.kind == OrgKind.BRANCH]
        self.groups = defaultdict(list)
        for org in self.orgs:
            if org.kind == OrgKind.GROUP:
                self.groups[org.parent_id].append(org)
        self._load_people()
        self.secretary_user = User.objects.filter(username="demo-committee").first()
        self.result = StudyDemoResult(built=True)
        self.forced: dict[tuple[int, int], str] = {}

    def _load_people(self) -> None:
        path = self.committee.path
        users = {u.pk: u for u in User.objects.filter(member__memberships__org__path__startswith=path).distinct()}
        members = Member.objects.filter(memberships__org__path__startswith=path).distinct().order_by("number")
        self.people = {
            m.pk: _Person(m.pk, m.number, m.name, m.category, users.get(m.user_id))
            for m in members.only("pk", "number", "name", "category", "user_id")
        }
        for row in (
            Membership.objects.filter(member_id__in=self.people)
            .order_by("since", "pk")
            .values_list("member_id", "since", "until", "org__path")
        ):
            self.people[row[0]].memberships.append(row[1:])
        for member_id, since, until in SpecialSituation.objects.filter(member_id__in=self.people).values_list(
            "member_id", "since", "until"
        ):
            self.people[member_id].exempt.append((since, until))
        self.terms = list(
            OfficerTerm.objects.filter(org__path__startswith=path).select_related("org").order_by("since", "pk")
        )
        for term in self.terms:
            if term.member_id in self.people:
                self.people[term.member_id].offices.append((term.since, term.until, term.org.path))
        self.by_number = {p.number: p for p in self.people.values()}

    # -- helpers ------------------------------------------------------------------------------

    def secretary_of(self, org: Organisation, day: datetime.date | None = None) -> _Person | None:
        day = day or self.today
        for term in reversed(self.terms):
            covers = term.since <= day and (term.until is None or day <= term.until)
            if term.org_id == org.pk and term.position == "secretary" and covers:
                return self.people.get(term.member_id)
        return None

    def has_committee(self, branch: Organisation) -> bool:
        return any(t.org_id == branch.pk and t.until is None and t.position != "secretary" for t in self.terms)

    @cached_property
    def short_branch(self) -> Organisation | None:
        """The faculty branch that missed two 支委会: the first with a committee and no demo account."""
        demo = {p.number for p in self.people.values() if p.number.startswith("demo-")}
        for branch in self.branches:
            people = {p.number for p in self.people.values() if (p.path_on(self.today) or "").startswith(branch.path)}
            if self.style(branch) == STAFF and self.has_committee(branch) and not people & demo:
                return branch
        return None

    def committee_meeting_missed(self, branch: Organisation, month: datetime.date) -> bool:
        return branch == self.short_branch and month in missed_months(self.today)

    def theme_day_excused(self, branch: Organisation, month: datetime.date) -> bool:
        if month.month not in SUMMER_MONTHS:
            return False
        secretary = self.secretary_of(branch)
        return secretary is not None and secretary.number == SUMMER_EXCUSE_SECRETARY

    def style(self, branch: Organisation) -> str:
        counts = Counter(
            p.category for p in self.people.values() if (p.path_on(self.today) or "").startswith(branch.path)
        )
        main = counts.most_common(1)[0][0] if counts else Category.FACULTY
        if main == Category.RETIRED:
            return RETIRED
        if main in (Category.UNDERGRADUATE, Category.GRADUATE):
            return STUDENTS
        return STAFF

    def expected(self, org: Organisation, audience: str, day: datetime.date) -> list[_Person]:
        """Who the services would expect: in the organiser's subtree on the day, in the audience, not exempt."""
        return [
            p
            for p in self.people.values()
            if (p.path_on(day) or "").startswith(org.path)
            and not p.exempt_on(day)
            and in_audience(audience, p.category, p.officer_on(day, org.path))
        ]

    def event(self, actor, action: str, obj, org_path: str, changes: dict) -> None:
        fields = audit.event_fields(
            actor=actor, action=action, obj=obj, org_path=org_path, changes=changes, object_repr=self._repr(obj)
        )
        self.events.append(AuditEvent(**fields))

    def _repr(self, obj) -> str:
        """What str(obj) gives, without a query per event for the member it names."""
        if isinstance(obj, MakeUp):
            obj = obj.attendance
        if isinstance(obj, Attendance):
            name = self.people[obj.member_id].name
            return f"{obj.activity} · {name} · {AttendanceStatus(obj.status).label}"
        if isinstance(obj, LeaveRequest):
            return f"{self.people[obj.member_id].name} · {obj.activity}"
        if isinstance(obj, SelfStudy):
            return f"{self.people[obj.member_id].name} · {obj.title}"
        return ""

    # -- semesters, directives, plans -----------------------------------------------------------

    def semesters_and_plans(self) -> None:
        actor = self.secretary_user or system_actor()
        self.semesters: list[Semester] = []
        self.copies: dict[tuple[int, datetime.date, str], PlanItem] = {}
        specs = _semesters(self.today)
        for index, spec in enumerate(specs):
            season = spec.pop("season")
            semester = plan_services.semester_create(actor=actor, committee=self.committee, **spec)
            self.semesters.append(semester)
            first = semester.starts_on.month == 8
            current = index == len(specs) - 1
            d = _directive(semester, season, first)
            directive = plan_services.directive_create(actor=actor, semester=semester, **d)
            directive_items = list(directive.items.order_by("deadline", "pk"))
            plan = plan_services.study_plan_create(
                actor=actor,
                org=self.committee,
                semester=semester,
                introduction=(
                    f"根据校党委组织部《{directive.title}》的部署，结合学院实际，制定本学期学习教育计划。"
                    "坚持定期学习与不定期学习相结合，集中学习与个人自学相结合：各支部每月开展一次主题党日，"
                    "按期召开支部党员大会、支委会和党小组会；学院党委组织专题报告会、参观考察，"
                    "面向学生党员讲授党课；倡导教工党员结合自身实际和工作需要，利用业余时间搞好自学。"
                ),
            )
            every_branch = _every_branch_items(semester)
            for di in directive_items:
                last = month_start(di.deadline)
                matching = [
                    item
                    for item in every_branch
                    if item["form"] == di.form and last - datetime.timedelta(days=92) < item["month"] <= last
                ]
                if matching:
                    matching[-1]["directive_item"] = di
            for item in [*every_branch, *_committee_items(semester, first, self.calendar)]:
                plan_services.plan_item_add(actor=actor, plan=plan, **item)
            plan_services.study_plan_publish(actor=actor, plan=plan)
            branch_plans = list(
                StudyPlan.objects.filter(semester=semester, org__in=self.branches).select_related("org")
            )
            if current:
                self.own_items(branch_plans)
            for branch_plan in branch_plans:
                # One branch of the current semester is still working on its plan.
                if current and branch_plan.org_id == self.branches[-1].pk:
                    continue
                secretary = self.secretary_of(branch_plan.org)
                plan_services.study_plan_publish(
                    actor=secretary.user if secretary else system_actor(), plan=branch_plan
                )
            self.committee_plan_items = getattr(self, "committee_plan_items", [])
            self.committee_plan_items += list(plan.items.filter(organiser=Organiser.SELF))
        copies = PlanItem.objects.filter(plan__semester__in=self.semesters, plan__org__in=self.branches)
        for item in copies.select_related("plan").order_by("month", "pk"):
            self.copies.setdefault((item.plan.org_id, item.month, item.form), item)
        self.result.semesters = len(self.semesters)

    def own_items(self, branch_plans: list[StudyPlan]) -> None:
        """Each branch adds one or two items of its own to the current plan."""
        semester = self.semesters[-1]
        month = month_start(self.today)
        if self.today.day >= 20 and month_start(semester.ends_on) > month:
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        month = max(month, month_start(semester.starts_on))
        for branch_plan in branch_plans:
            style = self.style(branch_plan.org)
            secretary = self.secretary_of(branch_plan.org)
            actor = secretary.user if secretary else system_actor()
            if style == STAFF:
                items = [("集中学习：结合学科建设开展专题研讨", Form.GROUP_STUDY, Audience.ALL)]
                if self.rng.random() < 0.6:
                    items.append(("参观考察：校史馆现场教学", Form.VISIT, Audience.ALL))
            elif style == RETIRED:
                items = [("送学上门：为行动不便的老党员送去学习材料", Form.GROUP_STUDY, Audience.RETIRED)]
            else:
                items = [("专题学习：青年学生党员的使命与担当", Form.GROUP_STUDY, Audience.STUDENTS)]
                if self.rng.random() < 0.5:
                    items.append(("志愿服务主题党日：走进社区开展志愿服务", Form.THEME_DAY, Audience.STUDENTS))
            for theme, form, audience in items:
                plan_services.plan_item_add(
                    actor=actor,
                    plan=branch_plan,
                    month=month,
                    theme=theme,
                    form=form,
                    audience=audience,
                    planned_minutes=120,
                )

    # -- the schedule ---------------------------------------------------------------------------

    def schedule(self) -> list[dict]:
        """Every activity from a year ago to a month ahead, by branch and kind."""
        start = self.today - datetime.timedelta(days=365)
        end = self.today + datetime.timedelta(days=UPCOMING_DAYS)
        planned = []
        for i, branch in enumerate(self.branches):
            style = self.style(branch)
            if style == STAFF:
                slot, weekday, week = ("14:30", "16:30"), (2, 3, 4)[i % 3], 2 + i % 2
            elif style == RETIRED:
                slot, weekday, week = ("09:30", "11:00"), 1, 2
            else:
                slot, weekday, week = ("19:00", "20:30"), (1, 3)[i % 2], 2 + i % 2
            committee = self.has_committee(branch)
            for month in _months(start, end):
                m = month.month
                late = m in HOLIDAY_MONTHS
                if m == 1:
                    day = _nth_weekday(month, 3, weekday, self.calendar)
                    planned.append(self._entry(branch, day, slot, *LIFE_MEETING, Audience.ALL, 150))
                if (theme := _theme_day(m, month.year)) and not self.theme_day_excused(branch, month):
                    # The April theme day is a 军事生活日 held just before May Day; July's before the break.
                    nth = 4 if m == 4 or late else 1 if m in (1, 7) else week
                    day = _nth_weekday(month, nth, weekday, self.calendar)
                    planned.append(self._entry(branch, day, slot, *theme, Audience.ALL, 120))
                if m in GENERAL_MEETING_THEMES:
                    day = _nth_weekday(month, 4, weekday, self.calendar)
                    planned.append(
                        self._entry(
                            branch, day, slot, Form.GENERAL_MEETING, GENERAL_MEETING_THEMES[m], Audience.ALL, 90
                        )
                    )
                if m in FILM_MONTHS:
                    day = _nth_weekday(month, 1, weekday, self.calendar)
                    planned.append(self._entry(branch, day, slot, Form.FILM, FILM_MONTHS[m], Audience.ALL, 90))
                if m in LECTURE_MONTHS:
                    day = _nth_weekday(month, 4 if m not in GENERAL_MEETING_THEMES else 3, weekday, self.calendar)
                    entry = self._entry(branch, day, slot, Form.LECTURE, LECTURE_MONTHS[m], Audience.ALL, 90)
                    if LECTURE_MONTHS[m].startswith("支部书记"):
                        entry["speaker"] = self.secretary_of(branch, day)
                    planned.append(entry)
                if committee and not self.committee_meeting_missed(branch, month):
                    day = _nth_weekday(month, 4 if late else 1, 0, self.calendar)
                    hours = ("12:10", "13:00") if style != STUDENTS else ("18:00", "18:50")
                    theme = COMMITTEE_MEETING_THEMES[(month.month + i) % len(COMMITTEE_MEETING_THEMES)]
                    planned.append(
                        self._entry(branch, day, hours, Form.COMMITTEE_MEETING, theme, Audience.OFFICERS, 50)
                    )
                for g, group in enumerate(self.groups.get(branch.pk, [])):
                    day = _nth_weekday(month, 4 if late else 3, (1 + g) % 5, self.calendar)
                    theme = GROUP_MEETING_THEMES[(month.month + g) % len(GROUP_MEETING_THEMES)]
                    entry = self._entry(group, day, ("16:00", "17:00"), Form.GROUP_MEETING, theme, Audience.ALL, 60)
                    entry["plan_org"] = branch
                    planned.append(entry)
        for item in getattr(self, "committee_plan_items", []):
            hours = ("19:00", "20:30") if item.audience == Audience.STUDENTS else ("14:30", "16:30")
            if item.form == Form.VISIT:
                hours = ("14:00", "17:00")
            entry = self._entry(self.committee, item.planned_on, hours, item.form, item.theme, item.audience, 0)
            entry["plan_item"] = item
            if item.form == Form.LECTURE:
                entry["speaker"] = self.by_number.get("demo-committee")
            else:
                entry["speaker_name"] = "学校党委宣讲团专家" if item.form == Form.REPORT else ""
            planned.append(entry)
        return [p for p in planned if start <= p["starts_at"].date() and p["starts_at"] < _at(end, "00:00")]

    def _entry(self, org, day, hours, form, theme, audience, minutes) -> dict:
        starts_at, ends_at = _at(day, hours[0]), _at(day, hours[1])
        return {
            "org": org,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "form": form,
            "theme": theme,
            "audience": audience,
            "place": _place(org, form),
        }

    # -- activities -------------------------------------------------------------------------------

    def activities(self) -> None:
        past: list[_Held] = []
        upcoming: list[_Held] = []
        for entry in sorted(self.schedule(), key=lambda e: (e["starts_at"], e["org"].path)):
            if entry["ends_at"] < self.now:
                bucket = past
            elif entry["starts_at"] > self.now + datetime.timedelta(hours=1):
                bucket = upcoming
            else:
                continue  # under way right now: the "try it" activity is the one to use
            bucket.append(self._create(entry))
        upcoming += self._extra_upcoming()
        held = past + upcoming
        for item in held:
            self._publish(item)
        for item in past:
            self._attend(item)
        self._force_demo_accounts(past)
        for item in past:
            item.minutes = self._minutes(item)
        make_ups = self._make_ups(past)
        Attendance.objects.bulk_create([row for item in held for row in item.rows], batch_size=1000)
        leaves = LeaveRequest.objects.bulk_create([leave for item in held for leave in item.leaves], batch_size=1000)
        # Asked after the announcement and before the answer (or now), not at the moment the demo is built.
        for item in held:
            for leave in item.leaves:
                leave.created_at = self._asked_at(item.activity, leave)
        LeaveRequest.objects.bulk_update(leaves, ["created_at"], batch_size=1000)
        for _item, row, make_up, _before in make_ups:
            make_up.attendance = row
        MakeUp.objects.bulk_create([make_up for _i, _r, make_up, _b in make_ups], batch_size=1000)
        self._attendance_events(held, past, make_ups)
        # The record, as `activity_record` writes it once the activity has taken place.
        for item in past:
            activity = item.activity
            activity.minutes = item.minutes
            activity.summary = SUMMARIES.get(activity.form, "")
            activity.decisions = "通过本月工作安排。" if activity.form == Form.COMMITTEE_MEETING else ""
            changes = {key: True for key in activity_services.RECORD_FIELDS if getattr(activity, key)}
            self.event(item.actor, "activity.record", activity, activity.org.path, changes)
        Activity.objects.bulk_update(
            [item.activity for item in held],
            ["status", "published_at", *activity_services.RECORD_FIELDS],
            batch_size=500,
        )
        self.result.activities = len(held)
        self.result.attendances = sum(len(item.rows) for item in held)
        self.result.make_ups = len(make_ups)

    def _asked_at(self, activity: Activity, leave: LeaveRequest) -> datetime.datetime:
        """A moment between the activity's announcement and the leave's answer (or its start, or now)."""
        start = activity.published_at or activity.starts_at
        end = min(leave.decided_at or activity.starts_at, activity.starts_at, self.now)
        if end <= start:
            return min(start, self.now)
        return start + (end - start) * self.rng.uniform(0.3, 0.95)

    def _create(self, entry: dict) -> _Held:
        org = entry["org"]
        plan_org = entry.get("plan_org", org)
        secretary = self.secretary_of(plan_org) if org.kind != OrgKind.COMMITTEE else None
        actor = secretary.user if secretary else self.secretary_user or system_actor()
        plan_item = entry.get("plan_item")
        if plan_item is None and org.kind == OrgKind.BRANCH:
            plan_item = self.copies.get((org.pk, month_start(entry["starts_at"].date()), entry["form"]))
        speaker = entry.get("speaker")
        activity = activity_services.activity_create(
            actor=actor,
            org=org,
            starts_at=entry["starts_at"],
            ends_at=entry["ends_at"],
            plan_item=plan_item,
            form=entry["form"],
            theme=plan_item.theme if plan_item is not None else entry["theme"],
            audience=entry["audience"],
            place=entry["place"],
            speaker=Member(pk=speaker.id) if speaker else None,
            speaker_name=entry.get("speaker_name", ""),
        )
        return _Held(activity=activity, actor=actor)

    def _extra_upcoming(self) -> list[_Held]:
        """The "try it" activity of the demo faculty branch, and one for the demo student's branch soon."""
        extra = []
        faculty = self._branch_of_officer("demo-branch")
        if faculty is not None:
            extra.append(self._try_it(faculty))
        student = self.by_number.get("demo-student")
        path = student.path_on(self.today) if student else None
        branch = next((b for b in self.branches if path and path.startswith(b.path)), None)
        if branch is not None:
            day = self.calendar.next_working_day(self.today + datetime.timedelta(days=2))
            entry = self._entry(
                branch,
                day,
                ("19:00", "20:30"),
                Form.GROUP_STUDY,
                "专题学习：学习党章，争做合格的学生党员",
                Audience.ALL,
                90,
            )
            entry["speaker"] = self.secretary_of(branch)
            extra.append(self._create(entry))
        return extra

    def _branch_of_officer(self, number: str) -> Organisation | None:
        person = self.by_number.get(number)
        for term in self.terms:
            if person and term.member_id == person.id and term.position == "secretary" and term.until is None:
                return term.org
        return None

    def _try_it(self, branch: Organisation) -> _Held:
        secretary = self.secretary_of(branch)
        actor = secretary.user if secretary else system_actor()
        starts_at = self.now + TRY_IT_STARTS_IN
        activity = activity_services.activity_create(
            actor=actor,
            org=branch,
            starts_at=starts_at,
            ends_at=starts_at + TRY_IT_LENGTH,
            form=Form.GROUP_STUDY,
            theme=TRY_IT_THEME,
            audience=Audience.ALL,
            place=_place(branch, Form.GROUP_STUDY),
        )
        self.result.try_it = activity
        return _Held(activity=activity, actor=actor)

    def _publish(self, item: _Held) -> None:
        """What `activity_publish` does, with the college as it was on the day."""
        activity = item.activity
        day = timezone.localdate(activity.starts_at)
        expected = self.expected(activity.org, activity.audience, day)
        lead = datetime.timedelta(days=self.rng.randint(3, 10))
        activity.status = ActivityStatus.PUBLISHED
        activity.published_at = min(activity.starts_at - lead, self.now)
        item.rows = [Attendance(activity=activity, member_id=p.id, expected=True) for p in expected]
        self.event(
            item.actor,
            "activity.publish",
            activity,
            activity.org.path,
            {"status": [ActivityStatus.DRAFT, ActivityStatus.PUBLISHED], "expected": len(expected)},
        )
        if activity.starts_at > self.now and activity.theme != TRY_IT_THEME:
            # Upcoming: now and then someone has already asked for leave, waiting for the secretary.
            for row in item.rows:
                person = self.people[row.member_id]
                if person.number.startswith("demo-") or self.rng.random() > 0.04:
                    continue
                item.leaves.append(
                    LeaveRequest(
                        activity=activity,
                        member_id=row.member_id,
                        reason=self.rng.choice(LEAVE_REASONS[_style_of(person)]),
                    )
                )

    def _attend(self, item: _Held) -> None:
        window = activity_services.check_in_window_of(item.activity)
        meeting = item.activity.form == Form.COMMITTEE_MEETING
        for row in item.rows:
            roll = self.rng.random()
            if meeting:
                status = "present" if roll < 0.9 else "leave" if roll < 0.97 else "absent"
            else:
                status = "present" if roll < 0.8 else "late" if roll < 0.87 else "leave" if roll < 0.94 else "absent"
            self._set(item, row, status, window)

    def _set(self, item: _Held, row: Attendance, status: str, window) -> None:
        activity = item.activity
        person = self.people[row.member_id]
        row.status = status
        row.checked_in_at = row.ip_address = row.marked_by = None
        row.method = row.device = row.reason = ""
        if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
            if status == AttendanceStatus.PRESENT:
                span = int((window.late_after - window.opens_at).total_seconds())
                moment = window.opens_at + datetime.timedelta(seconds=self.rng.randint(span // 3, span))
            else:
                moment = window.late_after + datetime.timedelta(minutes=self.rng.randint(1, 35))
            row.checked_in_at = min(moment, window.closes_at)
            if self.rng.random() < 0.06:
                row.method, row.marked_by, row.reason = "manual", item.actor, "手机没电，现场登记"
            else:
                row.method = "qr"
                row.ip_address = f"10.{20 + row.member_id % 30}.{self.rng.randint(1, 254)}.{self.rng.randint(2, 254)}"
                row.device = self.rng.choice(DEVICES)
            return
        refused = status == AttendanceStatus.ABSENT and self.rng.random() < 0.2
        if status == AttendanceStatus.LEAVE or refused:
            item.leaves.append(
                LeaveRequest(
                    activity=activity,
                    member_id=row.member_id,
                    reason=self.rng.choice(LEAVE_REASONS[_style_of(person)]),
                    status=RequestStatus.REFUSED if refused else RequestStatus.APPROVED,
                    decided_by=item.actor,
                    decided_at=activity.starts_at - datetime.timedelta(hours=self.rng.randint(3, 48)),
                    answer="活动内容重要，请调整安排按时参加" if refused else "",
                )
            )

    def _force_demo_accounts(self, past: list[_Held]) -> None:
        """The demo member and the demo student each have a make-up still to do and one accepted."""
        for number in ("demo-member", "demo-student"):
            person = self.by_number.get(number)
            if person is None:
                continue
            mine = [
                (item, row)
                for item in past
                if item.activity.form != Form.COMMITTEE_MEETING
                for row in item.rows
                if row.member_id == person.id
            ]
            plan = [("leave", "open"), ("present", None), ("absent", "accept")]
            for (item, row), (status, outcome) in zip(reversed(mine), plan, strict=False):
                item.leaves = [leave for leave in item.leaves if leave.member_id != person.id]
                self._set(item, row, status, activity_services.check_in_window_of(item.activity))
                if outcome:
                    self.forced[(item.activity.pk, person.id)] = outcome

    def _minutes(self, item: _Held) -> str:
        """The minutes as a secretary writes them: time, place, chair and content. Who came is not
        copied into the text: the record shows it from the attendance when it is read."""
        activity = item.activity
        chair = self.secretary_of(activity.org.parent if activity.org.kind == OrgKind.GROUP else activity.org)
        if activity.org.kind == OrgKind.GROUP:
            chair = next(
                (
                    self.people.get(t.member_id)
                    for t in self.terms
                    if t.org_id == activity.org.pk and t.position == "group_leader" and t.until is None
                ),
                chair,
            )
        return (
            f"时间：{timezone.localtime(activity.starts_at):%Y年%m月%d日 %H:%M}\n地点：{activity.place}\n"
            f"主持人：{chair.name if chair else '支部书记'}\n"
            f"内容：{activity.theme}。"
        )

    def _make_ups(self, past: list[_Held]) -> list[tuple[_Held, Attendance, MakeUp, str]]:
        """What `activity_close` creates for each past activity, and how far each make-up has come since."""
        make_ups = []
        for item in past:
            activity = item.activity
            day = timezone.localdate(activity.starts_at)
            due_on = attendance_rules.make_up_due_on(day, self.calendar)
            absent = sum(1 for row in item.rows if row.status == AttendanceStatus.ABSENT)
            created = 0
            for row in item.rows:
                if row.status not in attendance_rules.MAKE_UP_STATUSES:
                    continue
                make_up = MakeUp(due_on=due_on)
                self._progress(make_up, item, day, due_on, self.forced.get((activity.pk, row.member_id)))
                before = row.status
                if make_up.status == MakeUpStatus.ACCEPTED:
                    row.status = AttendanceStatus.MADE_UP
                make_ups.append((item, row, make_up, before))
                created += 1
            self.event(
                item.actor, "activity.close", activity, activity.org.path, {"absent": absent, "make_ups": created}
            )
        return make_ups

    def _progress(self, make_up: MakeUp, item: _Held, day: datetime.date, due_on: datetime.date, forced) -> None:
        roll = self.rng.random()
        overdue = due_on < self.today
        if forced == "open":
            return
        if forced == "accept":
            roll = 0.5
        elif (overdue and roll > 0.85) or (not overdue and roll > 0.35):
            return  # still to do
        submitted = _at(day + datetime.timedelta(days=self.rng.randint(1, max(1, (due_on - day).days))), "21:00")
        if submitted >= self.now:
            return
        make_up.reflection = self.rng.choice(MAKE_UP_REFLECTIONS)
        make_up.status, make_up.submitted_at = MakeUpStatus.SUBMITTED, submitted
        reviewed = submitted + datetime.timedelta(days=self.rng.randint(1, 4), hours=-8)
        if reviewed >= self.now or (overdue and roll > 0.8):
            return  # handed in, waiting for the officer
        make_up.reviewed_by, make_up.reviewed_at = item.actor, reviewed
        if roll < 0.03:
            make_up.status = MakeUpStatus.RETURNED
            make_up.review_note = "请结合活动主题补充具体的学习体会。"
        else:
            make_up.status = MakeUpStatus.ACCEPTED

    def _attendance_events(self, held: list[_Held], past: list[_Held], make_ups: list) -> None:
        for item in held:
            path = item.activity.org.path
            for row in item.rows:
                if row.method == "manual":
                    self.event(
                        item.actor,
                        "attendance.mark",
                        row,
                        path,
                        {"member": row.member_id, "status": [None, row.status], "reason": row.reason},
                    )
            for leave in item.leaves:
                person = self.people[leave.member_id]
                self.event(person.user, "leave.create", leave, path, {"reason": leave.reason})
                if leave.status != RequestStatus.PENDING:
                    self.event(
                        item.actor,
                        "leave.decide",
                        leave,
                        path,
                        {"status": [RequestStatus.PENDING, leave.status], "answer": leave.answer},
                    )
        for item, row, make_up, before in make_ups:
            path = item.activity.org.path
            if make_up.submitted_at:
                self.event(
                    self.people[row.member_id].user,
                    "make_up.submit",
                    make_up,
                    path,
                    {"status": [MakeUpStatus.ASSIGNED, MakeUpStatus.SUBMITTED]},
                )
            if make_up.reviewed_at:
                changes = {"status": [MakeUpStatus.SUBMITTED, make_up.status], "note": make_up.review_note}
                if make_up.status == MakeUpStatus.ACCEPTED:
                    changes["attendance"] = [before, AttendanceStatus.MADE_UP]
                self.event(item.actor, "make_up.review", make_up, path, changes)

    # -- self-study ---------------------------------------------------------------------------

    def self_study(self) -> None:
        semester = self.semesters[-1]
        due = min(semester.ends_on, max(self.today + datetime.timedelta(days=21), semester.teaching_starts_on))
        faculty_list = self._reading_list(
            f"{semester.name}教工党员自学书目",
            Audience.FACULTY,
            "请教工党员结合自身实际和工作需要，利用业余时间完成必学篇目，选学篇目根据兴趣安排；学习后可在“自学”中登记并写下心得。",
            due,
            [
                ("党的二十届四中全会公报", True),
                ("《习近平关于教育的重要论述》", True),
                ("《中国共产党纪律处分条例》", True),
                ("《论党的自我革命》", False),
            ],
        )
        self._reading_list(
            f"{semester.name}学生党员必读篇目",
            Audience.STUDENTS,
            "学生党员每月至少阅读一篇，可结合党课和主题党日交流。",
            due,
            [("《中国共产党章程》", True), ("《中国共产党简史》", False)],
        )
        items = list(faculty_list.items.order_by("position"))
        entries: list[SelfStudy] = []
        start = self.today - datetime.timedelta(days=365)
        current = [p for p in self.people.values() if p.path_on(self.today)]
        for person in current:
            if person.category == Category.FACULTY:
                count = self.rng.choice([0, 2, 3, 4, 6, 8, 10])
            elif person.category == Category.RETIRED:
                count = self.rng.choice([0, 0, 1, 3])
            else:
                count = self.rng.choice([0, 0, 0, 0, 1, 2, 3])
            if person.number in ("demo-member", "demo-branch"):
                count = max(count, 8)
            days = sorted(self.rng.sample(range(1, 366), count))
            for offset in days:
                day = self.today - datetime.timedelta(days=offset)
                if day < start or not person.path_on(day):
                    continue
                item = None
                if (
                    day >= semester.teaching_starts_on
                    and person.category == Category.FACULTY
                    and self.rng.random() < 0.4
                ):
                    item = self.rng.choice(items)
                entries.append(
                    SelfStudy(
                        member_id=person.id,
                        studied_on=day,
                        minutes=self.rng.choice([30, 45, 60, 60, 90, 120]),
                        title=item.title if item else self.rng.choice(SELF_STUDY_TITLES),
                        reading_item=item,
                    )
                )
        self._reflections(entries)
        SelfStudy.objects.bulk_create(entries, batch_size=1000)
        self._similar(entries)
        for entry in entries:
            person = self.people[entry.member_id]
            self.event(
                person.user,
                "self_study.log",
                entry,
                person.path_on(self.today) or "",
                audit.snapshot(entry, ["studied_on", "minutes", "title", "reading_item"]) | {"member": person.id},
            )
        self.result.self_studies = len(entries)

    def _reading_list(self, title, audience, guidance, due_on, items) -> ReadingList:
        reading_list = ReadingList.objects.create(
            org=self.committee, title=title, guidance=guidance, audience=audience, due_on=due_on
        )
        ReadingItem.objects.bulk_create(
            ReadingItem(reading_list=reading_list, title=t, required=required, position=i)
            for i, (t, required) in enumerate(items)
        )
        self.event(
            self.secretary_user,
            "reading_list.create",
            reading_list,
            self.committee.path,
            audit.snapshot(reading_list, ["title", "guidance", "audience", "due_on"])
            | {"items": [t for t, _r in items]},
        )
        return reading_list

    def _reflections(self, entries: list[SelfStudy]) -> None:
        """Some entries carry a reflection; two faculty members of the demo branch wrote near the same."""
        by_member = defaultdict(list)
        for entry in entries:
            by_member[entry.member_id].append(entry)
        texts = list(REFLECTIONS)
        self.rng.shuffle(texts)
        demo = self.by_number.get("demo-member")
        writers = [demo.id] if demo and by_member.get(demo.id) else []
        others = [pk for pk in sorted(by_member) if pk not in writers and len(by_member[pk]) >= 2]
        writers += self.rng.sample(others, min(len(texts) - len(writers), len(others)))
        for member_id, text in zip(writers, texts, strict=False):
            by_member[member_id][-1].reflection = text
        branch = self._branch_of_officer("demo-branch")
        pair = [
            pk
            for pk in sorted(by_member)
            if branch
            and pk not in writers
            and self.people[pk].category == Category.FACULTY
            and not self.people[pk].number.startswith("demo-")
            and (self.people[pk].path_on(self.today) or "").startswith(branch.path)
        ][:2]
        if len(pair) == 2:
            first, second = by_member[pair[0]][-1], by_member[pair[1]][-1]
            if first.studied_on > second.studied_on:
                first, second = second, first
            first.reflection, second.reflection = PAIR

    def _similar(self, entries: list[SelfStudy]) -> None:
        """Flag near-duplicates as the self-study service does when each entry is logged."""
        seen: list[tuple[SelfStudy, str]] = []
        flagged = []
        for entry in sorted((e for e in entries if e.reflection), key=lambda e: (e.studied_on, e.pk)):
            path = self.people[entry.member_id].path_on(self.today) or ""
            branch = next((b.path for b in self.branches if path.startswith(b.path)), path)
            since = entry.studied_on - datetime.timedelta(days=365 + 35)
            candidates = [
                (other.pk, other.reflection)
                for other, other_branch in seen
                if other_branch == branch and other.studied_on >= since
            ]
            match = selfstudy_rules.most_similar(entry.reflection, candidates)
            if match:
                entry.similar_to_id = match[0]
                flagged.append(entry)
            seen.append((entry, branch))
        SelfStudy.objects.bulk_update(flagged, ["similar_to"])


@transaction.atomic
def _build(committee: Organisation, *, seed: int, now: datetime.datetime) -> StudyDemoResult:
    builder = _Builder(committee, seed, now)
    builder.semesters_and_plans()
    builder.activities()
    builder.self_study()
    AuditEvent.objects.bulk_create(builder.events, batch_size=1000)
    return builder.result


# ---------------------------------------------------------------------------------------------
# Keeping the "try it" activity open


def try_it_activity(committee: Organisation) -> Activity | None:
    return (
        Activity.objects.filter(org__path__startswith=committee.path, theme=TRY_IT_THEME)
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("org")
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def _keep_try_it_open(committee: Organisation, now: datetime.datetime) -> StudyDemoResult:
    """Move the "try it" activity to start ten minutes from now once it is over; clear its check-ins."""
    result = StudyDemoResult(try_it=try_it_activity(committee))
    activity = result.try_it
    if activity is None or activity.status != ActivityStatus.PUBLISHED:
        return result
    if now <= activity_services.check_in_window_of(activity).closes_at:
        return result
    starts_at = now + TRY_IT_STARTS_IN
    activity_services.activity_update(
        actor=system_actor(), activity=activity, starts_at=starts_at, ends_at=starts_at + TRY_IT_LENGTH
    )
    rows = activity.attendances.filter(~Q(status=AttendanceStatus.EXPECTED) | Q(checked_in_at__isnull=False))
    cleared = rows.count()
    MakeUp.objects.filter(attendance__activity=activity).delete()
    LeaveRequest.objects.filter(activity=activity).delete()
    activity.attendances.filter(expected=False).delete()
    activity.attendances.update(
        status=AttendanceStatus.EXPECTED,
        checked_in_at=None,
        method="",
        ip_address=None,
        device="",
        marked_by=None,
        reason="",
        updated_at=timezone.now(),
    )
    audit.record(
        actor=system_actor(),
        action="activity.demo_reopen",
        obj=activity,
        org_path=activity.org.path,
        changes={"cleared": cleared},
    )
    result.try_it_moved = True
    return result
