"""The demo college's announcements (通知公告), published by the demo officers through the services:

- the committee's notice on this year's 组织生活会 and 民主评议, pinned, for all members, with its
  work plan attached (a Word file), read by about two thirds of the college;
- the committee's notice to the officers about the branches' year-end reports, and one to the
  students about the winter vacation;
- the faculty branch's (`demo-branch`) notice of its December 支部党员大会, asking for confirmation:
  most of the branch has confirmed, `demo-member` has not, so it waits in their inbox and the
  secretary sees who has not confirmed yet;
- the same branch's study notice, read by some.

`announcements_demo_ensure` is idempotent: it builds once, when the demo committee has no
announcement yet, and otherwise changes nothing.
"""

import datetime
import io
from collections.abc import Collection
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.demo import clock
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.members.models import Member
from dangjian.notices.models import Announcement, AnnouncementRead
from dangjian.notices.services import announcement_confirm, announcement_create, announcement_mark_read
from dangjian.orgs.models import Organisation

LIFE_MEETING_TITLE = "关于做好2026年度基层党组织组织生活会和民主评议党员工作的通知"
LIFE_MEETING_BODY = """各党支部：

根据学校党委统一部署，现就做好2026年度基层党组织组织生活会和民主评议党员工作通知如下。

一、时间安排
12月下旬前各党支部完成组织生活会，民主评议党员与组织生活会结合进行。

二、会前准备
各支部要组织党员开展集中学习，支委之间、支委和党员之间、党员和党员之间普遍开展谈心谈话，广泛征求意见建议。

三、会上程序
支部书记代表支委会报告工作、查摆问题；党员逐一发言，开展批评和自我批评；进行民主评议。

四、会后整改
各支部要针对查摆出的问题制定整改措施，明确责任人和完成时限，整改情况于次年1月底前报学院党委。

具体安排见附件《工作方案》。

学院党委
"""
OFFICERS_TITLE = "关于报送2026年度党支部工作总结的通知"
OFFICERS_BODY = """各党支部书记：

请于12月25日前将本支部2026年度工作总结（含三会一课开展情况、党员发展情况、存在问题及下一年度工作计划）报送学院党委组织员。

学院党委
"""
STUDENTS_TITLE = "关于寒假期间学生党员开展返乡社会实践的通知"
STUDENTS_BODY = """各学生党支部、全体学生党员：

寒假期间，请学生党员结合家乡实际，开展一次社会实践或志愿服务活动，开学后两周内向所在支部提交实践报告。离校前请向支部书记报备寒假去向。

学院党委
"""
MEETING_TITLE = "关于召开12月支部党员大会的通知"
MEETING_BODY = """支部全体党员：

定于12月18日（星期五）下午2:30在学院308会议室召开支部党员大会。

议程：
1. 支部书记报告2026年度支部工作；
2. 讨论支部组织生活会查摆问题清单；
3. 研究下一年度支部学习教育计划。

请全体党员准时参加，收到通知后请点击“确认收到”。因故不能参加的，请提前向支部书记请假。

支部委员会
"""
STUDY_TITLE = "关于开展12月主题党日集中学习的通知"
STUDY_BODY = """支部全体党员：

本月主题党日安排集中学习《中国共产党党员教育管理工作条例》，学习材料已上传学习资料库，请提前自学。

支部委员会
"""


@dataclass
class AnnouncementsDemoResult:
    built: bool = False
    announcements: int = 0
    reads: int = 0
    confirmed: int = 0


def announcements_demo_ensure(*, today: datetime.date | None = None) -> AnnouncementsDemoResult:
    """Publish the demo announcements once, with some of them read and confirmed."""
    today = today or timezone.localdate()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None:
        return AnnouncementsDemoResult()
    announcements = Announcement.objects.filter(org__path__startswith=committee.path)
    built = False
    if not announcements.exists():
        built = _build(committee, today)
    reads = AnnouncementRead.objects.filter(announcement__in=announcements)
    return AnnouncementsDemoResult(
        built=built,
        announcements=announcements.count(),
        reads=reads.count(),
        confirmed=reads.filter(confirmed_at__isnull=False).count(),
    )


def announcements_demo_summary(result: AnnouncementsDemoResult) -> str:
    """One line for the demo command."""
    if not result.announcements:
        return ""
    return _("Announcements: %(count)d published, read %(reads)d times, %(confirmed)d confirmations.") % {
        "count": result.announcements,
        "reads": result.reads,
        "confirmed": result.confirmed,
    }


def _work_plan() -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    document.add_heading("2026年度组织生活会和民主评议党员工作方案", level=1)
    for line in (
        "一、12月10日前：各支部完成集中学习和谈心谈话。",
        "二、12月25日前：召开组织生活会，开展民主评议党员。",
        "三、次年1月31日前：报送整改措施和民主评议结果。",
    ):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        "组织生活会和民主评议工作方案.docx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _readers(announcement: Announcement, share: int, *, skip: Collection[int] = ()) -> list[User]:
    """About `share` in ten of the accounts of the announcement's subtree, the same ones on every build
    (those outside its audience are passed over when they read)."""
    users = (
        User.objects.filter(
            member__in=Member.objects.current().filter(org__path__startswith=announcement.org.path),
            is_active=True,
        )
        .exclude(pk__in=skip)
        .order_by("pk")
    )
    return [user for user in users if user.pk % 10 < share]


def _read(announcement: Announcement, users: list[User], day: datetime.date, *, confirm: bool = False) -> None:
    """The users read (and confirm) the announcement through the services, then the reading is dated on `day`."""
    rows = []
    for index, user in enumerate(users):
        if confirm:
            read = announcement_confirm(actor=user, announcement=announcement, today=day)
        else:
            read = announcement_mark_read(actor=user, announcement=announcement)
        if read is None:  # not in its audience
            continue
        read.read_at = max(clock.moment(day, 8 + index % 12, (index * 7) % 60), announcement.published_at)
        read.confirmed_at = read.read_at if confirm else None
        rows.append(read)
    AnnouncementRead.objects.bulk_update(rows, ["read_at", "confirmed_at"])


def _dated(announcement: Announcement, day: datetime.date, hour: int) -> Announcement:
    announcement.published_at = clock.moment(day, hour)
    Announcement.objects.filter(pk=announcement.pk).update(published_at=announcement.published_at)
    return announcement


def _build(committee: Organisation, today: datetime.date) -> bool:
    committee_officer = User.objects.filter(username="demo-committee").first()
    branch_officer = User.objects.filter(username="demo-branch").first()
    demo_member = User.objects.filter(username="demo-member").first()
    if committee_officer is None or branch_officer is None:
        return False
    day = datetime.timedelta(days=1)
    life = announcement_create(
        actor=committee_officer,
        org=committee,
        title=LIFE_MEETING_TITLE,
        body=LIFE_MEETING_BODY,
        pinned=True,
        expires_on=today + 30 * day,
        uploads=[_work_plan()],
        today=today,
    )
    _dated(life, today - 6 * day, 9)
    _read(life, _readers(life, 7, skip={demo_member.pk} if demo_member else set()), today - 5 * day)

    officers = announcement_create(
        actor=committee_officer,
        org=committee,
        title=OFFICERS_TITLE,
        body=OFFICERS_BODY,
        audience="officers",
        expires_on=today + 18 * day,
        today=today,
    )
    _dated(officers, today - 4 * day, 15)

    students = announcement_create(
        actor=committee_officer,
        org=committee,
        title=STUDENTS_TITLE,
        body=STUDENTS_BODY,
        audience="students",
        today=today,
    )
    _dated(students, today - 2 * day, 10)
    _read(students, _readers(students, 4), today - day)

    member_org = getattr(getattr(branch_officer, "member", None), "org", None)
    branch = member_org.branch if member_org is not None else None
    if branch is None:
        return True
    study = announcement_create(
        actor=branch_officer, org=branch, title=STUDY_TITLE, body=STUDY_BODY, expires_on=today + 14 * day, today=today
    )
    _dated(study, today - 3 * day, 16)
    _read(study, _readers(study, 5, skip={demo_member.pk} if demo_member else set()), today - 2 * day)

    meeting = announcement_create(
        actor=branch_officer,
        org=branch,
        title=MEETING_TITLE,
        body=MEETING_BODY,
        requires_confirmation=True,
        expires_on=today + 11 * day,
        today=today,
    )
    _dated(meeting, today - day, 11)
    confirmers = _readers(meeting, 7, skip={demo_member.pk} if demo_member else set())
    _read(meeting, confirmers, today, confirm=True)
    return True
