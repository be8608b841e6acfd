"""Early-warning actions: the refresh that opens and updates entries, and closing an entry.

The refresh is idempotent: run twice on a day, the second run writes nothing. It never opens a
second open entry for a member (a database constraint backs this), and after an entry is closed
a new one opens only when a signal fires anew (`rules.evaluate` with `not_before`).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.accounts.system import system_actor
from dangjian.care.models import TalkKind
from dangjian.care.services import talk_record, talk_todo_open
from dangjian.compliance import rules
from dangjian.compliance import selectors as sel
from dangjian.compliance.models import EntryStatus, LifeSettings, RequirementExcuse, Resolution, WarningEntry
from dangjian.compliance.rules import reminders as reminder_rules
from dangjian.compliance.rules import requirements as req
from dangjian.core import audit
from dangjian.core.calendar import WorkingCalendar, working_calendar
from dangjian.core.errors import DomainError, Forbidden, NotFound, raise_for_errors
from dangjian.members.models import Member
from dangjian.notices.services import notice_send
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.study.models import Form as StudyForm

MAX_NOTE = 5000


@dataclass
class RefreshResult:
    """What one refresh did. Counts only: the daily job's report keeps them."""

    branches: int = 0
    members: int = 0
    opened: int = 0
    updated: int = 0
    cleared: int = 0
    todos: int = 0


def _branches(actor: User, org: Organisation | None) -> list[Organisation]:
    if org is None:
        return sel.care_branches(actor)
    if not scope_for(actor).allows(Perm.MANAGE_CARE, org.path):
        raise Forbidden()
    return sel.branches_under(org)


def warnings_refresh(*, today: datetime.date | None = None) -> RefreshResult:
    """The daily job: check every active branch, as the system actor."""
    return warnings_refresh_for(actor=system_actor(), today=today)


def warnings_refresh_for(
    *, actor: User, org: Organisation | None = None, today: datetime.date | None = None
) -> RefreshResult:
    """Check every current member of the branches in scope (of `org`'s subtree, else of the actor's care
    scope) and open, update or clear their entries. Each branch is one transaction of its own, so one
    branch's trouble does not undo the others."""
    today = today or timezone.localdate()
    result = RefreshResult()
    in_force = sel.warning_rules()
    for branch in _branches(actor, org):
        _refresh_branch(actor=actor, branch=branch, today=today, in_force=in_force, result=result)
        result.branches += 1
    return result


@transaction.atomic(durable=True)
def _refresh_branch(
    *,
    actor: User,
    branch: Organisation,
    today: datetime.date,
    in_force: rules.WarningRules,
    result: RefreshResult,
) -> None:
    members = list(Member.objects.current().filter(org__path__startswith=branch.path).select_related("org"))
    if not members:
        return
    ids = [m.pk for m in members]
    facts = sel.warning_facts(members, today, in_force, branch=branch)
    open_entries = {
        e.member_id: e for e in WarningEntry.objects.open().filter(member_id__in=ids).select_for_update().order_by("pk")
    }
    last_closed = dict(
        WarningEntry.objects.closed()
        .filter(member_id__in=ids)
        .values("member_id")
        .annotate(last=Max("closed_on"))
        .values_list("member_id", "last")
    )
    result.members += len(members)
    for member in members:
        findings = rules.evaluate(facts[member.pk], today, in_force)
        entry = open_entries.get(member.pk)
        if entry is None:
            closed_on = last_closed.get(member.pk)
            if not findings:
                continue
            if closed_on is not None and not rules.evaluate(facts[member.pk], today, in_force, not_before=closed_on):
                continue
            entry = _open(actor=actor, member=member, branch=branch, findings=findings, today=today)
            result.opened += 1
        else:
            changed = _update(actor=actor, entry=entry, branch=branch, findings=findings, today=today)
            if changed == "cleared":
                result.cleared += 1
            elif changed:
                result.updated += 1
        if _open_todo(actor=actor, entry=entry, member=member, findings=findings):
            result.todos += 1
    WarningEntry.objects.open().filter(member_id__in=ids).exclude(refreshed_on=today).update(refreshed_on=today)


def _open(
    *, actor: User, member: Member, branch: Organisation, findings: list[rules.Finding], today: datetime.date
) -> WarningEntry:
    entry = WarningEntry.objects.create(
        member=member,
        org=branch,
        level=rules.entry_level(findings),
        reasons=[f.as_dict() for f in findings],
        suggested_action=rules.suggested_action(findings),
        opened_on=today,
        refreshed_on=today,
    )
    audit.record(
        actor=actor,
        action="warning.open",
        obj=entry,
        org_path=branch.path,
        changes={
            "member": member.pk,
            "level": entry.level,
            "signals": [f.signal for f in findings],
            "suggested_action": entry.suggested_action,
        },
    )
    return entry


def _update(
    *,
    actor: User,
    entry: WarningEntry,
    branch: Organisation,
    findings: list[rules.Finding],
    today: datetime.date,
) -> str:
    """Bring an open entry up to date; what changed ("updated", "cleared" or "")."""
    if not findings:
        if entry.cleared_on is not None and entry.org_id == branch.pk:
            return ""
        changes: dict[str, list[object]] = {
            "cleared_on": [entry.cleared_on, entry.cleared_on or today],
            "org": [entry.org_id, branch.pk],
        }
        entry.cleared_on = entry.cleared_on or today
        entry.org = branch
        entry.save(update_fields=["cleared_on", "org", "updated_at"])
        audit.record(
            actor=actor,
            action="warning.clear",
            obj=entry,
            org_path=branch.path,
            changes={key: value for key, value in changes.items() if value[0] != value[1]},
        )
        return "cleared"
    reasons = [f.as_dict() for f in findings]
    before = {
        "org": entry.org_id,
        "level": entry.level,
        "signals": [r["signal"] for r in entry.reasons],
        "suggested_action": entry.suggested_action,
        "cleared_on": entry.cleared_on,
    }
    if entry.reasons == reasons and entry.org_id == branch.pk and entry.cleared_on is None:
        return ""
    entry.org = branch
    entry.level = rules.entry_level(findings)
    entry.reasons = reasons
    entry.suggested_action = rules.suggested_action(findings)
    entry.cleared_on = None
    entry.save(update_fields=["org", "level", "reasons", "suggested_action", "cleared_on", "updated_at"])
    after = {
        "org": entry.org_id,
        "level": entry.level,
        "signals": [r["signal"] for r in reasons],
        "suggested_action": entry.suggested_action,
        "cleared_on": None,
    }
    audit.record(
        actor=actor,
        action="warning.update",
        obj=entry,
        org_path=branch.path,
        changes=audit.diff(before, after) or {"reasons": True},
    )
    return "updated"


def _open_todo(*, actor: User, entry: WarningEntry, member: Member, findings: list[rules.Finding]) -> bool:
    """Repeated absence asks for a required talk (care's to-do); so does an alarm. One to-do per entry."""
    if entry.talk_todo_id is not None or not findings:
        return False
    absences = next((f for f in findings if f.signal == rules.Signal.ABSENCES), None)
    if absences is not None:
        reason = "repeated_absence"
        detail = _("%(count)d absences in a row, the last on %(day)s") % {
            "count": absences.data["count"],
            "day": absences.key_date.isoformat(),
        }
    elif rules.entry_level(findings) == rules.Level.ALARM:
        reason = "early_warning"
        detail = _("No organisational life since %(day)s") % {
            "day": next(f.since for f in findings if f.level == rules.Level.ALARM).isoformat()
        }
    else:
        return False
    entry.talk_todo = talk_todo_open(
        actor=actor, member=member, reason=reason, detail=detail, source_key=f"compliance.warning:{entry.pk}"
    )
    entry.save(update_fields=["talk_todo", "updated_at"])
    return True


# --- Closing -------------------------------------------------------------------------------------


def _check_closer(actor: User, entry: WarningEntry) -> None:
    scope = scope_for(actor)
    if not scope.allows(Perm.MANAGE_CARE, entry.org.path):
        raise Forbidden()
    if scope.member_id is not None and scope.member_id == entry.member_id:
        raise Forbidden(_("An entry about yourself is closed by the organisation above you."))


@transaction.atomic(durable=True)
def warning_close(
    *,
    actor: User,
    entry: WarningEntry,
    resolution: str,
    on: datetime.date | None,
    note: str,
    officer: Member | None = None,
    talk_kind: str = TalkKind.REMINDER,
    follow_up: str = "",
    today: datetime.date | None = None,
) -> WarningEntry:
    """Close an entry with what was done — a talk (recorded in the care app in this same transaction),
    a visit, study brought home, another action — or with the reason no action is needed. Closing
    without either is refused."""
    entry = (
        WarningEntry.objects.select_for_update(of=("self",))
        .select_related("org", "member", "talk_todo")
        .get(pk=entry.pk)
    )
    _check_closer(actor, entry)
    today = today or timezone.localdate()
    if entry.status != EntryStatus.OPEN:
        raise DomainError(_("This entry has already been closed."))
    if resolution not in Resolution.values:
        raise DomainError(
            _(
                "An entry closes only with what was done — a talk, a visit, study brought home or another action — "
                "or with the reason no action is needed."
            ),
            field="resolution",
        )
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = (
            _("Give the reason for closing the entry.")
            if resolution == Resolution.EXPLAINED
            else _("Write a short note on what was done.")
        )
    elif len(note) > MAX_NOTE:
        errors["note"] = _("The note can be at most %(count)s characters.") % {"count": MAX_NOTE}
    if on is None:
        errors["on"] = _("Give the date.")
    elif on > today:
        errors["on"] = _("The date cannot be in the future.")
    if resolution == Resolution.TALK:
        if officer is None:
            errors["officer"] = _("Choose the officer who held the talk.")
        if talk_kind not in TalkKind.values:
            errors["talk_kind"] = _("Choose the kind of talk.")
    raise_for_errors(errors)
    talk = None
    if resolution == Resolution.TALK and officer is not None and on is not None:
        # The date, the note and the kind are checked above, as the care rules check them; what care may
        # still refuse is the officer, which both call `officer`.
        todo = entry.talk_todo if entry.talk_todo is not None and entry.talk_todo.is_open else None
        talk = talk_record(
            actor=actor,
            member=entry.member,
            officer=officer,
            held_on=on,
            kind=talk_kind,
            summary=note,
            follow_up=follow_up,
            todo=todo,
        )
    entry.status = EntryStatus.CLOSED
    entry.closed_on = max(today, entry.opened_on)
    entry.closed_by = actor
    entry.resolution = resolution
    entry.resolved_on = on
    entry.note = note
    entry.talk = talk
    entry.save(
        update_fields=["status", "closed_on", "closed_by", "resolution", "resolved_on", "note", "talk", "updated_at"]
    )
    # The note may be personal: the audit trail keeps how and when, not what was written.
    audit.record(
        actor=actor,
        action="warning.close",
        obj=entry,
        org_path=entry.org.path,
        changes={"status": [EntryStatus.OPEN, EntryStatus.CLOSED], "resolution": resolution, "on": on, "talk": talk},
    )
    return entry


# --- Excusing a requirement of organisational life for a period -----------------------------------

MAX_EXCUSE = 1000


def _check_excuser(actor: User, org: Organisation) -> None:
    """Officers who run activities over the organisation (its committee or its branch) excuse; 404 otherwise."""
    if not scope_for(actor).allows(sel.LIFE_PERM, org.path):
        raise NotFound()


@transaction.atomic
def requirement_excuse(
    *, actor: User, org: Organisation, requirement: str, period: req.ReportingPeriod, reason: str
) -> RequirementExcuse:
    """Excuse one requirement for one organisation (a branch, or a Party group for 党小组会) in one period,
    with a written reason. Audited. The check then shows the period as excused unless it was met."""
    _check_excuser(actor, org)
    try:
        requirement_ = sel.life_requirements(org).get(requirement)
    except KeyError:
        raise DomainError(_("Unknown requirement: %(key)s.") % {"key": requirement}, field="requirement") from None
    if org.kind not in requirement_.applies_to:
        raise DomainError(_("This requirement does not apply to this organisation."), field="requirement")
    if period.kind != requirement_.period or req.period_of(period.kind, period.starts_on) != period:
        raise DomainError(
            _("%(name)s is counted %(kind)s; choose one of its periods.")
            % {"name": requirement_.name, "kind": _(req.PeriodKind.COUNTED[requirement_.period])},
            field="period",
        )
    reason = (reason or "").strip()
    if not reason:
        raise_for_errors({"reason": _("Give the reason in writing.")})
    if len(reason) > MAX_EXCUSE:
        raise_for_errors({"reason": _("Keep the reason under %(count)d characters.") % {"count": MAX_EXCUSE}})
    if RequirementExcuse.objects.filter(
        org=org, requirement=requirement, period_kind=period.kind, period_starts_on=period.starts_on
    ).exists():
        raise DomainError(_("This period has already been excused."), field="reason")
    excuse = RequirementExcuse.objects.create(
        org=org,
        requirement=requirement,
        period_kind=period.kind,
        period_starts_on=period.starts_on,
        period_ends_on=period.ends_on,
        reason=reason,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="requirement.excuse",
        obj=excuse,
        org_path=org.path,
        changes={"requirement": requirement, "period": period.starts_on.isoformat(), "kind": period.kind},
    )
    return excuse


def access_excuse(actor: User, excuse_id: int | str) -> RequirementExcuse:
    """An excuse the actor may withdraw; 404 for missing and forbidden alike."""
    try:
        excuse = RequirementExcuse.objects.select_related("org", "granted_by").get(pk=excuse_id)
    except (RequirementExcuse.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    _check_excuser(actor, excuse.org)
    return excuse


@transaction.atomic
def requirement_excuse_withdraw(*, actor: User, excuse: RequirementExcuse) -> None:
    """Take an excuse back: the period is checked as it stands again. Audited, with the reason withdrawn."""
    _check_excuser(actor, excuse.org)
    audit.record(
        actor=actor,
        action="requirement.withdraw",
        obj=excuse,
        org_path=excuse.org.path,
        changes={
            "requirement": excuse.requirement,
            "period": excuse.period_starts_on.isoformat(),
            "kind": excuse.period_kind,
            "reason": excuse.reason,
        },
    )
    excuse.delete()


# --- A committee's settings of organisational life ------------------------------------------------

LIFE_SETTINGS_FIELDS = ["variant", "overrides", "reminder_working_days"]


def _known_forms() -> frozenset[str]:
    return frozenset(StudyForm.values) | reminder_rules.ALL_FORMS


@transaction.atomic
def life_settings_update(
    *, actor: User, org: Organisation, variant: str, overrides: dict, reminder_working_days: int
) -> LifeSettings:
    """Set a committee's variant of the requirements, its overrides and the reminder lead time; its branches
    follow them. Validated as a whole (a bad override is refused and nothing is stored). Audited."""
    if org.kind != OrgKind.COMMITTEE or not scope_for(actor).allows(sel.LIFE_PERM, org.path):
        raise NotFound()
    raise_for_errors(reminder_rules.settings_errors(variant, overrides, reminder_working_days, _known_forms()))
    # Store the overrides as the rules read them back: forms as a sorted list, numbers as numbers.
    stored = {
        key: {
            name: sorted(value) if name == "forms" else int(value) if name in ("times", "min_full_members") else value
            for name, value in values.items()
        }
        for key, values in overrides.items()
        if values
    }
    settings = LifeSettings.objects.select_for_update().filter(org=org).first() or LifeSettings(org=org)
    before = audit.snapshot(settings, LIFE_SETTINGS_FIELDS)
    settings.variant = variant
    settings.overrides = stored
    settings.reminder_working_days = reminder_working_days
    settings.save()
    changes = audit.diff(before, audit.snapshot(settings, LIFE_SETTINGS_FIELDS))
    if changes:
        audit.record(actor=actor, action="life_settings.update", obj=settings, org_path=org.path, changes=changes)
    return settings


# --- Reminders ---------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    """What one run of the reminders sent: notices, and the requirements and activities they were about."""

    requirements: int = 0
    activities: int = 0
    notices: int = 0


def life_reminders_send(*, today: datetime.date | None = None) -> ReminderResult:
    """The daily job, as the system actor: remind, each committee's lead time ahead (in working days),
    the officers of a branch (or Party group) whose requirement is still due before its period closes,
    and the expected attendees of an activity (those who have not asked for leave) before it starts.

    Idempotent: each reminder carries a notice key (the organisation, requirement and period; the activity
    and its day), so running it twice sends nothing new, and a day the job missed is caught up the next."""
    today = today or timezone.localdate()
    actor = system_actor()
    calendar = working_calendar()
    result = ReminderResult()
    _remind_requirements(actor=actor, today=today, calendar=calendar, result=result)
    _remind_activities(actor=actor, today=today, calendar=calendar, result=result)
    return result


@transaction.atomic(durable=True)
def _remind_requirements(
    *, actor: User, today: datetime.date, calendar: WorkingCalendar, result: ReminderResult
) -> None:
    branches = list(Organisation.objects.active().branches().order_by("path"))
    in_force = sel.life_settings_for(branches)
    due: list[tuple[Organisation, sel.LifeCheck]] = []
    # The month containing today: every requirement is checked in its own period that contains today.
    for row in sel.life_matrix(branches, req.period_of(req.PeriodKind.MONTH, today), today=today):
        lead = in_force[row.org.pk].reminder_working_days
        due.extend(
            (row.org, check)
            for cell in row.cells
            for check in cell.checks
            if check.status == req.Status.DUE
            and reminder_rules.reminder_due(today, check.result.closes_on, lead, calendar)
        )
    if not due:
        return
    reached = {org.pk: org for branch, check in due for org in (branch, check.org)}
    officers = sel.life_officers(list(reached.values()), today)
    for branch, check in due:
        requirement, period = check.result.requirement, check.result.period
        recipients = list(officers[check.org.pk])
        if check.org.pk != branch.pk:  # a Party group's meeting: its leader, and the branch's secretary
            recipients += officers[branch.pk]
        where = branch.name if check.org.pk == branch.pk else f"{branch.name} · {check.org.name}"
        numbers = {
            "org": where,
            "name": requirement.name,
            "period": period.label,
            "date": period.closes_on.isoformat(),
            "count": len(check.result.counted),
            "needed": requirement.times,
        }
        sent = notice_send(
            recipients=recipients,
            title=_("%(org)s: %(name)s for %(period)s is still due; the period closes on %(date)s") % numbers,
            body=_(
                "%(count)d of %(needed)d held so far. Hold it before %(date)s, or record on the organisational-life "
                "page why it cannot be held."
            )
            % numbers,
            url=sel.life_url(branch, period, requirement.key),
            key=f"life:{check.org.pk}:{requirement.key}:{period.kind}:{period.starts_on.isoformat()}",
        )
        if sent:
            result.requirements += 1
            result.notices += len(sent)
            audit.record(
                actor=actor,
                action="reminder.requirement",
                obj=check.org,
                org_path=check.org.path,
                changes={
                    "requirement": requirement.key,
                    "period": period.starts_on.isoformat(),
                    "kind": period.kind,
                    "recipients": len(sent),
                },
            )


@transaction.atomic(durable=True)
def _remind_activities(*, actor: User, today: datetime.date, calendar: WorkingCalendar, result: ReminderResult) -> None:
    # No committee reminds earlier than the longest lead time allowed.
    last_day = calendar.add_working_days(today, reminder_rules.MAX_REMINDER_WORKING_DAYS)
    reminders = sel.activities_to_remind(today, last_day)
    if not reminders:
        return
    in_force = sel.life_settings_for(list({r.activity.org_id: r.activity.org for r in reminders}.values()))
    for reminder in reminders:
        activity = reminder.activity
        starts_at = timezone.localtime(activity.starts_at)
        lead = in_force[activity.org_id].reminder_working_days
        if not reminder_rules.reminder_due(today, starts_at.date(), lead, calendar):
            continue
        numbers = {
            "theme": activity.theme,
            "org": activity.org.name,
            "form": activity.get_form_display(),
            "when": starts_at.strftime("%Y-%m-%d %H:%M"),
            "place": activity.place or "—",
        }
        sent = notice_send(
            recipients=reminder.recipients,
            title=_("Coming up: %(theme)s, %(when)s") % numbers,
            body=_(
                "%(org)s · %(form)s, starting %(when)s at %(place)s. If you cannot attend, ask for leave on the "
                "activity's page."
            )
            % numbers,
            url=reverse("study:activity-detail", args=[activity.pk]),
            key=f"activity:{activity.pk}:{starts_at.date().isoformat()}",
        )
        if sent:
            result.activities += 1
            result.notices += len(sent)
            audit.record(
                actor=actor,
                action="reminder.activity",
                obj=activity,
                org_path=activity.org.path,
                changes={"starts_at": starts_at.isoformat(), "recipients": len(sent)},
            )
