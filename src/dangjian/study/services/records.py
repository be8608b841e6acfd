"""Meeting records: the minutes (host, recorder, agenda, speeches, decisions), the general meeting's vote
records, the organisational life meeting's stages and its 整改 items tracked to done.

Every write is audited and checked: the organiser's officers write the record; the owner of a 整改 item
(or an officer) reports it done. Attendance is never typed into the minutes: the record reads the
check-in's rows when shown.
"""

import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.core.rules import votes
from dangjian.members.models import Member
from dangjian.study.models import (
    Activity,
    ActivityStatus,
    LifeMeeting,
    MeetingMinutes,
    MeetingSpeech,
    RectificationItem,
    RectificationStatus,
    VoteRecord,
)
from dangjian.study.rules import records as rules
from dangjian.study.selectors.records import meeting_day, voting_defaults

MINUTES_FIELDS = ["host", "host_name", "recorder", "recorder_name", "agenda", "guests"]
LIFE_FIELDS = ["study_done", "study_note", "talks_done", "talks_note", "problems", "criticism"]
VOTE_FIELDS = [
    "item",
    "matter",
    "entitled",
    "present",
    "adjust_reason",
    "yes",
    "no",
    "abstain",
    "written_yes",
    "written_no",
    "written_abstain",
]


@dataclass(frozen=True)
class Speech:
    """One speech as a form or the API hands it in: a member who was there, or a guest's name, and the gist."""

    gist: str
    speaker: Member | None = None
    speaker_name: str = ""


def _check_manage(actor: User, activity: Activity) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_STUDY, activity.org.path):
        raise Forbidden()


def _check_held(activity: Activity, now: datetime.datetime | None = None) -> None:
    if activity.status != ActivityStatus.PUBLISHED or (now or timezone.now()) < activity.starts_at:
        raise DomainError(_("The record is written for a published activity once it has started."))


def _check_person(activity: Activity, member: Member | None, field: str) -> None:
    """A person named in the record is a member of the organiser or was at the meeting."""
    if member is None:
        return
    here = member.org is not None and member.org.path.startswith(activity.org.path)
    if not here and not activity.attendances.filter(member=member).exists():
        raise DomainError(_("Choose a member of the organiser or someone who was at the meeting."), field=field)


def _person(member: Member | None, name: str) -> tuple[Member | None, str]:
    """A member, or a name typed for someone who is not one here; never both."""
    return member, "" if member is not None else (name or "").strip()


@transaction.atomic(durable=True)
def minutes_save(
    *,
    actor: User,
    activity: Activity,
    agenda: str = "",
    host: Member | None = None,
    host_name: str = "",
    recorder: Member | None = None,
    recorder_name: str = "",
    guests: str = "",
    decisions: str | None = None,
    speeches: list[Speech] | None = None,
    now: datetime.datetime | None = None,
) -> MeetingMinutes:
    """Write the minutes of a held meeting: host, recorder, agenda, guests, the speeches in order (replacing
    the ones recorded before) and, when given, the decisions."""
    _check_manage(actor, activity)
    _check_held(activity, now)
    for member, field in ((host, "host"), (recorder, "recorder")):
        _check_person(activity, member, field)
    speeches = speeches or []
    problems: dict[str, list[str]] = {}
    for speech in speeches:
        _check_person(activity, speech.speaker, "speeches")
        if not speech.gist.strip():
            problems.setdefault("speeches", []).append(_("Write the gist of each speech."))
        if speech.speaker is None and not speech.speaker_name.strip():
            problems.setdefault("speeches", []).append(_("Name who spoke."))
    raise_for_errors(problems)

    minutes, created = MeetingMinutes.objects.select_for_update().get_or_create(activity=activity)
    before = audit.snapshot(minutes, MINUTES_FIELDS)
    minutes.host, minutes.host_name = _person(host, host_name)
    minutes.recorder, minutes.recorder_name = _person(recorder, recorder_name)
    minutes.agenda = "\n".join(line.strip() for line in agenda.splitlines() if line.strip())
    minutes.guests = guests.strip()
    minutes.save()
    changes: dict[str, bool | int] = {key: True for key in audit.diff(before, audit.snapshot(minutes, MINUTES_FIELDS))}
    if decisions is not None and decisions.strip() != activity.decisions:
        activity.decisions = decisions.strip()
        activity.save(update_fields=["decisions", "updated_at"])
        changes["decisions"] = True
    old = [(s.speaker_id, s.speaker_name, s.gist) for s in activity.speeches.order_by("position", "pk")]
    new = [
        (s.speaker.pk if s.speaker else None, "" if s.speaker else s.speaker_name.strip(), s.gist.strip())
        for s in speeches
    ]
    if old != new:
        activity.speeches.all().delete()
        MeetingSpeech.objects.bulk_create(
            MeetingSpeech(activity=activity, position=i, speaker_id=pk, speaker_name=name, gist=gist)
            for i, (pk, name, gist) in enumerate(new, start=1)
        )
        changes["speeches"] = len(new)
    if changes or created:
        # Minutes are prose: the audit keeps which parts changed, not the text.
        audit.record(
            actor=actor, action="meeting_minutes.save", obj=activity, org_path=activity.org.path, changes=changes
        )
    return minutes


class VoteValues(TypedDict):
    """A vote record's fields as entered (`VOTE_FIELDS`)."""

    item: str
    matter: str
    entitled: int
    present: int
    adjust_reason: str
    yes: int
    no: int
    abstain: int
    written_yes: int
    written_no: int
    written_abstain: int


def _vote_problems(values: VoteValues, defaults: tuple[int, int]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not (values.get("item") or "").strip():
        problems["item"] = [_("Say what was voted on.")]
    found = votes.vote_problems(
        values["entitled"],
        values["present"],
        values["yes"],
        values["no"],
        values["abstain"],
        values["written_yes"],
        values["written_no"],
        values["written_abstain"],
        values["matter"],
    )
    if found:
        problems["__all__"] = found
    if (
        rules.adjustment_needs_reason(values["entitled"], values["present"], *defaults)
        and not (values.get("adjust_reason") or "").strip()
    ):
        problems["adjust_reason"] = [
            _(
                "应到 and 实到 default to %(entitled)d full members on the roster and %(present)d of them present: "
                "say why the numbers differ."
            )
            % {"entitled": defaults[0], "present": defaults[1]}
        ]
    return problems


@transaction.atomic(durable=True)
def vote_record_add(
    *,
    actor: User,
    activity: Activity,
    item: str,
    matter: str = votes.Matter.OTHER,
    yes: int = 0,
    no: int = 0,
    abstain: int = 0,
    written_yes: int = 0,
    written_no: int = 0,
    written_abstain: int = 0,
    entitled: int | None = None,
    present: int | None = None,
    adjust_reason: str = "",
    now: datetime.datetime | None = None,
) -> VoteRecord:
    """Record a general meeting's vote on one item. 应到 and 实到 default to the full members on the roster
    and those of them checked in; other numbers need a reason. Numbers that do not add up are refused."""
    _check_manage(actor, activity)
    if not rules.takes_votes(activity.form):
        raise DomainError(_("Votes are recorded for a general meeting (支部党员大会)."))
    _check_held(activity, now)
    defaults = voting_defaults(activity)
    values: VoteValues = {
        "item": item.strip(),
        "matter": matter,
        "entitled": defaults[0] if entitled is None else entitled,
        "present": defaults[1] if present is None else present,
        "adjust_reason": adjust_reason.strip(),
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "written_yes": written_yes,
        "written_no": written_no,
        "written_abstain": written_abstain,
    }
    if matter not in votes.Matter.WRITTEN_OPINIONS_COUNT | {votes.Matter.OTHER}:
        raise DomainError(_("Choose what kind of matter was voted on."), field="matter")
    raise_for_errors(_vote_problems(values, defaults))
    if not rules.adjustment_needs_reason(values["entitled"], values["present"], *defaults):
        values["adjust_reason"] = ""
    position = activity.vote_records.count() + 1
    record = VoteRecord.objects.create(
        activity=activity,
        position=position,
        entitled_default=defaults[0],
        present_default=defaults[1],
        **values,
    )
    result = rules.tally(
        matter=values["matter"],
        entitled=values["entitled"],
        present=values["present"],
        yes=values["yes"],
        no=values["no"],
        abstain=values["abstain"],
        written_yes=values["written_yes"],
        written_no=values["written_no"],
        written_abstain=values["written_abstain"],
    )
    audit.record(
        actor=actor,
        action="vote_record.add",
        obj=record,
        org_path=activity.org.path,
        changes=audit.snapshot(record, VOTE_FIELDS) | {"passed": result.passed},
    )
    return record


@transaction.atomic(durable=True)
def vote_record_remove(*, actor: User, record: VoteRecord) -> None:
    """Take back a vote record entered by mistake (the audit keeps its numbers)."""
    activity = record.activity
    _check_manage(actor, activity)
    audit.record(
        actor=actor,
        action="vote_record.remove",
        obj=record,
        org_path=activity.org.path,
        changes=audit.snapshot(record, VOTE_FIELDS),
    )
    record.delete()


def _check_life_meeting(activity: Activity) -> None:
    if not rules.has_life_stages(activity.form):
        raise DomainError(_("The three stages belong to an organisational life meeting (组织生活会)."))
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("The activity has been cancelled."))


@transaction.atomic(durable=True)
def life_meeting_save(
    *,
    actor: User,
    activity: Activity,
    study_done: bool = False,
    study_note: str = "",
    talks_done: bool = False,
    talks_note: str = "",
    problems: str = "",
    criticism: str = "",
) -> LifeMeeting:
    """Record the stages before (study, talks) and during (problems found, criticism and self-criticism)
    an organisational life meeting; the preparation may be recorded before the meeting."""
    _check_manage(actor, activity)
    _check_life_meeting(activity)
    life, _created = LifeMeeting.objects.select_for_update().get_or_create(activity=activity)
    before = audit.snapshot(life, LIFE_FIELDS)
    life.study_done, life.talks_done = study_done, talks_done
    life.study_note, life.talks_note = study_note.strip(), talks_note.strip()
    life.problems = "\n".join(line.strip() for line in problems.splitlines() if line.strip())
    life.criticism = criticism.strip()
    life.save()
    changes = audit.diff(before, audit.snapshot(life, LIFE_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="life_meeting.save",
            obj=activity,
            org_path=activity.org.path,
            changes={key: value if key.endswith("_done") else True for key, value in changes.items()},
        )
    return life


@transaction.atomic(durable=True)
def rectification_add(
    *, actor: User, activity: Activity, problem: str, measure: str, owner: Member, due_on: datetime.date
) -> RectificationItem:
    """A 整改 measure after an organisational life meeting, with its owner (a member of the organiser) and due day."""
    _check_manage(actor, activity)
    _check_life_meeting(activity)
    problems: dict[str, str] = {}
    if not problem.strip():
        problems["problem"] = _("Name the problem.")
    if not measure.strip():
        problems["measure"] = _("Describe the measure.")
    if owner.org is None or not owner.org.path.startswith(activity.org.path):
        problems["owner"] = _("The owner must be a current member of the organiser.")
    if due_on < meeting_day(activity):
        problems["due_on"] = _("The due day cannot be before the meeting.")
    raise_for_errors(problems)
    item = RectificationItem.objects.create(
        activity=activity, problem=problem.strip(), measure=measure.strip(), owner=owner, due_on=due_on
    )
    audit.record(
        actor=actor,
        action="rectification.add",
        obj=item,
        org_path=activity.org.path,
        changes={"owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return item


@transaction.atomic(durable=True)
def rectification_done(
    *, actor: User, item: RectificationItem, done_on: datetime.date, note: str = "", today: datetime.date | None = None
) -> RectificationItem:
    """Report a 整改 item done (its owner or an officer of the organiser), with the day and a note on what was done."""
    today = today or timezone.localdate()
    item = RectificationItem.objects.select_for_update().select_related("activity__org", "owner").get(pk=item.pk)
    scope = scope_for(actor)
    if item.owner_id != scope.member_id and not scope.allows(Perm.MANAGE_STUDY, item.activity.org.path):
        raise Forbidden()
    if item.status == RectificationStatus.DONE:
        raise DomainError(_("This item has already been reported done."))
    problems: dict[str, str] = {}
    if done_on > today:
        problems["done_on"] = _("The day it was done cannot be in the future.")
    elif done_on < meeting_day(item.activity):
        problems["done_on"] = _("The day it was done cannot be before the meeting.")
    if not note.strip():
        problems["note"] = _("Say what was done.")
    raise_for_errors(problems)
    item.status, item.done_on, item.note = RectificationStatus.DONE, done_on, note.strip()
    item.save(update_fields=["status", "done_on", "note", "updated_at"])
    audit.record(
        actor=actor,
        action="rectification.done",
        obj=item,
        org_path=item.activity.org.path,
        changes={"status": ["open", "done"], "done_on": done_on.isoformat()},
    )
    return item
