"""The content hash of one audit event, the Merkle root of a day's events, and the seals' chain.

Pure functions over plain values (no queries), used by the model when a row is inserted, by bulk
writers that insert rows without the model (the roster import), by the migration that hashed the rows
written before hashes existed, and by the verification.

What the hash covers (`VERSION` 1): the event's time (UTC, to the microsecond), the actor's id and
name, the action, the object's type, id and text, the organisation path, the changes, the address
and the user agent: every column of the row except its own id and the hash. The id is left out on
purpose: it is assigned by the database, and a bulk insert on SQLite does not return it, so a writer
could not hash before inserting. Without the id two events identical to the microsecond hash alike;
that does not weaken the check, because a day's seal counts its events as well as hashing them.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.ipv6 import clean_ipv6_address

VERSION = "dangjian.audit.v1"
GENESIS = "0" * 64  # the "previous chain" of the first seal
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "org_path",
    "changes",
    "ip_address",
    "user_agent",
)


_SCALARS = (str, int, bool, type(None))
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _json_value(value):
    """`value` as it reads back from either database's JSON column: string keys, lists, whole floats as ints."""
    if isinstance(value, dict):
        if all(type(k) is str and type(v) in _SCALARS for k, v in value.items()):
            return value  # the usual flat dict: nothing to change
        return {(k if isinstance(k, str) else json.dumps(k)): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    # PostgreSQL's jsonb keeps a number's value, not its spelling: 1e20 comes back as an integer.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _address(value: str | None) -> str | None:
    """The address as the column stores it (an IPv6 address in its compressed form)."""
    if not value:
        return None
    if ":" in value:  # what GenericIPAddressField does before it writes
        try:
            return clean_ipv6_address(value)
        except ValidationError:
            return value
    return value


def _utc(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# The canonical form is three lines of JSON: what one writer shares across a bulk write (the time, the
# actor, the origin), the event's own fields, and its changes. JSON escapes every line break inside a
# string, so the lines are unambiguous; a bulk writer hashes the first line once, and can write the
# third (`changes_json`) as the column's text, so the changes are encoded once for both.


def _head(at, actor_id, actor_name, ip_address, user_agent) -> bytes:
    return (_ENCODE([VERSION, _utc(at), actor_id, actor_name, _address(ip_address), user_agent]) + "\n").encode()


def changes_json(changes: dict | None) -> str:
    """The changes in their canonical JSON text (keys sorted, no spaces): valid for the JSON column too."""
    return _ENCODE(_json_value(changes or {}))


def _body(action, object_type, object_id, object_repr, org_path, changes_text: str) -> bytes:
    return (_ENCODE([action, object_type, object_id, object_repr, org_path]) + "\n" + changes_text).encode()


def canonical(
    *,
    at: datetime.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    org_path: str,
    changes: dict | None,
    ip_address: str | None,
    user_agent: str,
) -> bytes:
    """The bytes that are hashed: three lines of JSON (keys sorted, no spaces, UTF-8)."""
    return _head(at, actor_id, actor_name, ip_address, user_agent) + _body(
        action, object_type, object_id, object_repr, org_path, changes_json(changes)
    )


def event_hash(**fields) -> str:
    """SHA-256 (hex) of the event's canonical form; `fields` are HASHED_FIELDS."""
    return hashlib.sha256(canonical(**fields)).hexdigest()


class BulkHasher:
    """`event_hash` for many events of one time, actor and origin (a bulk writer's): the shared line is hashed once.

    Each event's changes are given as `changes_json(changes)`, the text the writer also stores.
    """

    def __init__(
        self, *, at: datetime.datetime, actor_id: int | None, actor_name: str, ip_address: str | None, user_agent: str
    ):
        self._head = hashlib.sha256(_head(at, actor_id, actor_name, ip_address, user_agent))

    def __call__(
        self, *, action: str, object_type: str, object_id: str, object_repr: str, org_path: str, changes_text: str
    ) -> str:
        digest = self._head.copy()
        digest.update(_body(action, object_type, object_id, object_repr, org_path, changes_text))
        return digest.hexdigest()


def merkle_root(hashes: Iterable[str]) -> str:
    """The Merkle root (hex) over the events' hashes, taken in sorted order.

    Sorted, not in the order of time or id: the root depends only on which events the day holds, and
    the tree records no sequence of events (see docs/audit.md on secrecy). Leaves and inner nodes are
    hashed with different prefixes (0x00, 0x01) so that neither can pass for the other; an odd node
    at the end of a level moves up as it is. The root of no events is SHA-256 of nothing.
    """
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in sorted(hashes)]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        paired = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def chain_hash(previous: str, root: str, day: datetime.date, count: int) -> str:
    """A seal's link: SHA-256 of the previous seal's chain, this day's root, the day and its count."""
    return hashlib.sha256(f"{previous}|{root}|{day.isoformat()}|{count}".encode()).hexdigest()
