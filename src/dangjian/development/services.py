"""Writes of member development: register an applicant, record a step, assign mentors, reveal the ID number.

Organisational decisions (积极分子, 发展对象, 预审, approval) are recorded by a person, never inferred.
A step recorded out of order or against a clock is saved and its warnings returned; only the
impossible (a date in the future, before the application, a step recorded twice) is refused.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.development import rules
from dangjian.development.models import Person, StepRecord
from dangjian.development.selectors import DEVELOPING_ORGS, can_manage, can_reveal, history_of
from dangjian.members import rules as member_rules
from dangjian.members.models import Category, Member, Status
from dangjian.orgs.models import Organisation


@dataclass(frozen=True)
class Recorded:
    """A step saved, with what is irregular about it (shown to whoever recorded it)."""

    record: StepRecord
    warnings: list[str]


def _masked(values: dict) -> dict:
    return {k: member_rules.mask_id_number(v) if k == "id_number" else v for k, v in values.items()}


@transaction.atomic(durable=True)
def person_register(
    *,
    actor: User,
    org: Organisation,
    name: str,
    id_number: str,
    applied_on: datetime.date,
    category: str,
    number: str = "",
    admin_unit: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> Recorded:
    """Register someone's written application (step 1) with the branch that will develop them."""
    today = today or timezone.localdate()
    if not scope_for(actor).allows(Perm.MANAGE_MEMBERS, org.path):
        raise Forbidden()
    if org.kind not in DEVELOPING_ORGS or org.dissolved_on:
        raise DomainError(_("Applicants are developed by a branch that has not been dissolved."), field="org")
    name, number, admin_unit = name.strip(), number.strip(), admin_unit.strip()
    id_number = member_rules.normalise_id_number(id_number)
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append(_("Enter the name."))
    info = None
    try:
        info = member_rules.parse_id_number(id_number)
    except member_rules.IdNumberError as exc:
        errors.setdefault("id_number", []).append(str(exc))
    if info is not None:
        if Person.objects.filter(id_number=id_number).exists():
            errors.setdefault("id_number", []).append(_("Someone with this ID number is already in development."))
        if Member.objects.filter(id_number=id_number).exists():
            errors.setdefault("id_number", []).append(_("A Party member already has this ID number."))
    if number and (Person.objects.filter(number=number).exists() or Member.objects.filter(number=number).exists()):
        errors.setdefault("number", []).append(_("Someone already has this staff or student number."))
    if category not in Category.values:
        errors.setdefault("category", []).append(_("%(value)s is not a valid choice") % {"value": category})
    if applied_on > today:
        errors.setdefault("applied_on", []).append(_("The date is in the future: record a step once it has happened."))
    raise_for_errors(errors)
    if info is None:  # unreachable: an unreadable ID number is among the errors raised above
        raise DomainError(field="id_number")
    person = Person.objects.create(
        name=name,
        name_initials=member_rules.name_initials(name),
        gender=info.gender,
        birth_date=info.birth_date,
        id_number=id_number,
        number=number or None,
        category=category,
        admin_unit=admin_unit,
        org=org,
        applied_on=applied_on,
    )
    record = StepRecord.objects.create(
        person=person,
        step=rules.APPLICATION,
        on=applied_on,
        recorded_by=actor,
        note=note,
        rule_version=rules.ruleset_on(applied_on).key,
    )
    warnings = []
    if member_rules.age_on(info.birth_date, applied_on) < rules.MIN_AGE:
        warnings.append(
            _("%(name)s was under %(age)s on the day of the application (细则2014 第五条).")
            % {"name": name, "age": rules.MIN_AGE}
        )
    audit.record(
        actor=actor,
        action="development.register",
        obj=person,
        org_path=org.path,
        changes=_masked({"name": name, "id_number": id_number, "org": org.pk, "applied_on": str(applied_on)}),
    )
    return Recorded(record, warnings)


@transaction.atomic(durable=True)
def step_record(
    *,
    actor: User,
    person: Person,
    step: str,
    on: datetime.date,
    note: str = "",
    months: int | None = None,
    training_days: int | None = None,
    training_hours: Decimal | None = None,
    today: datetime.date | None = None,
) -> Recorded:
    """Record that a step happened on `on`, under the version of the rules in force that day."""
    today = today or timezone.localdate()
    if not can_manage(actor, person):
        raise Forbidden()
    person = Person.objects.select_for_update().select_related("org").get(pk=person.pk)
    history = history_of(person)
    raise_for_errors(rules.step_problems(step, on, history, today, months=months))
    if step != rules.TRAINING and (training_days is not None or training_hours is not None):
        raise DomainError(
            _("Days and study hours are given only for the concentrated training."), field="training_days"
        )
    record = StepRecord(
        person=person,
        step=step,
        on=on,
        recorded_by=actor,
        note=note.strip(),
        rule_version=rules.ruleset_on(on).key,
        months=months,
        training_days=training_days,
        training_hours=training_hours,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise DomainError(_("This step has already been recorded."), field="step") from None
    warnings = rules.step_warnings(step, record.as_rule_record(), history, today, working_calendar())
    stage = rules.stage_of(history.keys() | {step})
    changes: dict[str, object] = {"step": step, "on": str(on), "rule_version": record.rule_version}
    if stage != person.stage:
        changes["stage"] = [person.stage, stage]
        person.stage = stage
        person.save(update_fields=["stage", "updated_at"])
    audit.record(actor=actor, action="development.step_record", obj=person, org_path=person.org.path, changes=changes)
    return Recorded(record, warnings)


@transaction.atomic(durable=True)
def mentors_assign(
    *,
    actor: User,
    person: Person,
    mentors: list[Member],
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Recorded | None:
    """Name 1–2 full members as the person's mentors (细则2014 第九条). The first assignment is step 5,
    recorded on `on`; a later one replaces the mentors and records nothing."""
    today = today or timezone.localdate()
    on = on or today
    if not can_manage(actor, person):
        raise Forbidden()
    person = Person.objects.select_for_update().select_related("org").get(pk=person.pk)
    unique = list({m.pk: m for m in mentors}.values())
    if not rules.MIN_MENTORS <= len(unique) <= rules.MAX_MENTORS:
        raise DomainError(
            _("Choose %(low)s or %(high)s mentors.") % {"low": rules.MIN_MENTORS, "high": rules.MAX_MENTORS},
            field="mentors",
        )
    for mentor in unique:
        if mentor.org is None or mentor.status_on(today) != Status.FULL:
            raise DomainError(_("%(name)s is not a full member here.") % {"name": mentor.name}, field="mentors")
        if not mentor.org.path.startswith(person.org.path):
            raise DomainError(
                _("%(name)s does not belong to %(org)s.") % {"name": mentor.name, "org": person.org.name},
                field="mentors",
            )
    before = sorted(person.mentors.values_list("pk", flat=True))
    person.mentors.set(unique)
    recorded = None
    history = history_of(person)
    if not history.has(rules.MENTORS):
        raise_for_errors(rules.step_problems(rules.MENTORS, on, history, today))
        record = StepRecord.objects.create(
            person=person, step=rules.MENTORS, on=on, recorded_by=actor, rule_version=rules.ruleset_on(on).key
        )
        warnings = rules.step_warnings(rules.MENTORS, record.as_rule_record(), history, today, working_calendar())
        recorded = Recorded(record, warnings)
    audit.record(
        actor=actor,
        action="development.mentors_assign",
        obj=person,
        org_path=person.org.path,
        changes={"mentors": [before, sorted(m.pk for m in unique)]},
    )
    return recorded


@transaction.atomic(durable=True)
def person_reveal(*, actor: User, person: Person) -> dict[str, str]:
    """The person's ID number in clear, for an actor allowed to see it; audited."""
    if not can_reveal(actor, person):
        raise Forbidden()
    audit.record(
        actor=actor,
        action="development.reveal",
        obj=person,
        org_path=person.org.path,
        changes={"fields": ["id_number"]},
    )
    return {"id_number": person.id_number}
