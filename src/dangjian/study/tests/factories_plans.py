"""Factories for semesters, directives and plans. They go through the services, as the product would."""

import datetime

from dangjian.accounts.system import system_actor
from dangjian.orgs.models import Organisation
from dangjian.study.models import DirectiveItem, PlanItem, Semester, StudyPlan
from dangjian.study.services import plans as services

FALL_2026 = ("2026—2027学年第一学期", datetime.date(2026, 9, 1), datetime.date(2027, 1, 31))
SPRING_2027 = ("2026—2027学年第二学期", datetime.date(2027, 2, 1), datetime.date(2027, 7, 31))


def make_semester(committee: Organisation, period=FALL_2026, **kwargs) -> Semester:
    name, starts_on, ends_on = period
    return services.semester_create(
        actor=kwargs.pop("actor", None) or system_actor(),
        committee=committee,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        **kwargs,
    )


def make_plan(org: Organisation, semester: Semester, **kwargs) -> StudyPlan:
    return services.study_plan_create(
        actor=kwargs.pop("actor", None) or system_actor(), org=org, semester=semester, **kwargs
    )


def make_item(plan: StudyPlan, month: datetime.date | None = None, **kwargs) -> PlanItem:
    defaults = {"theme": "学习党章", "form": "theme_day", "planned_minutes": 120}
    return services.plan_item_add(
        actor=kwargs.pop("actor", None) or system_actor(),
        plan=plan,
        month=month or plan.semester.starts_on,
        **(defaults | kwargs),
    )


def make_directive(semester: Semester, items: int = 1, **kwargs) -> tuple:
    directive = services.directive_create(
        actor=kwargs.pop("actor", None) or system_actor(),
        semester=semester,
        title=kwargs.pop("title", "关于开展本学期党员学习教育的通知"),
        issued_by="校党委组织部",
        items=[{"title": f"专题学习{n + 1}", "form": "group_study", "audience": "all"} for n in range(items)],
        **kwargs,
    )
    return directive, list(DirectiveItem.objects.filter(directive=directive).order_by("pk"))
