"""Semesters, the working-day calendar, directives and study plans: the writes, each audited."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent, CalendarDay
from dangjian.core.unset import UNSET, Unset, given
from dangjian.members.audience import Audience
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.study.models import Directive, DirectiveItem, Form, Organiser, PlanItem, PlanStatus, Semester, StudyPlan
from dangjian.study.rules import plans as rules
from dangjian.study.selectors.plans import can_edit_calendar, committee_of, committees_managed

SEMESTER_FIELDS = ["name", "starts_on", "ends_on", "teaching_starts_on", "exams_start_on"]
DIRECTIVE_FIELDS = ["title", "issued_by", "issued_on", "body"]
DIRECTIVE_ITEM_FIELDS = ["title", "form", "audience", "deadline"]
PLAN_FIELDS = ["title", "introduction"]
ITEM_FIELDS = [
    "month",
    "planned_on",
    "theme",
    "form",
    "audience",
    "organiser",
    "regular",
    "planned_minutes",
    "directive_item",
    "notes",
]
# What a branch may still change on an item its committee requires of it.
REQUIRED_ITEM_EDITABLE = {"planned_on", "notes"}
# Fields a branch's copy takes from the committee's item on every publish.
COPIED_FIELDS = ["month", "theme", "form", "audience", "regular", "planned_minutes", "directive_item_id"]


def _check(actor: User, path: str) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_STUDY, path):
        raise Forbidden()


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        field, message = problems[0]
        raise DomainError(message, field=field, errors=errors)


def _check_choice(value: str, choices: type[models.TextChoices], name: str) -> None:
    if value not in choices.values:
        raise DomainError(_("%(value)s is not a valid choice") % {"value": value}, field=name)


# --- Semesters ----------------------------------------------------------------------------------


def _check_semester(committee: Organisation, data: dict, exclude_pk: int | None = None) -> None:
    if not str(data.get("name") or "").strip():
        raise DomainError(_("A semester needs a name."), field="name")
    _raise_problems(
        rules.semester_problems(
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            teaching_starts_on=data.get("teaching_starts_on"),
            exams_start_on=data.get("exams_start_on"),
        )
    )
    others = Semester.objects.filter(committee=committee)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(name=data["name"]).exists():
        raise DomainError(_("This committee already has a semester with this name."), field="name")
    clash = others.filter(starts_on__lte=data["ends_on"], ends_on__gte=data["starts_on"]).order_by("starts_on").first()
    if clash is not None:
        raise DomainError(
            _("The dates overlap the semester %(name)s (%(start)s to %(end)s) of the same committee.")
            % {"name": clash.name, "start": clash.starts_on.isoformat(), "end": clash.ends_on.isoformat()},
            field="starts_on",
        )


def _lock(org: Organisation) -> None:
    # Two officers saving overlapping semesters at once: the second waits and then sees the first.
    Organisation.objects.select_for_update().filter(pk=org.pk).exists()


@transaction.atomic
def semester_create(
    *,
    actor: User,
    committee: Organisation,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    teaching_starts_on: datetime.date | None = None,
    exams_start_on: datetime.date | None = None,
) -> Semester:
    """Define a semester of a committee; semesters of one committee may not overlap."""
    _check(actor, committee.path)
    if committee.kind != OrgKind.COMMITTEE:
        raise DomainError(_("Semesters are defined by a Party committee."), field="committee")
    if not committees_managed(actor=actor).filter(pk=committee.pk).exists():  # the committees the page offers
        raise DomainError(_("The organisation has been dissolved."), field="committee")
    _lock(committee)
    data = {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "teaching_starts_on": teaching_starts_on,
        "exams_start_on": exams_start_on,
    }
    _check_semester(committee, data)
    semester = Semester.objects.create(committee=committee, **data)
    audit.record(
        actor=actor,
        action="semester.create",
        obj=semester,
        org_path=committee.path,
        changes=audit.snapshot(semester, SEMESTER_FIELDS),
    )
    return semester


@transaction.atomic
def semester_update(
    *,
    actor: User,
    semester: Semester,
    name: str | Unset = UNSET,
    starts_on: datetime.date | Unset = UNSET,
    ends_on: datetime.date | Unset = UNSET,
    teaching_starts_on: datetime.date | None | Unset = UNSET,
    exams_start_on: datetime.date | None | Unset = UNSET,
) -> Semester:
    """Change a semester's name or dates; plan items already made must stay inside it."""
    fields = given(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        teaching_starts_on=teaching_starts_on,
        exams_start_on=exams_start_on,
    )
    committee = semester.committee
    _check(actor, committee.path)
    _lock(committee)
    data = {name: getattr(semester, name) for name in SEMESTER_FIELDS} | fields
    data["name"] = str(data["name"] or "").strip()
    _check_semester(committee, data, exclude_pk=semester.pk)
    outside = [
        item
        for item in PlanItem.objects.filter(plan__semester=semester).only("month", "planned_on")
        if rules.plan_item_problems(
            month=item.month,
            planned_on=item.planned_on,
            semester_starts_on=data["starts_on"],
            semester_ends_on=data["ends_on"],
        )
    ]
    if outside:
        raise DomainError(
            _("%(count)d plan items of this semester would fall outside the new dates. Move them first.")
            % {"count": len(outside)},
            field="starts_on",
        )
    before = audit.snapshot(semester, SEMESTER_FIELDS)
    for name, value in data.items():
        setattr(semester, name, value)
    semester.save()
    changes = audit.diff(before, audit.snapshot(semester, SEMESTER_FIELDS))
    if changes:
        audit.record(actor=actor, action="semester.update", obj=semester, org_path=committee.path, changes=changes)
    return semester


# --- The working-day calendar -------------------------------------------------------------------


def _check_calendar(actor: User) -> None:
    if not can_edit_calendar(actor):
        raise Forbidden()


@transaction.atomic
def calendar_day_set(*, actor: User, date: datetime.date, kind: str, name: str = "") -> CalendarDay:
    """Mark a day as a holiday or a make-up working day (调休), replacing what the day was."""
    _check_calendar(actor)
    problem = rules.calendar_day_problem(date, kind)
    if problem:
        raise DomainError(problem, field="kind")
    day = CalendarDay.objects.filter(date=date).first()
    before = {"kind": day.kind, "name": day.name} if day else {}
    if day is None:
        day = CalendarDay(date=date)
    day.kind, day.name = kind, name.strip()[:32]
    day.save()
    changes = audit.diff(before, {"kind": day.kind, "name": day.name})
    if changes:
        audit.record(actor=actor, action="calendar_day.set", obj=day, changes={"date": date} | changes)
    return day


@transaction.atomic
def calendar_day_remove(*, actor: User, date: datetime.date) -> None:
    """Make a day an ordinary day of the week again."""
    _check_calendar(actor)
    day = CalendarDay.objects.filter(date=date).first()
    if day is None:
        raise DomainError(_("This day is an ordinary day already."), field="date")
    audit.record(
        actor=actor, action="calendar_day.remove", obj=day, changes={"date": date, "kind": day.kind, "name": day.name}
    )
    day.delete()


# --- Directives ---------------------------------------------------------------------------------


def _clean_directive_items(items: list[dict]) -> list[dict]:
    cleaned = []
    for index, raw in enumerate(items):
        item: dict[str, Any] = {name: raw.get(name) for name in ("id", *DIRECTIVE_ITEM_FIELDS)}
        item["title"] = str(item["title"] or "").strip()
        if not item["title"]:
            raise DomainError(_("Item %(number)d needs a title.") % {"number": index + 1}, field="items")
        item["form"] = item["form"] or ""
        if item["form"]:
            _check_choice(item["form"], Form, "items")
        item["audience"] = item["audience"] or Audience.ALL
        _check_choice(item["audience"], Audience, "items")
        cleaned.append(item)
    return cleaned


def _directive_items_changes(directive: Directive) -> list[dict]:
    return [audit.snapshot(item, DIRECTIVE_ITEM_FIELDS) for item in directive.items.order_by("pk")]


@transaction.atomic
def directive_create(
    *,
    actor: User,
    semester: Semester,
    title: str,
    issued_by: str = "",
    issued_on: datetime.date | None = None,
    body: str = "",
    attachment: File | None = None,
    items: list[dict] | None = None,
) -> Directive:
    """Record what the university requires of the committee this semester, with its required items."""
    committee = semester.committee
    _check(actor, committee.path)
    if not title.strip():
        raise DomainError(_("A directive needs a title."), field="title")
    cleaned = _clean_directive_items(items or [])
    directive = Directive.objects.create(
        committee=committee,
        semester=semester,
        title=title.strip(),
        issued_by=issued_by.strip(),
        issued_on=issued_on,
        body=body,
        attachment=attachment or "",
    )
    DirectiveItem.objects.bulk_create(
        DirectiveItem(directive=directive, **{name: item[name] for name in DIRECTIVE_ITEM_FIELDS}) for item in cleaned
    )
    audit.record(
        actor=actor,
        action="directive.create",
        obj=directive,
        org_path=committee.path,
        changes=audit.snapshot(directive, DIRECTIVE_FIELDS)
        | {"semester": semester.pk, "items": _directive_items_changes(directive)},
    )
    return directive


@transaction.atomic
def directive_update(
    *, actor: User, directive: Directive, items: list[dict] | None = None, attachment: File | None = None, **fields: Any
) -> Directive:
    """Change a directive; with `items`, they replace the old ones (rows with an `id` are kept and changed)."""
    committee = directive.committee
    _check(actor, committee.path)
    unknown = set(fields) - set(DIRECTIVE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "title" in fields and not str(fields["title"]).strip():
        raise DomainError(_("A directive needs a title."), field="title")
    before = audit.snapshot(directive, DIRECTIVE_FIELDS) | {"items": _directive_items_changes(directive)}
    for name, value in fields.items():
        setattr(directive, name, value.strip() if isinstance(value, str) and name != "body" else value)
    if attachment is not None:
        directive.attachment = attachment
    directive.save()
    if items is not None:
        cleaned = _clean_directive_items(items)
        existing = {item.pk: item for item in directive.items.all()}
        keep = set()
        for data in cleaned:
            item = existing.get(int(data["id"])) if str(data.get("id") or "").isdigit() else None
            item = item or DirectiveItem(directive=directive)
            for name in DIRECTIVE_ITEM_FIELDS:
                setattr(item, name, data[name])
            item.save()
            keep.add(item.pk)
        directive.items.exclude(pk__in=keep).delete()
    changes = audit.diff(
        before, audit.snapshot(directive, DIRECTIVE_FIELDS) | {"items": _directive_items_changes(directive)}
    )
    if changes:
        audit.record(actor=actor, action="directive.update", obj=directive, org_path=committee.path, changes=changes)
    return directive


# --- Plans --------------------------------------------------------------------------------------


def default_plan_title(org: Organisation, semester: Semester) -> str:
    return f"{org.name}{semester.name}学习教育计划"


def _check_plan_org(org: Organisation, semester: Semester) -> None:
    if org.kind not in rules.PLAN_KINDS:
        raise DomainError(_("Study plans are made by a committee, a general branch or a branch."), field="org")
    if org.dissolved_on:
        raise DomainError(_("The organisation has been dissolved."), field="org")
    committee = committee_of(org)
    if committee is None or committee.pk != semester.committee_id:
        raise DomainError(_("The semester belongs to another committee."), field="semester")


@transaction.atomic
def study_plan_create(
    *, actor: User, org: Organisation, semester: Semester, title: str = "", introduction: str = ""
) -> StudyPlan:
    """Start an organisation's study plan for a semester (one per organisation and semester)."""
    _check(actor, org.path)
    _check_plan_org(org, semester)
    if StudyPlan.objects.filter(org=org, semester=semester).exists():
        raise DomainError(
            _("%(org)s already has a study plan for %(semester)s.") % {"org": org.name, "semester": semester.name},
            field="semester",
        )
    plan = StudyPlan.objects.create(
        org=org, semester=semester, title=title.strip() or default_plan_title(org, semester), introduction=introduction
    )
    audit.record(
        actor=actor,
        action="study_plan.create",
        obj=plan,
        org_path=org.path,
        changes=audit.snapshot(plan, PLAN_FIELDS) | {"semester": semester.pk},
    )
    return plan


@transaction.atomic
def study_plan_update(
    *,
    actor: User,
    plan: StudyPlan,
    title: str | Unset = UNSET,
    introduction: str | Unset = UNSET,
) -> StudyPlan:
    """Change a plan's title or introduction."""
    fields = given(title=title, introduction=introduction)
    _check(actor, plan.org.path)
    if "title" in fields and not str(fields["title"]).strip():
        raise DomainError(_("A plan needs a title."), field="title")
    before = audit.snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(plan, name, value.strip() if name == "title" else value)
    plan.save()
    changes = audit.diff(before, audit.snapshot(plan, PLAN_FIELDS))
    if changes:
        audit.record(actor=actor, action="study_plan.update", obj=plan, org_path=plan.org.path, changes=changes)
    return plan


def _validate_item(plan: StudyPlan, data: dict) -> dict:
    data = dict(data)
    if isinstance(data.get("month"), datetime.date):
        data["month"] = rules.month_start(data["month"])
    data["theme"] = str(data.get("theme") or "").strip()
    if not data["theme"]:
        raise DomainError(_("A plan item needs a theme."), field="theme")
    _check_choice(data["form"], Form, "form")
    _check_choice(data["audience"], Audience, "audience")
    _check_choice(data["organiser"], Organiser, "organiser")
    if data["organiser"] == Organiser.EVERY_BRANCH and plan.org.kind not in rules.PUSHING_KINDS:
        raise DomainError(_("Only a committee's plan can give an item to every branch."), field="organiser")
    _raise_problems(
        rules.plan_item_problems(
            month=data["month"],
            planned_on=data.get("planned_on"),
            semester_starts_on=plan.semester.starts_on,
            semester_ends_on=plan.semester.ends_on,
            planned_minutes=data.get("planned_minutes") or 0,
        )
    )
    directive_item = data.get("directive_item")
    if directive_item is not None and directive_item.directive.semester_id != plan.semester_id:
        raise DomainError(_("The directive item belongs to another semester."), field="directive_item")
    return data


def _item_snapshot(item: PlanItem) -> dict:
    return audit.snapshot(item, ITEM_FIELDS)


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    plan: StudyPlan,
    month: datetime.date,
    theme: str,
    form: str,
    audience: str = Audience.ALL,
    organiser: str = Organiser.SELF,
    regular: bool = False,
    planned_minutes: int = 0,
    planned_on: datetime.date | None = None,
    directive_item: DirectiveItem | None = None,
    notes: str = "",
) -> PlanItem:
    """Add an item to a plan; it must fall inside the plan's semester."""
    _check(actor, plan.org.path)
    data = _validate_item(
        plan,
        {
            "month": month,
            "planned_on": planned_on,
            "theme": theme,
            "form": form,
            "audience": audience,
            "organiser": organiser,
            "regular": regular,
            "planned_minutes": planned_minutes,
            "directive_item": directive_item,
            "notes": notes,
        },
    )
    item = PlanItem.objects.create(plan=plan, **data)
    audit.record(actor=actor, action="plan_item.add", obj=item, org_path=plan.org.path, changes=_item_snapshot(item))
    return item


@transaction.atomic
def plan_item_update(
    *,
    actor: User,
    item: PlanItem,
    month: datetime.date | Unset = UNSET,
    planned_on: datetime.date | None | Unset = UNSET,
    theme: str | Unset = UNSET,
    form: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    organiser: str | Unset = UNSET,
    regular: bool | Unset = UNSET,
    planned_minutes: int | Unset = UNSET,
    directive_item: DirectiveItem | None | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> PlanItem:
    """Change a plan item. An item required by the committee keeps everything but its date and notes."""
    fields = given(
        month=month,
        planned_on=planned_on,
        theme=theme,
        form=form,
        audience=audience,
        organiser=organiser,
        regular=regular,
        planned_minutes=planned_minutes,
        directive_item=directive_item,
        notes=notes,
    )
    plan = item.plan
    _check(actor, plan.org.path)
    before = _item_snapshot(item)
    if item.source_id is not None:
        wanted = dict(fields)
        if isinstance(wanted.get("month"), datetime.date):
            wanted["month"] = rules.month_start(wanted["month"])
        locked = sorted(name for name in set(wanted) - REQUIRED_ITEM_EDITABLE if wanted[name] != getattr(item, name))
        if locked:
            raise DomainError(
                _("This item is required by the committee's plan: only its date and notes can be changed here."),
                field=locked[0],
            )
    data = _validate_item(plan, {name: getattr(item, name) for name in ITEM_FIELDS} | fields)
    for name, value in data.items():
        setattr(item, name, value)
    item.save()
    changes = audit.diff(before, _item_snapshot(item))
    if changes:
        audit.record(actor=actor, action="plan_item.update", obj=item, org_path=plan.org.path, changes=changes)
    return item


@transaction.atomic
def plan_item_remove(*, actor: User, item: PlanItem) -> None:
    """Remove an item from a plan. A required item cannot be removed; nor can a committee item a branch has held."""
    plan = item.plan
    _check(actor, plan.org.path)
    if item.source_id is not None:
        raise DomainError(_("This item is required by the committee's plan and cannot be removed."))
    copies = PlanItem.objects.filter(source=item)
    if copies.filter(activities__isnull=False).exists():
        raise DomainError(_("Branches have already held activities for this item: it cannot be removed."))
    copy_count = copies.count()
    audit.record(
        actor=actor,
        action="plan_item.remove",
        obj=item,
        org_path=plan.org.path,
        changes=_item_snapshot(item) | {"removed_from_branches": copy_count},
    )
    item.delete()  # the branches' copies go with it


@dataclass
class PublishResult:
    plan: StudyPlan
    branches: int = 0
    plans_created: int = 0
    items_created: int = 0
    items_updated: int = 0
    items_removed: int = 0


@transaction.atomic
def study_plan_publish(*, actor: User, plan: StudyPlan) -> PublishResult:
    """Publish a plan. A committee's "every branch" items become required items of each branch's plan.

    Publishing again brings the branches' copies up to date and creates nothing twice.
    """
    _check(actor, plan.org.path)
    plan = StudyPlan.objects.select_for_update().select_related("org", "semester").get(pk=plan.pk)
    now = timezone.now()
    first = plan.status != PlanStatus.PUBLISHED
    plan.status, plan.published_at = PlanStatus.PUBLISHED, now
    plan.save(update_fields=["status", "published_at", "updated_at"])
    result = PublishResult(plan=plan)
    per_branch: dict[int, dict] = {}
    if plan.org.kind in rules.PUSHING_KINDS:
        per_branch = _push_required_items(plan, result)
    audit.record(
        actor=actor,
        action="study_plan.publish",
        obj=plan,
        org_path=plan.org.path,
        changes={
            "first": first,
            "branches": result.branches,
            "plans_created": result.plans_created,
            "items_created": result.items_created,
            "items_updated": result.items_updated,
            "items_removed": result.items_removed,
        },
    )
    # Each branch's own audit trail shows what its plan received, and from where.
    AuditEvent.objects.bulk_create(
        AuditEvent(
            **audit.event_fields(
                actor=actor,
                action="study_plan.receive_required",
                obj=entry["plan"],
                org_path=entry["plan"].org.path,
                changes={"from_plan": plan.pk} | entry["counts"],
            )
        )
        for entry in per_branch.values()
        if any(entry["counts"].values())
    )
    return result


def _push_required_items(plan: StudyPlan, result: PublishResult) -> dict[int, dict]:
    sources = [i for i in plan.items.all() if rules.pushes_down(plan.org.kind, i.organiser)]
    branches = list(
        Organisation.objects.active()
        .filter(kind=rules.RECEIVING_KIND, path__startswith=plan.org.path)
        .exclude(pk=plan.org.pk)
        .order_by("path")
    )
    result.branches = len(branches)
    plans = {
        p.org_id: p for p in StudyPlan.objects.filter(org__in=branches, semester=plan.semester).select_related("org")
    }
    per_branch: dict[int, dict] = {}
    for branch in branches:
        counts = {"plan_created": False, "items_created": 0, "items_updated": 0, "items_removed": 0}
        if branch.pk not in plans and sources:
            plans[branch.pk] = StudyPlan.objects.create(
                org=branch, semester=plan.semester, title=default_plan_title(branch, plan.semester)
            )
            counts["plan_created"] = True
            result.plans_created += 1
        if branch.pk in plans:
            per_branch[plans[branch.pk].pk] = {"plan": plans[branch.pk], "counts": counts}
    target_plans = {p.pk: p for p in (entry["plan"] for entry in per_branch.values())}
    copies = {
        (c.plan_id, c.source_id): c for c in PlanItem.objects.filter(source__plan=plan, plan__in=list(target_plans))
    }
    new, changed = [], []
    for plan_id in target_plans:
        counts = per_branch[plan_id]["counts"]
        for source in sources:
            copy = copies.get((plan_id, source.pk))
            if copy is None:
                new.append(
                    PlanItem(
                        plan_id=plan_id,
                        source=source,
                        organiser=Organiser.SELF,
                        planned_on=source.planned_on,
                        notes=source.notes,
                        **{name: getattr(source, name) for name in COPIED_FIELDS},
                    )
                )
                counts["items_created"] += 1
            elif any(getattr(copy, name) != getattr(source, name) for name in COPIED_FIELDS):
                for name in COPIED_FIELDS:
                    setattr(copy, name, getattr(source, name))
                if copy.planned_on and rules.month_start(copy.planned_on) != copy.month:
                    copy.planned_on = None  # the committee moved the item to another month
                copy.updated_at = timezone.now()
                changed.append(copy)
                counts["items_updated"] += 1
    PlanItem.objects.bulk_create(new)
    if changed:
        PlanItem.objects.bulk_update(changed, [*COPIED_FIELDS, "planned_on", "updated_at"])
    result.items_created, result.items_updated = len(new), len(changed)
    # Items the committee no longer gives to every branch stop being required: a copy a branch has
    # already held stays as the branch's own item, the others go.
    source_ids = {s.pk for s in sources}
    stale = [c for key, c in copies.items() if key[1] not in source_ids]
    held = set(
        PlanItem.objects.filter(pk__in=[c.pk for c in stale], activities__isnull=False).values_list("pk", flat=True)
    )
    for copy in stale:
        per_branch[copy.plan_id]["counts"]["items_removed"] += 1
    PlanItem.objects.filter(pk__in=held).update(source=None, updated_at=timezone.now())
    PlanItem.objects.filter(pk__in=[c.pk for c in stale if c.pk not in held]).delete()
    result.items_removed = len(stale)
    return per_branch
