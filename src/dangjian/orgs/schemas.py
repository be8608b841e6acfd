import datetime
from typing import Literal

from ninja import Field, Schema

from dangjian.accounts.models import Role
from dangjian.accounts.schemas import AccountOut
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.orgs.models import OrgKind, Position
from dangjian.orgs.permissions import can_manage_org

OrgKindValue = Literal[tuple(OrgKind.values)]


class OrgRefOut(Schema):
    """An organisation by name, where another object points at it."""

    id: int
    kind: str
    name: str
    code: str


class OrgOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    kind_display: str
    name: str
    code: str
    path: str = Field(description="Materialised tree path: zero-padded ids from the root.")
    depth: int
    founded_on: datetime.date | None
    admin_unit: str = Field(description="The administrative unit the organisation serves.")
    admin_unit_head: str = Field(description="The head of that unit (党政分工协作).")
    term_started_on: datetime.date | None
    term_years: int | None = Field(description="Overrides the regulation's term length when set.")
    sort_order: int
    dissolved_on: datetime.date | None

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return str(OrgKind(obj.kind).label)


class OrgListIn(PageIn):
    kind: OrgKindValue | None = None
    include_dissolved: bool = False


class OrgListOut(PageOut):
    items: list[OrgOut]


class OfficerMemberOut(Schema):
    id: int
    name: str


class OfficerOut(Schema):
    id: int
    position: str
    position_display: str
    member: OfficerMemberOut
    since: datetime.date
    until: datetime.date | None

    @staticmethod
    def resolve_position_display(obj) -> str:
        return str(Position(obj.position).label) if obj.position in Position.values else obj.position


class FindingOut(Schema):
    code: str = Field(description='A stable code, e.g. "committee_required".')
    level: Literal["ok", "warning", "problem"]
    message: str

    @staticmethod
    def resolve_message(obj) -> str:
        return str(obj.message)


class OrgGetOut(Schema):
    """An organisation with its officers, sub-organisations, member counts, next election and checks."""

    org: OrgOut
    officers: list[OfficerOut]
    children: list[OrgRefOut]
    full_members: int = Field(description="Full members in the organisation and its subtree.")
    probationary_members: int
    total_members: int
    election_due: datetime.date | None = Field(description="When the current committee's term ends (换届).")
    election_near: bool
    findings: list[FindingOut] = Field(description="Branch set-up checks with their reasons (branches only).")
    can_manage: bool = Field(description="Whether the caller may change this organisation.")

    @staticmethod
    def resolve_can_manage(obj, context) -> bool:
        return can_manage_org(context["request"].auth, obj.org)


class OrgCreateIn(BodyIn):
    parent: int | None = Field(description="The parent organisation; null for a top-level committee.")
    kind: OrgKindValue
    name: str = Field(max_length=100)
    code: str = Field(max_length=32)
    founded_on: Date | None = None
    admin_unit: str = Field("", max_length=100)
    admin_unit_head: str = Field("", max_length=64)
    term_started_on: Date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    sort_order: int = Field(0, ge=0)


class OrgUpdateIn(BodyIn):
    """Only the fields sent are changed. The place in the tree does not change here."""

    name: str = Field(None, max_length=100)
    code: str = Field(None, max_length=32)
    founded_on: Date | None = None
    admin_unit: str = Field(None, max_length=100)
    admin_unit_head: str = Field(None, max_length=64)
    term_started_on: Date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    sort_order: int = Field(None, ge=0)
    dissolved_on: Date | None = None


# --- Role grants ---------------------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_display: str
    org: OrgRefOut | None = Field(description="Where the role holds, with everything below; null for everywhere.")
    since: datetime.date
    until: datetime.date | None

    @staticmethod
    def resolve_role_display(obj) -> str:
        return str(Role(obj.role).label) if obj.role in Role.values else obj.role


RoleValue = Literal[tuple(Role.values)]


class RoleGrantListIn(PageIn):
    include_ended: bool = Field(False, description="Also list grants whose last day has passed.")


class RoleGrantOut(RoleOut):
    id: int
    user: AccountOut
    role: RoleValue
    officer_term_id: int | None = Field(
        description="The office term that brought the role; such a role ends with the term, not by `role_grant_end`."
    )
    note: str


class RoleGrantListOut(PageOut):
    items: list[RoleGrantOut]


class RoleGrantCreateIn(BodyIn):
    username: str = Field(max_length=32, description="Staff or student number (工号/学号) of the account.")
    role: RoleValue
    org: int | None = Field(None, description="Where the role holds, with everything below; null only for `admin`.")
    since: Date | None = Field(None, description="First day of the role; today when left out.")
    until: Date | None = Field(None, description="Last day of the role; open when left out.")


class RoleGrantEndIn(BodyIn):
    until: Date | None = Field(None, description="Last day the role holds; yesterday when left out, which ends it now.")
