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


def _json_value(value):
    """`value` as it reads back from either database's JSON column: string keys, lists, whole floats as ints."""
    if isinstance(value, dict):
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
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
    """The bytes that are hashed: one JSON array, keys sorted, no spaces, UTF-8."""
    return json.dumps(
        [
            VERSION,
            _utc(at),
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            object_repr,
            org_path,
            _json_value(changes or {}),
            _address(ip_address),
            user_agent,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def event_hash(**fields) -> str:
    """SHA-256 (hex) of the event's canonical form; `fields` are HASHED_FIELDS."""
    return hashlib.sha256(canonical(**fields)).hexdigest()


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
