import datetime

from ninja import Field, Schema

from dangjian.accounts.models import Role
from dangjian.core.schemas import BodyIn
from dangjian.members.schemas import MemberSummaryOut
from dangjian.orgs.schemas import OrgRefOut


class AuthTokenCreateIn(BodyIn):
    username: str = Field(max_length=150, description="Staff or student number (工号/学号).")
    password: str = Field(max_length=4096)


class AuthTokenCreateOut(Schema):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`. It is shown only once.")
    token_type: str = "bearer"  # noqa: S105
    expires_at: datetime.datetime
    must_change_password: bool = Field(
        description="The account still has a one-time password: change it with `auth_password_change`."
    )


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
