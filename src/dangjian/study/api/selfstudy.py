"""API for self-study, reading lists and the study-hour ledger, scoped like the pages."""

import datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangjian.accounts.permissions import Perm
from dangjian.core.errors import NotFound
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, Year, responses
from dangjian.members.audience import Audience
from dangjian.members.selectors import actor_member
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut
from dangjian.study.selectors import selfstudy as selectors
from dangjian.study.services import selfstudy as services

router = Router(tags=["self-study"])

AudienceValue = Literal[tuple(Audience.values)]
NO_MEMBER = "404 when the account is not linked to a member record."


def _this_year() -> int:
    return timezone.localdate().year


# --- Schemas ----------------------------------------------------------------------------------


class SelfStudyOut(Schema):
    """One of the caller's own entries. Whether an officer's check found it similar to another is not shown."""

    id: int
    studied_on: datetime.date
    minutes: int
    title: str
    reading_item: int | None = Field(description="The reading-list item studied, if one.")
    material: int | None = Field(description="The library material studied, if one.")
    reflection: str

    @staticmethod
    def resolve_reading_item(obj) -> int | None:
        return obj.reading_item_id

    @staticmethod
    def resolve_material(obj) -> int | None:
        return obj.material_id


class SelfStudyListIn(PageIn):
    year: Year | None = Field(None, description="Only entries of this calendar year.")


class SelfStudyListOut(PageOut):
    items: list[SelfStudyOut]


class SelfStudyCreateIn(BodyIn):
    studied_on: Date
    minutes: int = Field(description="More than zero; at most 24 hours a day together with the day's other entries.")
    title: str = Field("", max_length=200, description="Empty when `reading_item` is given: its title is used.")
    reading_item: int | None = Field(None, description="An item of a reading list assigned to the caller.")
    material: int | None = Field(
        None,
        description=(
            "A library material the caller may see (400 otherwise, the same whether it is missing or hidden). "
            "Left out with a `reading_item` that points at a material, that material is named."
        ),
    )
    reflection: str = Field("", description="心得体会 (optional).")


class ReadingItemOut(Schema):
    id: int
    title: str
    link: str
    required: bool
    material: int | None = Field(description="The library material to study, if one: open it in the reader.")

    @staticmethod
    def resolve_material(obj) -> int | None:
        return obj["material"] if isinstance(obj, dict) else obj.material_id


class ReadingItemProgressOut(ReadingItemOut):
    done: bool = Field(
        description="Whether the caller has logged self-study on this item, or read (or logged study of) its material."
    )
    readable: bool = Field(description="Whether the caller may open the item's material.")


class ReadingListOut(Schema):
    id: int
    org: OrgRefOut
    title: str
    guidance: str
    audience: str
    due_on: datetime.date | None
    items: list[ReadingItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class AssignedReadingListOut(Schema):
    reading_list: ReadingListOut
    items: list[ReadingItemProgressOut]
    done: int
    total: int

    @staticmethod
    def resolve_items(obj) -> list[dict]:
        return [
            {
                "id": e.item.pk,
                "title": e.item.title,
                "link": e.item.link,
                "required": e.item.required,
                "material": e.item.material_id,
                "done": e.done,
                "readable": e.readable,
            }
            for e in obj.items
        ]


class ManagedReadingListOut(Schema):
    reading_list: ReadingListOut
    members_studying: int = Field(description="Members with at least one self-study entry on the list.")
    can_edit: bool


class ReadingListListOut(Schema):
    assigned: list[AssignedReadingListOut] = Field(description="Lists assigned to the caller, with progress.")
    managed: list[ManagedReadingListOut] = Field(
        description="Lists of the organisations where the caller sees members."
    )


class ReadingItemIn(BodyIn):
    title: str = Field("", max_length=200, description="Taken from the material when empty.")
    link: str = ""
    required: bool = True
    material: int | None = Field(
        None,
        description="A published library material the caller may see (400 otherwise, the same whether it is missing or hidden).",
    )


class ReadingListCreateIn(BodyIn):
    org: int
    title: str = Field(max_length=200)
    audience: AudienceValue = Audience.ALL
    guidance: str = ""
    due_on: Date | None = None
    items: list[ReadingItemIn]


class HoursRowOut(Schema):
    """One member's year in 学时. `required` is prorated for members who joined during the year."""

    member_id: int
    name: str
    org: OrgRefOut | None
    collective_minutes: int
    collective_hours: Decimal
    self_study_minutes: int
    reading_minutes: int = Field(description="Active reading in the library that counts, after its daily cap.")
    self_study_hours_logged: Decimal = Field(
        description="Logged self-study and counted reading, before the yearly cap."
    )
    self_study_hours: Decimal = Field(description="Self-study that counts, after the yearly cap.")
    total: Decimal
    is_officer: bool = Field(description="Secretary or committee member in the year: the higher requirement.")
    exempt: bool = Field(description="Frail or abroad for the whole period: no requirement.")
    full_requirement: Decimal
    required: Decimal
    gap: Decimal

    @staticmethod
    def resolve_member_id(obj) -> int:
        return obj.member.pk

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_org(obj):
        return obj.member.org


class PolicyOut(Schema):
    requirement_code: str
    member_hours: Decimal
    member_source: str
    officer_hours: Decimal
    officer_source: str
    officer_verified: bool
    self_study_cap: Decimal | None
    collective_rule: str
    self_study_rule: str

    @staticmethod
    def resolve_requirement_code(obj) -> str:
        return obj.requirement.code

    @staticmethod
    def resolve_member_hours(obj) -> Decimal:
        return obj.requirement.member_hours

    @staticmethod
    def resolve_member_source(obj) -> str:
        return obj.requirement.member_source

    @staticmethod
    def resolve_officer_hours(obj) -> Decimal:
        return obj.requirement.officer_hours

    @staticmethod
    def resolve_officer_source(obj) -> str:
        return obj.requirement.officer_source

    @staticmethod
    def resolve_officer_verified(obj) -> bool:
        return obj.requirement.officer_verified

    @staticmethod
    def resolve_collective_rule(obj) -> str:
        return obj.collective_rule.code

    @staticmethod
    def resolve_self_study_rule(obj) -> str:
        return obj.self_study_rule.code


class LedgerIn(Schema):
    year: Year | None = Field(None, description="Calendar year; this year when left out.")
    org: int | None = Field(None, description="Only this organisation's subtree.")


class LedgerOut(Schema):
    year: int
    org: OrgRefOut | None
    policy: PolicyOut
    rows: list[HoursRowOut] = Field(description="Ordered by organisation and name; never by hours.")


class MyHoursIn(Schema):
    year: Year | None = None


class MyHoursOut(Schema):
    year: int
    policy: PolicyOut
    hours: HoursRowOut
    reading: list[AssignedReadingListOut]

    @staticmethod
    def resolve_hours(obj):
        return obj.row


# --- Operations -------------------------------------------------------------------------------


@router.get(
    "/self-study",
    operation_id="self_study_list",
    response=responses({200: SelfStudyListOut}),
    summary="My self-study entries",
    description="The caller's own entries, newest first (none for an account without a member record).",
)
def self_study_list(request, filters: Query[SelfStudyListIn]):
    member = actor_member(request.auth)
    if member is None:
        return {"count": 0, "limit": filters.limit, "offset": filters.offset, "items": []}
    return filters.page(selectors.self_study_list(member=member, year=filters.year))


@router.post(
    "/self-study",
    operation_id="self_study_create",
    response=responses({201: SelfStudyOut}),
    summary="Log self-study",
    description=(
        "Logs the caller's own self-study. 400 when the minutes are not above zero, the day would exceed 24 hours, "
        "the date is in the future or in a past year, the reading-list item is not assigned to the caller, or the "
        "material is not one the caller may see; "
        "403 when the account is not linked to a member record."
    ),
)
def self_study_create(request, payload: SelfStudyCreateIn):
    member = actor_member(request.auth)
    item = selectors.assigned_reading_item(member=member, item_id=payload.reading_item) if member else None
    material = selectors.visible_material(request.auth, payload.material) if member else None
    entry = services.self_study_log(
        actor=request.auth,
        member=member,
        studied_on=payload.studied_on,
        minutes=payload.minutes,
        title=payload.title,
        reading_item=item,
        material=material,
        reflection=payload.reflection,
    )
    return Status(201, entry)


@router.get(
    "/reading-lists",
    operation_id="reading_list_list",
    response=responses({200: ReadingListListOut}),
    summary="Reading lists",
    description="Lists assigned to the caller with their progress, and lists of the organisations the caller oversees.",
)
def reading_list_list(request):
    member = actor_member(request.auth)
    return {
        "assigned": selectors.reading_lists_for_member(member=member) if member else [],
        "managed": selectors.reading_list_list(actor=request.auth),
    }


@router.post(
    "/reading-lists",
    operation_id="reading_list_create",
    response=responses({201: ReadingListOut}),
    summary="Assign a reading list",
    description=(
        "Creates a reading list for an audience of an organisation's subtree. 404 (with `field`: `org`) when the "
        "organisation is outside the caller's scope; 403 when the caller may see it but not plan its study; "
        "400 when the title or the items are missing, a link is not a web address, a material may not be chosen, "
        "or the due date is past."
    ),
)
def reading_list_create(request, payload: ReadingListCreateIn):
    try:
        org = access_org(request.auth, payload.org, Perm.VIEW_ORG)
    except NotFound as exc:
        raise NotFound(field="org") from exc
    reading_list = services.reading_list_create(
        actor=request.auth,
        org=org,
        title=payload.title,
        audience=payload.audience,
        guidance=payload.guidance,
        due_on=payload.due_on,
        items=[
            services.ItemIn(title=i.title, link=i.link, required=i.required, material=i.material) for i in payload.items
        ],
    )
    return Status(201, selectors.access_reading_list(request.auth, reading_list.pk))


@router.get(
    "/ledger",
    operation_id="ledger_get",
    response=responses({200: LedgerOut}),
    summary="The study-hour ledger of the caller's scope",
    description=(
        "Every current member the caller may see (under `org` if given) with collective and self-study hours, the "
        "requirement and the gap. 404 when the caller sees members nowhere or `org` is outside the scope."
    ),
)
def ledger_get(request, filters: Query[LedgerIn]):
    return selectors.ledger_for_scope(actor=request.auth, year=filters.year or _this_year(), org=filters.org)


@router.get(
    "/my-hours",
    operation_id="my_hours_get",
    response=responses({200: MyHoursOut}),
    summary="My study hours",
    description=f"The caller's hours toward the year's requirement and their reading lists. {NO_MEMBER}",
)
def my_hours_get(request, filters: Query[MyHoursIn]):
    member = actor_member(request.auth)
    if member is None:
        raise NotFound()
    return selectors.member_progress(member=member, year=filters.year or _this_year())
