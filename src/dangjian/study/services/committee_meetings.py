"""Meetings at committee level (党委会, 党政联席会议): the meeting, its agenda items (议题) with the meeting's
decision on each, leaders who attend without being members here, and the decisions (决定事项) tracked to done.

The meeting is an activity (dates, place, publishing and check-in are the activities' services); what is
written here is what the committee adds to it. Officers who run the committee's study write; the owner of a
decision may also record it done.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.unset import UNSET, Unset, given
from dangjian.members.audience import Audience
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.orgs.models import Organisation
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    AgendaItem,
    Attendance,
    CommitteeMeeting,
    Decision,
    DecisionStatus,
    ExternalAttendee,
    Outcome,
    Side,
)
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.services.activities import activity_create

AGENDA_FIELDS = ["position", "title", "side", "proposer_name", "proposer_post", "materials", "outcome", "resolution"]
DECISION_FIELDS = ["agenda_item", "text", "owner_side", "owner", "owner_name", "owner_post", "due_on"]


def _check_manage(actor: User, activity: Activity) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_STUDY, activity.org.path):
        raise Forbidden()


def _check_meeting(activity: Activity) -> None:
    if not rules.is_leadership_meeting(activity.form):
        raise DomainError(_("This activity is not a committee meeting."))


def _meeting_day(activity: Activity) -> datetime.date:
    return timezone.localdate(activity.starts_at)


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def _side(value: str, field: str) -> str:
    if value not in Side.values:
        raise DomainError(_("Choose the Party committee or the administration."), field=field)
    return value


# --- the meeting ------------------------------------------------------------------------------


@transaction.atomic
def committee_meeting_create(
    *,
    actor: User,
    org: Organisation,
    form: str,
    theme: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    chair_name: str = "",
    recorder_name: str = "",
) -> Activity:
    """A committee-level meeting as a draft activity for the committee's officers (no study credit), with its
    chair and recorder. Publishing it (the activities' service) fixes the expected attendees."""
    if not rules.is_leadership_meeting(form):
        raise DomainError(_("Choose a Party committee meeting or a joint Party–administration meeting."), field="form")
    activity = activity_create(
        actor=actor,
        org=org,
        form=form,
        theme=theme,
        audience=Audience.OFFICERS,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        credit_minutes=0,
    )
    meeting = CommitteeMeeting.objects.create(
        activity=activity, chair_name=chair_name.strip(), recorder_name=recorder_name.strip()
    )
    audit.record(
        actor=actor,
        action="committee_meeting.create",
        obj=meeting,
        org_path=org.path,
        changes={"activity": activity.pk, "form": form, "chair_name": meeting.chair_name},
    )
    return activity


@transaction.atomic
def committee_meeting_update(
    *, actor: User, activity: Activity, chair_name: str | Unset = UNSET, recorder_name: str | Unset = UNSET
) -> CommitteeMeeting:
    """Change who chairs the meeting and who keeps its record."""
    _check_manage(actor, activity)
    _check_meeting(activity)
    meeting, _created = CommitteeMeeting.objects.get_or_create(activity=activity)
    before = audit.snapshot(meeting, ["chair_name", "recorder_name"])
    for key, value in given(chair_name=chair_name, recorder_name=recorder_name).items():
        setattr(meeting, key, (value or "").strip())
    meeting.save()
    changes = audit.diff(before, audit.snapshot(meeting, ["chair_name", "recorder_name"]))
    if changes:
        audit.record(
            actor=actor, action="committee_meeting.update", obj=meeting, org_path=activity.org.path, changes=changes
        )
    return meeting


@transaction.atomic
def meeting_attendee_add(*, actor: User, activity: Activity, member: Member) -> Attendance:
    """Expect a leader who is a member here but not one of the committee's officers (an administrative leader
    at the joint meeting, say): they then check in like the others."""
    _check_manage(actor, activity)
    _check_meeting(activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise DomainError(_("Publish the meeting first: its expected attendees are fixed when it is published."))
    if member.org is None or not member.org.path.startswith(activity.org.path):
        raise DomainError(_("Choose a member of %(org)s.") % {"org": activity.org.name}, field="member")
    row, created = Attendance.objects.get_or_create(activity=activity, member=member, defaults={"expected": True})
    if not created:
        if row.expected:
            raise DomainError(_("%(name)s is already expected at the meeting.") % {"name": member.name}, field="member")
        row.expected = True
        row.save(update_fields=["expected", "updated_at"])
    audit.record(
        actor=actor,
        action="committee_meeting.attendee_add",
        obj=row,
        org_path=activity.org.path,
        changes={"member": member.pk},
    )
    return row


# --- agenda items -------------------------------------------------------------------------------


def _clean_agenda(item: AgendaItem) -> None:
    item.title = _text(item.title, "title", _("Give the agenda item a title."))
    item.proposer_name = _text(item.proposer_name, "proposer_name", _("Give the name of who proposes it."))
    item.proposer_post = (item.proposer_post or "").strip()
    item.materials = (item.materials or "").strip()
    item.resolution = (item.resolution or "").strip()
    _side(item.side, "side")
    if item.outcome and item.outcome not in Outcome.values:
        raise DomainError(_("Choose an outcome."), field="outcome")
    if item.position < 1:
        raise DomainError(_("The order starts at 1."), field="position")


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    activity: Activity,
    title: str,
    side: str,
    proposer_name: str,
    proposer_post: str = "",
    materials: str = "",
    position: int | None = None,
) -> AgendaItem:
    """An item on the meeting's agenda, last unless `position` is given."""
    _check_manage(actor, activity)
    _check_meeting(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("A cancelled meeting cannot be changed."))
    if position is None:
        position = activity.agenda_items.count() + 1
    item = AgendaItem(
        activity=activity,
        position=position,
        title=title,
        side=side,
        proposer_name=proposer_name,
        proposer_post=proposer_post,
        materials=materials,
    )
    _clean_agenda(item)
    item.save()
    audit.record(
        actor=actor,
        action="agenda_item.add",
        obj=item,
        org_path=activity.org.path,
        changes=audit.snapshot(item, AGENDA_FIELDS) | {"activity": activity.pk},
    )
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor: User,
    item: AgendaItem,
    title: str | Unset = UNSET,
    side: str | Unset = UNSET,
    proposer_name: str | Unset = UNSET,
    proposer_post: str | Unset = UNSET,
    materials: str | Unset = UNSET,
    position: int | Unset = UNSET,
    outcome: str | Unset = UNSET,
    resolution: str | Unset = UNSET,
) -> AgendaItem:
    """Change an item, or record the meeting's decision on it (an outcome once the meeting has started)."""
    activity = item.activity
    _check_manage(actor, activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("A cancelled meeting cannot be changed."))
    before = audit.snapshot(item, AGENDA_FIELDS)
    for key, value in given(
        title=title,
        side=side,
        proposer_name=proposer_name,
        proposer_post=proposer_post,
        materials=materials,
        position=position,
        outcome=outcome,
        resolution=resolution,
    ).items():
        setattr(item, key, value)
    _clean_agenda(item)
    if item.outcome and timezone.now() < activity.starts_at:
        raise DomainError(_("The outcome is recorded once the meeting has started."), field="outcome")
    if item.outcome and not rules.decision_allowed_for(item.outcome) and item.decisions_taken.exists():
        raise DomainError(
            _("Decisions to carry out follow from this item: it was approved, or remove them first."), field="outcome"
        )
    item.save()
    changes = audit.diff(before, audit.snapshot(item, AGENDA_FIELDS))
    if changes:
        audit.record(actor=actor, action="agenda_item.update", obj=item, org_path=activity.org.path, changes=changes)
    return item


@transaction.atomic
def agenda_item_remove(*, actor: User, item: AgendaItem) -> None:
    """Take an item off the agenda; one that decisions follow from stays."""
    activity = item.activity
    _check_manage(actor, activity)
    if item.decisions_taken.exists():
        raise DomainError(_("Decisions follow from this item; it cannot be removed."))
    audit.record(
        actor=actor,
        action="agenda_item.remove",
        obj=item,
        org_path=activity.org.path,
        changes=audit.snapshot(item, AGENDA_FIELDS),
    )
    item.delete()


# --- leaders who are not members here -------------------------------------------------------------


@transaction.atomic
def external_attendee_add(
    *,
    actor: User,
    activity: Activity,
    name: str,
    post: str,
    side: str,
    sits_in: bool = False,
    present: bool = True,
    absence_reason: str = "",
) -> ExternalAttendee:
    """Record a leader who is not a member on the platform (院长, 副院长 …) by name and post."""
    _check_manage(actor, activity)
    _check_meeting(activity)
    attendee = ExternalAttendee(
        activity=activity,
        name=_text(name, "name", _("Give the attendee's name.")),
        post=_text(post, "post", _("Give the attendee's post.")),
        side=_side(side, "side"),
        sits_in=sits_in,
        present=present,
        absence_reason="" if present else (absence_reason or "").strip(),
    )
    attendee.save()
    audit.record(
        actor=actor,
        action="external_attendee.add",
        obj=attendee,
        org_path=activity.org.path,
        changes=audit.snapshot(attendee, ["name", "post", "side", "sits_in", "present"]),
    )
    return attendee


@transaction.atomic
def external_attendee_remove(*, actor: User, attendee: ExternalAttendee) -> None:
    activity = attendee.activity
    _check_manage(actor, activity)
    audit.record(
        actor=actor,
        action="external_attendee.remove",
        obj=attendee,
        org_path=activity.org.path,
        changes={"name": attendee.name, "post": attendee.post},
    )
    attendee.delete()


# --- decisions ----------------------------------------------------------------------------------


def _clean_decision(decision: Decision, activity: Activity) -> None:
    decision.text = _text(decision.text, "text", _("Write what was decided."))
    _side(decision.owner_side, "owner_side")
    decision.owner_name = (decision.owner_name or "").strip()
    decision.owner_post = (decision.owner_post or "").strip()
    if decision.owner_id is not None:
        decision.owner_name = ""
        owner = decision.owner
        if owner is None or owner.org is None or not owner.org.path.startswith(activity.org.path):
            raise DomainError(_("Choose a member of %(org)s.") % {"org": activity.org.name}, field="owner")
    elif not decision.owner_name:
        raise DomainError(_("Name who carries it out: a member, or a name and post."), field="owner_name")
    if decision.agenda_item_id is not None:
        item = decision.agenda_item
        if item is None or item.activity_id != activity.pk:
            raise DomainError(_("The agenda item belongs to another meeting."), field="agenda_item")
        if item.outcome and not rules.decision_allowed_for(item.outcome):
            raise DomainError(_("Only an approved agenda item leads to decisions to carry out."), field="agenda_item")
    if rules.due_on_problem(decision.due_on, _meeting_day(activity)):
        raise DomainError(_("The due date cannot be before the meeting."), field="due_on")


def _clean_orgs(activity: Activity, orgs: Iterable[Organisation]) -> list[Organisation]:
    chosen = list(dict.fromkeys(orgs))
    for org in chosen:
        if not org.path.startswith(activity.org.path) or org.dissolved_on is not None:
            raise DomainError(
                _("Choose organisations of %(org)s that still exist.") % {"org": activity.org.name}, field="orgs"
            )
    return chosen


@transaction.atomic
def decision_create(
    *,
    actor: User,
    activity: Activity,
    text: str,
    owner_side: str,
    owner: Member | None = None,
    owner_name: str = "",
    owner_post: str = "",
    due_on: datetime.date | None = None,
    orgs: Iterable[Organisation] = (),
    agenda_item: AgendaItem | None = None,
) -> Decision:
    """A decision of the meeting to carry out, with its owner, due date and the organisations it concerns
    (they see it in their list of the college's decisions)."""
    _check_manage(actor, activity)
    _check_meeting(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("A cancelled meeting cannot be changed."))
    decision = Decision(
        activity=activity,
        agenda_item=agenda_item,
        text=text,
        owner_side=owner_side,
        owner=owner,
        owner_name=owner_name,
        owner_post=owner_post,
        due_on=due_on,
    )
    _clean_decision(decision, activity)
    chosen = _clean_orgs(activity, orgs)
    decision.save()
    decision.orgs.set(chosen)
    audit.record(
        actor=actor,
        action="decision.create",
        obj=decision,
        org_path=activity.org.path,
        changes=audit.snapshot(decision, DECISION_FIELDS) | {"orgs": sorted(o.pk for o in chosen)},
    )
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: User,
    decision: Decision,
    text: str | Unset = UNSET,
    owner_side: str | Unset = UNSET,
    owner: Member | None | Unset = UNSET,
    owner_name: str | Unset = UNSET,
    owner_post: str | Unset = UNSET,
    due_on: datetime.date | None | Unset = UNSET,
    orgs: Iterable[Organisation] | Unset = UNSET,
    agenda_item: AgendaItem | None | Unset = UNSET,
) -> Decision:
    """Change a decision (its wording, owner, due date, the organisations it concerns)."""
    activity = decision.activity
    _check_manage(actor, activity)
    before = audit.snapshot(decision, DECISION_FIELDS)
    for key, value in given(
        text=text,
        owner_side=owner_side,
        owner=owner,
        owner_name=owner_name,
        owner_post=owner_post,
        due_on=due_on,
        agenda_item=agenda_item,
    ).items():
        setattr(decision, key, value)
    _clean_decision(decision, activity)
    decision.save()
    changes = audit.diff(before, audit.snapshot(decision, DECISION_FIELDS))
    if orgs is not UNSET:
        chosen = _clean_orgs(activity, orgs)
        old = sorted(decision.orgs.values_list("pk", flat=True))
        if old != sorted(o.pk for o in chosen):
            decision.orgs.set(chosen)
            changes["orgs"] = [old, sorted(o.pk for o in chosen)]
    if changes:
        audit.record(actor=actor, action="decision.update", obj=decision, org_path=activity.org.path, changes=changes)
    return decision


def can_complete(actor: User, decision: Decision) -> bool:
    """Officers who run the committee's study, and the decision's owner, record it done."""
    if scope_for(actor).allows(Perm.MANAGE_STUDY, decision.activity.org.path):
        return True
    member = actor_member(actor)
    return member is not None and decision.owner_id == member.pk


@transaction.atomic
def decision_complete(
    *, actor: User, decision: Decision, done_on: datetime.date, note: str, today: datetime.date | None = None
) -> Decision:
    """Record a decision as carried out: on which day, and what was done."""
    if not can_complete(actor, decision):
        raise Forbidden()
    decision = Decision.objects.select_for_update().select_related("activity__org").get(pk=decision.pk)
    if decision.status == DecisionStatus.DONE:
        raise DomainError(_("This decision has already been recorded as done."))
    note = _text(note, "note", _("Say what was done."))
    today = today or timezone.localdate()
    problem = rules.done_on_problem(done_on, _meeting_day(decision.activity), today)
    if problem == "before_meeting":
        raise DomainError(_("It cannot be done before the meeting that decided it."), field="done_on")
    if problem == "future":
        raise DomainError(_("The day it was done cannot be in the future."), field="done_on")
    decision.status = DecisionStatus.DONE
    decision.done_on = done_on
    decision.done_note = note
    decision.done_by = actor
    decision.save(update_fields=["status", "done_on", "done_note", "done_by", "updated_at"])
    audit.record(
        actor=actor,
        action="decision.complete",
        obj=decision,
        org_path=decision.activity.org.path,
        changes={"status": [DecisionStatus.OPEN, DecisionStatus.DONE], "done_on": done_on, "note": note},
    )
    return decision


@transaction.atomic
def decision_reopen(*, actor: User, decision: Decision, reason: str) -> Decision:
    """Open a decision recorded as done again (it was not finished after all), with a reason."""
    _check_manage(actor, decision.activity)
    decision = Decision.objects.select_for_update().select_related("activity__org").get(pk=decision.pk)
    if decision.status != DecisionStatus.DONE:
        raise DomainError(_("Only a decision recorded as done can be reopened."))
    reason = _text(reason, "reason", _("Give a reason for reopening it."))
    before = [decision.done_on, decision.done_note]
    decision.status = DecisionStatus.OPEN
    decision.done_on = None
    decision.done_note = ""
    decision.done_by = None
    decision.save(update_fields=["status", "done_on", "done_note", "done_by", "updated_at"])
    audit.record(
        actor=actor,
        action="decision.reopen",
        obj=decision,
        org_path=decision.activity.org.path,
        changes={"status": [DecisionStatus.DONE, DecisionStatus.OPEN], "was": before, "reason": reason},
    )
    return decision
