import datetime
from typing import Any, Literal

from ninja import Field, Schema

from dangjian.accounts.models import Role
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.members.schemas import MemberSummaryOut
from dangjian.orgs.schemas import OrgRefOut


class AuthTokenCreateIn(BodyIn):
    username: str = Field(max_length=150, description="Staff or student number (工号/学号).")
    password: str = Field(max_length=4096)
    name: str = Field("", max_length=100, description="What the token is for, to recognise it in the token list.")


class AuthTokenCreateOut(Schema):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`. It is shown only once.")
    token_type: str = "bearer"  # noqa: S105
    expires_at: datetime.datetime
    must_change_password: bool = Field(
        description="The account still has a one-time password: change it with `auth_password_change`."
    )


class AuthTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters; the token itself is never shown again.")
    purpose: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None = Field(description="To within five minutes.")
    expires_at: datetime.datetime


class AuthPasswordChangeIn(BodyIn):
    old_password: str = Field(max_length=4096)
    new_password: str = Field(max_length=4096)


class AccountOut(Schema):
    id: int
    username: str
    display_name: str
    must_change_password: bool


class RoleOut(Schema):
    role: str
    role_display: str
    org: OrgRefOut | None = Field(description="Where the role holds, with everything below; null for everywhere.")
    since: datetime.date
    until: datetime.date | None

    @staticmethod
    def resolve_role_display(obj) -> str:
        return str(Role(obj.role).label) if obj.role in Role.values else obj.role


class PermissionOut(Schema):
    name: str
    description: str
    everywhere: bool
    org_ids: list[int] = Field(description="Organisations (with their subtrees) where the permission holds.")


class MeOut(Schema):
    account: AccountOut
    member: MemberSummaryOut | None = Field(description="The caller's own member record, if they have one.")
    roles: list[RoleOut]
    permissions: list[PermissionOut] = Field(
        description="What the caller's roles allow, and where. Every member may also see and reveal themself."
    )


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


class AuditListIn(PageIn):
    q: str = Field("", description="Part of the actor's name or of the object's name.")
    action: str = Field("", description='An action such as "member.update", or a prefix such as "member."')
    date_from: Date | None = None
    date_to: Date | None = None


class AuditEventOut(Schema):
    id: int
    at: datetime.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    org_path: str = Field(description="The tree path of the organisation the object belongs to.")
    changes: dict[str, Any] = Field(description="The change; personal data in it is masked.")
    ip_address: str | None
    user_agent: str


class AuditListOut(PageOut):
    items: list[AuditEventOut]
