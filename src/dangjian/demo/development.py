"""The demo college's member development: a handful of people at every stage, some of them late.

Most are students of the demo student branch, one a young teacher of the demo faculty branch. Their
steps are recorded through the development services by the branches' secretaries, dated back from
the demo's day, so the pipeline shows late, coming and irregular clocks: a talk overdue, a review
overdue, a candidate named too early, a general meeting not yet held within a month of the pre-review
(2026 revision), a probation that has ended without its discussion. Idempotent: written once, when the
demo committee's tree has nobody in development.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.development import services
from dangjian.development.models import Person
from dangjian.development.selectors import mentor_choices
from dangjian.members.rules import id_check_code
from dangjian.orgs.models import Organisation, OrgKind


@dataclass(frozen=True)
class _Story:
    secretary: str  # the account of the branch's secretary, who records the steps
    name: str
    birth: datetime.date
    gender: str
    category: str
    admin_unit: str
    steps: tuple[tuple[str, int], ...]  # (step, days before the demo's day), the application first
    mentors: int = 0  # days ago the mentors were assigned; 0: none yet


STORIES = (
    _Story("demo-student-branch", "李明轩", datetime.date(2006, 3, 14), "male", "undergraduate", "哲学2024级",
           (("application", 20),)),
    _Story("demo-student-branch", "王雨桐", datetime.date(2005, 9, 2), "female", "undergraduate", "社会学2023级",
           (("application", 50),)),
    _Story("demo-student-branch", "陈思远", datetime.date(2004, 11, 20), "male", "undergraduate", "哲学2023级",
           (("application", 420), ("talk", 400), ("activist", 350), ("activist_filed", 340),
            ("thought_report", 260), ("review", 200), ("thought_report", 170), ("thought_report", 80)), 345),
    _Story("demo-student-branch", "刘子涵", datetime.date(2004, 6, 8), "female", "undergraduate", "社会学2022级",
           (("application", 600), ("talk", 590), ("activist", 520), ("activist_filed", 510), ("review", 330),
            ("thought_report", 330), ("thought_report", 240), ("candidate", 215)), 515),
    _Story("demo-student-branch", "赵一鸣", datetime.date(2003, 2, 27), "male", "graduate", "马克思主义哲学硕士2024级",
           (("application", 900), ("talk", 880), ("activist", 800), ("activist_filed", 790), ("review", 610),
            ("review", 430), ("candidate", 60), ("candidate_filed", 55), ("introducers", 50),
            ("political_review", 30), ("training", 20)), 795),
    _Story("demo-student-branch", "孙佳怡", datetime.date(2003, 8, 15), "female", "graduate", "社会学硕士2024级",
           (("application", 1000), ("talk", 985), ("activist", 900), ("activist_filed", 890), ("review", 710),
            ("review", 530), ("candidate", 500), ("candidate_filed", 495), ("introducers", 490),
            ("political_review", 100), ("training", 90), ("branch_review", 60), ("pre_review", 45),
            ("volunteer_form", 40), ("publicity", 38)), 895),
    _Story("demo-student-branch", "周浩然", datetime.date(2002, 12, 1), "male", "graduate", "伦理学硕士2023级",
           (("application", 1300), ("talk", 1290), ("activist", 1200), ("activist_filed", 1190), ("review", 1010),
            ("review", 830), ("candidate", 800), ("candidate_filed", 795), ("introducers", 790),
            ("political_review", 500), ("training", 480), ("branch_review", 420), ("pre_review", 410),
            ("volunteer_form", 400), ("publicity", 398), ("admission_meeting", 380), ("committee_talk", 360),
            ("approval", 330), ("approval_filed", 320), ("placement", 320), ("oath", 310),
            ("probation_review", 150), ("full_application", 20)), 1195),
    _Story("demo-branch", "吴静", datetime.date(1993, 4, 19), "female", "faculty", "哲学系",
           (("application", 100), ("talk", 80), ("activist", 30))),
)  # fmt: skip


@dataclass
class DevelopmentDemoResult:
    people: int = 0
    steps: int = 0
    names: list[str] = field(default_factory=list)


def _id_number(birth: datetime.date, gender: str, serial: int) -> str:
    order = 700 + serial * 2 + (1 if gender == "male" else 0)
    first17 = f"330106{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_code(first17)


def _branch_of(user: User) -> Organisation | None:
    member = getattr(user, "member", None)
    org = member.org if member is not None else None
    if org is not None and org.kind == OrgKind.GROUP:
        org = org.parent
    return org


def development_demo_ensure(*, today: datetime.date | None = None) -> DevelopmentDemoResult:
    """Give the demo college its people in development, once."""
    today = today or timezone.localdate()
    result = DevelopmentDemoResult()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None or Person.objects.filter(org__path__startswith=committee.path).exists():
        return result
    for serial, story in enumerate(STORIES):
        secretary = User.objects.select_related("member__org__parent").filter(username=story.secretary).first()
        branch = _branch_of(secretary) if secretary is not None else None
        if secretary is None or branch is None:
            continue
        (_, applied_ago), *later = story.steps
        applied_on = today - datetime.timedelta(days=applied_ago)
        done = services.person_register(
            actor=secretary,
            org=branch,
            name=story.name,
            id_number=_id_number(story.birth, story.gender, serial),
            applied_on=applied_on,
            category=story.category,
            admin_unit=story.admin_unit,
            today=today,
        )
        person = done.record.person
        result.people += 1
        result.steps += 1
        result.names.append(story.name)
        for step, ago in later:
            on = today - datetime.timedelta(days=ago)
            services.step_record(
                actor=secretary,
                person=person,
                step=step,
                on=on,
                training_days=3 if step == "training" else None,
                today=today,
            )
            result.steps += 1
        if story.mentors:
            _mentors(secretary, person, today - datetime.timedelta(days=story.mentors), today)
    return result


def _mentors(secretary: User, person: Person, on: datetime.date, today: datetime.date) -> None:
    mentors = list(mentor_choices(actor=secretary, person=person, today=today)[:2])
    if mentors:
        services.mentors_assign(actor=secretary, person=person, mentors=mentors, on=on, today=today)


def development_demo_summary(result: DevelopmentDemoResult) -> str:
    """One line for the demo command."""
    if not result.people:
        return ""
    return _("Member development: %(people)d people at every stage, %(steps)d steps recorded, some of them late.") % {
        "people": result.people,
        "steps": result.steps,
    }
