"""Test data for self-study and the ledger.

Activities and attendance are written straight to the database here: the ledger only reads them,
and it must be tested without depending on how the activity services create them.
"""

import datetime

from django.utils import timezone

from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.study.models import Activity, ActivityStatus, Attendance, ReadingList, SelfStudy
from dangjian.study.services import selfstudy as services

# Long enough to be compared, short enough to read; copies differ only in punctuation and one word.
REFLECTION = (
    "通过学习党章，我深刻认识到党员必须把政治建设摆在首位，坚定理想信念，"
    "在教学科研工作中发挥先锋模范作用，做到学思用贯通、知信行统一，把学习成果转化为推动学院发展的实际行动。"
)
COPIED = REFLECTION.replace("，", "。").replace("深刻", "切实")
OTHER_REFLECTION = (
    "观看专题片后，我回顾了改革开放以来学院的发展历程，感到作为一名青年教师应当立足课堂、潜心育人，"
    "在指导学生论文和社会实践中主动担当，用自己的专业知识服务地方经济社会发展，不辜负组织的培养。"
)


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def make_activity(
    org: Organisation, starts_at: datetime.datetime, credit_minutes: int, *, status: str = ActivityStatus.PUBLISHED
) -> Activity:
    return Activity.objects.create(
        org=org,
        form="theme_day",
        theme=f"主题党日 {starts_at:%Y-%m-%d}",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=max(credit_minutes, 30)),
        credit_minutes=credit_minutes,
        status=status,
    )


def attend(activity: Activity, member: Member, status: str) -> Attendance:
    return Attendance.objects.create(activity=activity, member=member, status=status)


def self_study(member: Member, studied_on: datetime.date, minutes: int, reflection: str = "", **kwargs) -> SelfStudy:
    """An entry written directly (the service refuses past years, which ledger tests need)."""
    return SelfStudy.objects.create(
        member=member,
        studied_on=studied_on,
        minutes=minutes,
        title=kwargs.pop("title", "自学党章"),
        reflection=reflection,
        **kwargs,
    )


def reading_list(actor, org: Organisation, *, audience: str = "all", titles=("党章", "准则")) -> ReadingList:
    return services.reading_list_create(
        actor=actor,
        org=org,
        title="2025年春季学期必读书目",
        audience=audience,
        items=[services.ItemIn(title=title) for title in titles],
    )
