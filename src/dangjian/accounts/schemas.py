import datetime
from typing import Any

from ninja import Field, Schema

from dangjian.accounts import audit_actions
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut


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


class PermissionOut(Schema):
    name: str
    description: str
    everywhere: bool
    org_ids: list[int] = Field(description="Organisations (with their subtrees) where the permission holds.")


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
    action_label: str = Field(description="What the action is called in the audit log (in Chinese).")
    object_type: str
    object_id: str
    object_repr: str
    org_path: str = Field(description="The tree path of the organisation the object belongs to.")
    changes: dict[str, Any] = Field(description="The change; personal data in it is masked.")
    ip_address: str | None
    user_agent: str

    @staticmethod
    def resolve_action_label(event) -> str:
        return audit_actions.label(event.action)


class AuditListOut(PageOut):
    items: list[AuditEventOut]
