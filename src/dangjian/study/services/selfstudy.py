"""Self-study actions: log, change and remove entries; create and change reading lists; export the ledger."""

import datetime
import io
from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden, NotFound, raise_for_errors
from dangjian.core.unset import UNSET, Unset, given
from dangjian.library.models import Material, MaterialStatus
from dangjian.library.selectors.materials import visible_materials
from dangjian.members.audience import Audience
from dangjian.members.models import Member
from dangjian.members.permissions import can_manage
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.study.models import ReadingItem, ReadingList, SelfStudy
from dangjian.study.rules import selfstudy as rules
from dangjian.study.selectors import selfstudy as selectors

ENTRY_FIELDS = ["studied_on", "minutes", "title", "reading_item", "material", "reflection"]
LIST_FIELDS = ["title", "guidance", "audience", "due_on"]
READING_LIST_ORG_KINDS = {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.GROUP}
# How far back the near-duplicate check looks, so that it stays cheap in a large branch.
SIMILARITY_WINDOW_DAYS = 400


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise DomainError(problems[0][1], field=problems[0][0], errors=errors)


def _branch_path(org: Organisation) -> str:
    """The path of a member's branch: a group's parent, or the organisation itself."""
    if org.kind == OrgKind.GROUP and org.parent_id:
        return org.path[: -len(Organisation.path_segment(org.pk))]
    return org.path


def _check_similarity(entry: SelfStudy) -> None:
    """Point `similar_to` at a near-duplicate reflection of the same branch (officers see it; the member never)."""
    match = None
    org = entry.member.org
    if org is not None and rules.comparable(entry.reflection):
        since = entry.studied_on - datetime.timedelta(days=SIMILARITY_WINDOW_DAYS)
        candidates = list(
            SelfStudy.objects.filter(member__org__path__startswith=_branch_path(org), studied_on__gte=since)
            .exclude(pk=entry.pk)
            .exclude(reflection="")
            .values_list("pk", "reflection")
        )
        match = rules.most_similar(entry.reflection, candidates)
    similar_to_id = match[0] if match else None
    if entry.similar_to_id != similar_to_id:
        entry.similar_to_id = similar_to_id
        entry.save(update_fields=["similar_to", "updated_at"])


def _minutes_logged(member: Member, day: datetime.date, exclude_pk: int | None = None) -> int:
    qs = SelfStudy.objects.filter(member=member, studied_on=day)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("minutes"))["total"] or 0


def _check_reading_item(member: Member, reading_item: ReadingItem | None) -> None:
    if reading_item is None:
        return
    assigned = {item.pk for item in selectors.assigned_reading_items(member=member)}
    if reading_item.pk not in assigned:
        raise DomainError(_("This item is not on a reading list assigned to you."), field="reading_item")


def _check_material(actor: User, material: Material | None) -> None:
    if material is not None:
        selectors.visible_material(actor, material.pk)  # missing and hidden alike: a 400 on `material`


def _material_of_item(actor: User, reading_item: ReadingItem | None) -> Material | None:
    """The library material of a reading-list item, when the actor may see it: the entry names it too."""
    if reading_item is None or reading_item.material_id is None:
        return None
    return visible_materials(actor).filter(pk=reading_item.material_id).first()


def _default_title(data: dict) -> str:
    """The title given, else the reading-list item's, else the material's."""
    title = (data["title"] or "").strip()
    if not title and data["reading_item"] is not None:
        title = data["reading_item"].title
    if not title and data["material"] is not None:
        title = data["material"].title
    return title


def _validate_entry(
    member: Member, data: dict, *, exclude_pk: int | None, today: datetime.date, check_item: bool = True
) -> None:
    minutes = data["minutes"]
    if minutes is not None and not isinstance(minutes, int):
        raise DomainError(_("Enter the minutes studied: more than zero."), field="minutes")
    day = data["studied_on"]
    other = _minutes_logged(member, day, exclude_pk) if isinstance(day, datetime.date) else 0
    _raise_problems(
        rules.entry_problems(
            studied_on=day,
            minutes=minutes,
            title=data["title"],
            other_minutes_that_day=other,
            today=today,
            reflection=data["reflection"],
        )
    )
    if check_item:
        _check_reading_item(member, data["reading_item"])


def _member_for(actor: User, member: Member | None) -> Member:
    own_id = scope_for(actor).member_id
    if member is None:
        if own_id is None:
            raise Forbidden(_("Your account is not linked to a member record."))
        return Member.objects.select_related("org").get(pk=own_id)
    if member.pk != own_id and not can_manage(actor, member):
        raise Forbidden()
    return member


@transaction.atomic(durable=True)
def self_study_log(
    *,
    actor: User,
    studied_on: datetime.date,
    minutes: int,
    title: str = "",
    member: Member | None = None,
    reading_item: ReadingItem | None = None,
    material: Material | None = None,
    reflection: str = "",
    today: datetime.date | None = None,
) -> SelfStudy:
    """Log self-study: by the member for themself, or by an officer who manages the member (送学上门).

    The entry may name a library material the actor may see; an item of a reading list that points
    at a material names it too."""
    member = _member_for(actor, member)
    today = today or timezone.localdate()
    _check_material(actor, material)
    data = {
        "studied_on": studied_on,
        "minutes": minutes,
        "title": title,
        "reading_item": reading_item,
        "material": material or _material_of_item(actor, reading_item),
        "reflection": (reflection or "").strip(),
    }
    data["title"] = _default_title(data)
    _validate_entry(member, data, exclude_pk=None, today=today)
    entry = SelfStudy.objects.create(member=member, **data)
    _check_similarity(entry)
    audit.record(
        actor=actor,
        action="self_study.log",
        obj=entry,
        org_path=member.org.path if member.org is not None else "",
        changes=audit.snapshot(entry, ["studied_on", "minutes", "title", "reading_item", "material"])
        | {"member": member.pk},
    )
    return entry


def _check_own_open_entry(actor: User, entry: SelfStudy, today: datetime.date) -> None:
    if entry.member_id != scope_for(actor).member_id:
        raise NotFound()
    if not rules.in_open_year(entry.studied_on, today):
        raise DomainError(_("Entries of a past year can no longer be changed."), field="studied_on")


@transaction.atomic(durable=True)
def self_study_update(
    *,
    actor: User,
    entry: SelfStudy,
    today: datetime.date | None = None,
    studied_on: datetime.date | Unset = UNSET,
    minutes: int | Unset = UNSET,
    title: str | Unset = UNSET,
    reading_item: ReadingItem | None | Unset = UNSET,
    material: Material | None | Unset = UNSET,
    reflection: str | Unset = UNSET,
) -> SelfStudy:
    """Change one of the actor's own entries of the current year."""
    changes = given(
        studied_on=studied_on,
        minutes=minutes,
        title=title,
        reading_item=reading_item,
        material=material,
        reflection=reflection,
    )
    today = today or timezone.localdate()
    _check_own_open_entry(actor, entry, today)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    data = {name: getattr(entry, name) for name in ENTRY_FIELDS} | changes
    item_changed = data["reading_item"] != entry.reading_item
    if data["material"] != entry.material:
        _check_material(actor, data["material"])
    if item_changed and data["material"] is None:
        data["material"] = _material_of_item(actor, data["reading_item"])
    data["title"] = _default_title(data)
    data["reflection"] = (data["reflection"] or "").strip()
    _validate_entry(entry.member, data, exclude_pk=entry.pk, today=today, check_item=item_changed)
    for name, value in data.items():
        setattr(entry, name, value)
    entry.save()
    _check_similarity(entry)
    changed = audit.diff(before, audit.snapshot(entry, ENTRY_FIELDS))
    if "reflection" in changed:  # the text stays out of the audit trail; that it changed is enough
        changed["reflection"] = ["…", "…"]
    if changed:
        audit.record(
            actor=actor,
            action="self_study.update",
            obj=entry,
            org_path=entry.member.org.path if entry.member.org is not None else "",
            changes=changed,
        )
    return entry


@transaction.atomic(durable=True)
def self_study_delete(*, actor: User, entry: SelfStudy, today: datetime.date | None = None) -> None:
    """Remove one of the actor's own entries of the current year."""
    _check_own_open_entry(actor, entry, today or timezone.localdate())
    audit.record(
        actor=actor,
        action="self_study.delete",
        obj=entry,
        org_path=entry.member.org.path if entry.member.org is not None else "",
        changes=audit.snapshot(entry, ["studied_on", "minutes", "title"]),
    )
    # Entries flagged as copies of this one lose the pointer (SET_NULL); re-check them against the rest.
    flagged = list(SelfStudy.objects.filter(similar_to=entry).select_related("member", "member__org"))
    entry.delete()
    for other in flagged:
        other.similar_to_id = None
        _check_similarity(other)


# --- Reading lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemIn:
    """One item of a reading list: a title (taken from the material when empty), a link, or a library material."""

    title: str = ""
    link: str = ""
    required: bool = True
    id: int | None = None
    material: int | None = None  # the id of a published material the officer may see


def _material_titles(actor: User, items: list[ItemIn], keep: Set[int]) -> dict[int, str]:
    """{id: title} of the items' materials that may be chosen: published and visible to the actor, or already
    on the list (a material withdrawn since may stay)."""
    ids = {item.material for item in items if item.material is not None}
    if not ids:
        return {}
    published = visible_materials(actor).filter(status=MaterialStatus.PUBLISHED)
    allowed = set(published.filter(pk__in=ids).values_list("pk", flat=True)) | (ids & keep)
    return dict(Material.objects.filter(pk__in=allowed).values_list("pk", "title"))


def _clean_items(items: list[ItemIn], *, actor: User, keep: Set[int] = frozenset()) -> list[ItemIn]:
    cleaned: list[ItemIn] = []
    errors: list[str] = []
    validate_url = URLValidator(schemes=["http", "https"])
    titles = _material_titles(actor, items, keep)
    for index, item in enumerate(items, start=1):
        title, link = item.title.strip(), item.link.strip()
        if item.material is not None and item.material not in titles:
            # Missing and hidden alike.
            errors.append(_("Item %(n)d: choose a published material you may see in the library.") % {"n": index})
        elif item.material is not None and not title:
            title = titles[item.material][:200]
        if not title:
            errors.append(_("Item %(n)d has no title.") % {"n": index})
        elif len(title) > 200:
            errors.append(_("The title of item %(n)d is too long.") % {"n": index})
        if link:
            try:
                validate_url(link)
            except ValidationError:
                errors.append(_("The link of item %(n)d is not a web address.") % {"n": index})
        cleaned.append(ItemIn(title=title, link=link, required=item.required, id=item.id, material=item.material))
    if not cleaned:
        errors.append(_("Add at least one item to study."))
    if errors:
        raise DomainError(errors[0], field="items", errors={"items": errors})
    return cleaned


def _validate_list(data: dict, today: datetime.date, *, due_may_be_past: bool = False) -> dict:
    data = dict(data)
    data["title"] = (data.get("title") or "").strip()
    data["guidance"] = (data.get("guidance") or "").strip()
    errors: dict[str, list[str]] = {}
    if not data["title"]:
        errors.setdefault("title", []).append(_("Give the reading list a title."))
    elif len(data["title"]) > 200:
        errors.setdefault("title", []).append(_("The title is too long."))
    if data.get("audience") not in Audience.values:
        errors.setdefault("audience", []).append(_("Choose one of the audiences."))
    due_on = data.get("due_on")
    if due_on is not None and due_on < today and not due_may_be_past:
        errors.setdefault("due_on", []).append(_("The due date cannot be in the past."))
    raise_for_errors(errors)
    return data


def _check_list_org(actor: User, org: Organisation) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_STUDY, org.path):
        raise Forbidden()
    if org.kind not in READING_LIST_ORG_KINDS or org.dissolved_on:
        raise DomainError(_("Choose an organisation that is still active."), field="org")


@transaction.atomic(durable=True)
def reading_list_create(
    *,
    actor: User,
    org: Organisation,
    title: str,
    items: list[ItemIn],
    audience: str = Audience.ALL,
    guidance: str = "",
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ReadingList:
    """Assign materials to an audience of an organisation's subtree, with guidance and a due date."""
    _check_list_org(actor, org)
    data = _validate_list(
        {"title": title, "guidance": guidance, "audience": audience, "due_on": due_on}, today or timezone.localdate()
    )
    cleaned = _clean_items(items, actor=actor)
    reading_list = ReadingList.objects.create(org=org, **data)
    ReadingItem.objects.bulk_create(
        ReadingItem(
            reading_list=reading_list,
            title=item.title,
            link=item.link,
            required=item.required,
            material_id=item.material,
            position=i,
        )
        for i, item in enumerate(cleaned)
    )
    audit.record(
        actor=actor,
        action="reading_list.create",
        obj=reading_list,
        org_path=org.path,
        changes=audit.snapshot(reading_list, LIST_FIELDS)
        | {"items": [item.title for item in cleaned], "materials": [item.material for item in cleaned]},
    )
    return reading_list


@transaction.atomic(durable=True)
def reading_list_update(
    *,
    actor: User,
    reading_list: ReadingList,
    items: list[ItemIn] | None = None,
    today: datetime.date | None = None,
    **changes: Any,
) -> ReadingList:
    """Change a reading list. With `items`, the list becomes exactly those: items with an `id` are
    kept and changed, new ones added, the rest removed (their self-study entries stay, unlinked)."""
    _check_list_org(actor, reading_list.org)
    unknown = set(changes) - set(LIST_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(reading_list, LIST_FIELDS)
    merged = {name: getattr(reading_list, name) for name in LIST_FIELDS} | changes
    # A list whose due date has passed can still be edited without moving the date.
    keep_due = merged["due_on"] == reading_list.due_on
    data = _validate_list(merged, today or timezone.localdate(), due_may_be_past=keep_due)
    log = audit.diff(before, data)
    if items is not None:
        existing = {item.pk: item for item in reading_list.items.all()}
        keep = {item.material_id for item in existing.values() if item.material_id is not None}
        cleaned = _clean_items(items, actor=actor, keep=keep)
        unknown_ids = {item.id for item in cleaned if item.id is not None} - set(existing)
        if unknown_ids:
            raise DomainError(_("An item does not belong to this reading list."), field="items")
        kept_ids = set()
        for position, item in enumerate(cleaned):
            if item.id is not None:
                row = existing[item.id]
                row.title, row.link, row.required, row.position = item.title, item.link, item.required, position
                row.material_id = item.material
                row.save()
                kept_ids.add(item.id)
            else:
                ReadingItem.objects.create(
                    reading_list=reading_list,
                    title=item.title,
                    link=item.link,
                    required=item.required,
                    material_id=item.material,
                    position=position,
                )
        ReadingItem.objects.filter(reading_list=reading_list).exclude(pk__in=kept_ids).filter(
            pk__in=list(existing)
        ).delete()
        old_items = sorted(existing.values(), key=lambda i: (i.position, i.pk))
        old_titles = [item.title for item in old_items]
        new_titles = [item.title for item in cleaned]
        if old_titles != new_titles:
            log["items"] = [old_titles, new_titles]
        old_materials = [item.material_id for item in old_items]
        new_materials = [item.material for item in cleaned]
        if old_materials != new_materials:
            log["materials"] = [old_materials, new_materials]
    for name in LIST_FIELDS:
        setattr(reading_list, name, data[name])
    reading_list.save()
    if log:
        audit.record(
            actor=actor, action="reading_list.update", obj=reading_list, org_path=reading_list.org.path, changes=log
        )
    return reading_list


# --- Ledger export ---------------------------------------------------------------------------

# The sheet is a 台账 filed with others, so its headers are data in Chinese, like the roster's.
LEDGER_HEADERS = (
    ("组织", 24),
    ("姓名", 10),
    ("工号/学号", 12),
    ("集体学习学时", 12),
    ("自学学时（计入）", 14),
    ("自学学时（登记，含在线阅读）", 16),
    ("在线阅读（分钟）", 12),
    ("合计学时", 10),
    ("应完成学时", 10),
    ("差额", 8),
    ("备注", 24),
)


def _remark(row: selectors.LedgerRow) -> str:
    notes = []
    if row.exempt:
        notes.append("免于学时要求")
    if row.is_officer:
        notes.append("书记、委员")
    if row.prorated:
        notes.append(f"年内入党，按{row.full_requirement}学时折算")
    if row.capped:
        notes.append("自学学时已达上限")
    return "；".join(notes)


def ledger_workbook(ledger: selectors.Ledger) -> bytes:
    """The ledger as one .xlsx sheet, rows in the ledger's order (organisation, name), gaps marked."""
    import xlsxwriter  # imported when used: importing it at start-up slows every process

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(f"{ledger.year}年学时")
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    number = book.add_format({"num_format": "0.0#"})
    missing = book.add_format({"num_format": "0.0#", "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    for col, (title, width) in enumerate(LEDGER_HEADERS):
        sheet.write(0, col, title, header)
        sheet.set_column(col, col, width)
    for index, row in enumerate(ledger.rows, start=1):
        member = row.member
        sheet.write_string(index, 0, member.org.name if member.org is not None else "")
        sheet.write_string(index, 1, member.name)
        sheet.write_string(index, 2, member.number or "")
        sheet.write_number(index, 3, float(row.collective_hours), number)
        sheet.write_number(index, 4, float(row.self_study_hours), number)
        sheet.write_number(index, 5, float(row.self_study_hours_logged), number)
        sheet.write_number(index, 6, row.reading_minutes)
        sheet.write_number(index, 7, float(row.total), number)
        sheet.write_number(index, 8, float(row.required), number)
        sheet.write_number(index, 9, float(row.gap), missing if row.gap > 0 else number)
        sheet.write_string(index, 10, _remark(row))
    sheet.freeze_panes(1, 2)
    book.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class LedgerExport:
    content: bytes
    count: int
    filename: str


def ledger_export(*, actor: User, year: int, org: Organisation | int | None = None) -> LedgerExport:
    """The actor's ledger for `year` as .xlsx; audited like every export of member data.

    The ledger is read and the workbook written before the transaction that records the export:
    no write lock is held while they are made."""
    ledger = selectors.ledger_for_scope(actor=actor, year=year, org=org)
    content = ledger_workbook(ledger)
    roots = scope_for(actor).paths(selectors.LEDGER_PERM)
    org_path = ledger.org.path if ledger.org else (roots[0] if len(roots) == 1 else "")
    with transaction.atomic(durable=True):
        audit.record(
            actor=actor,
            action="study_ledger.export",
            org_path=org_path,
            changes={"year": year, "org": ledger.org.pk if ledger.org else None, "count": len(ledger.rows)},
        )
    name = ledger.org.name if ledger.org else "学时台账"
    return LedgerExport(content=content, count=len(ledger.rows), filename=f"{name}-{year}年学时.xlsx")
