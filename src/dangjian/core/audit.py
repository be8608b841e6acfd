"""Writing the audit trail.

The actor is always passed explicitly by the service. Only the origin of the request (address,
user agent) comes from a context variable that the middleware sets, because it is transport
metadata that no business rule reads; outside a request (commands, tests) it is empty.
"""

import contextvars
import datetime
import decimal
from dataclasses import dataclass

from django.db import models

from dangjian.core.models import AuditEvent


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None = None
    user_agent: str = ""


_NO_ORIGIN = RequestOrigin()
_origin: contextvars.ContextVar[RequestOrigin] = contextvars.ContextVar("audit_origin", default=_NO_ORIGIN)  # noqa: B039


def set_origin(origin: RequestOrigin) -> contextvars.Token:
    return _origin.set(origin)


def reset_origin(token: contextvars.Token) -> None:
    _origin.reset(token)


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {name: _plain(getattr(instance, name)) for name in fields}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    org_path: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one audit event in the caller's transaction."""
    return AuditEvent.objects.create(
        **event_fields(actor=actor, action=action, obj=obj, changes=changes, org_path=org_path, object_repr=object_repr)
    )


def event_fields(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    org_path: str = "",
    object_repr: str = "",
) -> dict:
    """The field values `record` writes: for bulk writers, which insert many events at once."""
    origin = _origin.get()
    return dict(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", "") or getattr(actor, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        org_path=org_path,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent[:255],
    )
