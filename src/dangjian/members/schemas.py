import datetime
from typing import Literal

from ninja import Field, Schema

from dangjian.accounts.schemas import AccountOut, PermissionOut
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.members import rules
from dangjian.members.models import Category, Education, Gender, SituationKind, Status
from dangjian.members.permissions import can_manage, can_reveal
from dangjian.members.selectors import SORTS
from dangjian.orgs.models import Position
from dangjian.orgs.schemas import OrgRefOut, RoleOut

GenderValue = Literal[tuple(Gender.values)]
CategoryValue = Literal[tuple(Category.values)]
EducationValue = Literal[tuple(["", *Education.values])]
StatusValue = Literal[tuple(Status.values)]
SortValue = Literal[tuple(SORTS)]


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


class MemberRefOut(Schema):
    """A member named by another object (an author, an officer, an absentee): id and name only."""

    id: int
    name: str


class MemberSummaryOut(Schema):
    """A roster row. No personal data (ID number, phone) appears here."""

    id: int
    name: str
    gender: str
    category: str
    category_display: str
    number: str | None = Field(description="Staff or student number (工号/学号).")
    admin_unit: str = Field(description="Department or class.")
    org: OrgRefOut | None = Field(description="The branch or group the member belongs to now.")
    status: str = Field(description='"full" or "probationary", today.')
    status_display: str
    joined_on: datetime.date
    full_member_on: datetime.date | None

    @staticmethod
    def resolve_category_display(obj) -> str:
        return _label(Category, obj.category)

    @staticmethod
    def resolve_status_display(obj) -> str:
        return _label(Status, obj.status)


class MemberOut(MemberSummaryOut):
    """A member's record with the ID number and phone masked; reveal them with `member_reveal`."""

    ethnicity: str
    birth_date: datetime.date
    education: str
    id_number: str = Field(description="Masked: 110***********123X.")
    phone: str = Field(description="Masked: 138****5678.")
    has_account: bool

    @staticmethod
    def resolve_id_number(obj) -> str:
        return rules.mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj) -> str:
        return rules.mask_phone(obj.phone)

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None


class MembershipOut(Schema):
    org: OrgRefOut
    since: datetime.date
    until: datetime.date | None
    reason: str


class SituationOut(Schema):
    id: int
    kind: str
    kind_display: str
    since: datetime.date
    until: datetime.date | None
    note: str

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return _label(SituationKind, obj.kind)


class MemberOfficerTermOut(Schema):
    id: int
    org: OrgRefOut
    position: str
    position_display: str
    since: datetime.date
    until: datetime.date | None

    @staticmethod
    def resolve_position_display(obj) -> str:
        return _label(Position, obj.position)


class MemberGetOut(Schema):
    """A member with their organisation history, special situations and offices."""

    member: MemberOut
    memberships: list[MembershipOut] = Field(description="Organisations the member belonged to, newest first.")
    situations: list[SituationOut] = Field(description="Flowing, abroad, frail and exempt: dated.")
    officer_terms: list[MemberOfficerTermOut]
    can_manage: bool = Field(description="Whether the caller may change this member.")
    can_reveal: bool = Field(description="Whether the caller may reveal the ID number and phone.")

    @staticmethod
    def resolve_can_manage(obj, context) -> bool:
        return can_manage(context["request"].auth, obj.member)

    @staticmethod
    def resolve_can_reveal(obj, context) -> bool:
        return can_reveal(context["request"].auth, obj.member)


class MemberListIn(PageIn):
    q: str = Field("", description='Name, pinyin initials ("zs" finds 张三) or the start of a staff/student number.')
    org: int | None = Field(None, description="Only members of this organisation and its subtree.")
    category: CategoryValue | None = None
    status: StatusValue | None = None
    sort: SortValue = "org"


class MemberListOut(PageOut):
    items: list[MemberSummaryOut]


class MemberRevealOut(Schema):
    id_number: str
    phone: str


class MemberCreateIn(BodyIn):
    org: int = Field(description="The branch or group the member joins.")
    since: Date | None = Field(None, description="Member of `org` since; today when left out.")
    create_account: bool = Field(True, description="Create a login account named after the staff/student number.")
    name: str = Field(max_length=64)
    gender: GenderValue
    ethnicity: str = Field("汉族", max_length=16)
    birth_date: Date
    id_number: str | None = Field(None, max_length=18, description="Checked with its GB 11643 check digit.")
    education: EducationValue = ""
    category: CategoryValue
    number: str | None = Field(None, max_length=32)
    admin_unit: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    joined_on: Date
    full_member_on: Date | None = None


class MemberUpdateIn(BodyIn):
    """Only the fields sent are changed. Moving to another organisation is a transfer, not an update."""

    name: str = Field(None, max_length=64)
    gender: GenderValue = None
    ethnicity: str = Field(None, max_length=16)
    birth_date: Date = None
    id_number: str | None = Field(None, max_length=18)
    education: EducationValue = None
    category: CategoryValue = None
    number: str | None = Field(None, max_length=32)
    admin_unit: str = Field(None, max_length=100)
    phone: str = Field(None, max_length=20)
    joined_on: Date = None
    full_member_on: Date | None = None


class MeOut(Schema):
    account: AccountOut
    member: MemberSummaryOut | None = Field(description="The caller's own member record, if they have one.")
    roles: list[RoleOut]
    permissions: list[PermissionOut] = Field(
        description="What the caller's roles allow, and where. Every member may also see and reveal themself."
    )
