"""Reading and writing tens of thousands of rows at once, for the roster import.

The ORM's bulk methods spend most of their time building model instances and preparing every
value through the field API, and a lookup with thousands of values in `__in` prepares each one.
These helpers send the same statements from plain values, and prepare only what needs it.
"""

import datetime
import functools
import itertools
import json
from collections.abc import Iterable, Sequence

from django.db import connection, connections, models

from dangjian.accounts.models import User
from dangjian.core import audit


def chunks(values: list) -> Iterable[list]:
    size = min(connection.features.max_query_params or 10_000, 10_000) - 10
    for start in range(0, len(values), size):
        yield values[start : start + size]


def select_in(model: type[models.Model], column: str, values: list, fields: Sequence[str]) -> list[Sequence]:
    """`fields` of the rows whose `column` is one of `values`, in batches.

    Plain SQL: for tens of thousands of values the ORM's per-parameter work costs more than the
    query. Values come back as the driver gives them, except dates, which are always `date`.
    """
    ops = connection.ops
    target = ops.quote_name(model._meta.get_field(column).column)
    model_fields = [model._meta.get_field(name) for name in fields]
    selected = ", ".join(ops.quote_name(f.column) for f in model_fields)
    head = f"SELECT {selected} FROM {ops.quote_name(model._meta.db_table)} WHERE {target} IN "  # noqa: S608
    dates = [i for i, f in enumerate(model_fields) if isinstance(f, models.DateField)]
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter rather than thousands
            if values:
                cursor.execute(head.removesuffix(" IN ") + " = ANY(%s)", [list(values)])
                found.extend(cursor.fetchall())
        else:
            for chunk in chunks(values):
                cursor.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
                found.extend(cursor.fetchall())
    if dates:
        found = [list(row) for row in found]
        for row in found:
            for i in dates:
                row[i] = _as_date(row[i])
    return found


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


# Fields whose Python values every driver takes as they are.
SIMPLE_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


class Inserter:
    """INSERT … RETURNING id from dicts of field values, as `bulk_create` sends it.

    `bulk_create` spends most of its time building model instances and preparing every value
    through the field API; this prepares only the columns that need it (dates, datetimes, JSON).
    Rows are keyed by attname (`org_id`, not `org`). Missing values take the field's default, and
    auto_now fields the given time, as `save` would. Like `bulk_create`, it sends multi-row VALUES
    on SQLite and one array per column through UNNEST on PostgreSQL, where a statement with tens
    of thousands of parameters costs more to send and plan than the rows cost to write.
    """

    def __init__(self, model: type[models.Model], now: datetime.datetime):
        if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - SQLite ≥ 3.35, PostgreSQL
            raise NotImplementedError("The roster import needs INSERT … RETURNING.")
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.unnest = connection.vendor == "postgresql"
        self.sql = "INSERT INTO {} ({}) ".format(  # noqa: S608 - names come from the model
            ops.quote_name(model._meta.db_table), ", ".join(ops.quote_name(f.column) for f in fields)
        )
        self.returning = " RETURNING " + ops.quote_name(model._meta.pk.column)
        self.row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        self.attnames = [f.attname for f in fields]
        self.defaults: dict = {}
        self.callable_defaults: list[tuple[str, object]] = []
        self.prepares: list[tuple[int, object]] = []  # (position, function) for values the driver cannot take
        arrays, selected = [], []
        for position, f in enumerate(fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and callable(f.default):
                self.callable_defaults.append((f.attname, f.default))
            else:
                self.defaults[f.attname] = f.get_default()
            if (prepare := self._prepare(f)) is not None:
                self.prepares.append((position, prepare))
            db_type = f.db_type(connection).split("(")[0]
            # JSON and addresses go into the UNNEST arrays as text and are cast back in the SELECT.
            as_text = db_type in ("jsonb", "inet")
            arrays.append("%s::text[]" if as_text else f"%s::{db_type}[]")
            selected.append(f"c{position}::{db_type}" if as_text else f"c{position}")
        if self.unnest:
            aliases = ", ".join(f"c{position}" for position in range(len(fields)))
            self.sql += f"SELECT {', '.join(selected)} FROM UNNEST({', '.join(arrays)}) AS u({aliases})"  # noqa: S608
            self.batch = 5000
        else:
            self.batch = max(1, min(1000, (connection.features.max_query_params or 65_535) // len(fields)))

    def _prepare(self, f: models.Field):
        """What turns a value for `f` into one the driver takes, or None when it takes it as it is."""
        if isinstance(f, models.JSONField):
            return lambda value: json.dumps(value, cls=f.encoder)  # the text `adapt_json_value` makes
        if isinstance(f, SIMPLE_FIELDS) or self.unnest:
            return None  # psycopg takes dates and aware datetimes, and addresses are cast from text
        ops = connection.ops
        # Cached: a whole import shares one timestamp and a few thousand dates.
        if isinstance(f, models.DateTimeField):
            return functools.cache(ops.adapt_datetimefield_value)
        if isinstance(f, models.DateField):
            return functools.cache(ops.adapt_datefield_value)
        db = connections[connection.alias]  # the connection itself: the proxy costs a lookup per use
        return lambda value: f.get_db_prep_save(value, db)

    def _values(self, row: dict) -> list:
        full = self.defaults | row
        for attname, default in self.callable_defaults:
            if attname not in full:
                full[attname] = default()
        values = [full[attname] for attname in self.attnames]
        for position, prepare in self.prepares:
            if values[position] is not None:
                values[position] = prepare(values[position])
        return values

    def insert(self, rows: list[dict], *, returning: bool = True) -> list[int]:
        """Insert the rows; their new ids, in order (none without `returning`)."""
        ids: list[int] = []
        with connection.cursor() as cursor:
            if not returning and not self.unnest:  # one prepared statement, run for each row in C
                cursor.executemany(self.sql + "VALUES " + self.row_sql, [self._values(row) for row in rows])
                return ids
            for start in range(0, len(rows), self.batch):
                values = [self._values(row) for row in rows[start : start + self.batch]]
                if self.unnest:
                    cursor.execute(self.sql + self.returning, [list(column) for column in zip(*values, strict=True)])
                else:
                    sql = self.sql + "VALUES " + ", ".join([self.row_sql] * len(values)) + self.returning
                    cursor.execute(sql, list(itertools.chain.from_iterable(values)))
                ids.extend(row[0] for row in cursor.fetchall())
        return ids


def update_rows(model: type[models.Model], groups: dict[tuple[str, ...], list[tuple]], now: datetime.datetime) -> None:
    """UPDATE … SET the named columns (and updated_at) WHERE id = …, once per row, in batches."""
    ops = connection.ops
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            fields = [model._meta.get_field(name) for name in names]
            assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
            sql = "UPDATE {} SET {}, {} = %s WHERE {} = %s".format(  # noqa: S608 - names come from the model
                ops.quote_name(model._meta.db_table),
                assignments,
                ops.quote_name(model._meta.get_field("updated_at").column),
                ops.quote_name(model._meta.pk.column),
            )
            stamp = ops.adapt_datetimefield_value(now)
            params = [
                (
                    *(f.get_db_prep_save(value, connection) for f, value in zip(fields, row[:-1], strict=True)),
                    stamp,
                    row[-1],
                )
                for row in rows
            ]
            cursor.executemany(sql, params)


def plain(value):
    """`audit.snapshot`'s form of a member field value (text, None or a date)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


class Events:
    """Audit events as `audit.record` writes them, for many objects at once.

    The actor and the request's origin are the same for every event of an import, so they are
    worked out once per action; `changes` must already be plain JSON values.
    """

    def __init__(self, actor: User | None):
        self.actor = actor
        self.rows: list[dict] = []
        self._base: dict[str, dict] = {}

    def add(self, action: str, model: type[models.Model], pk: int, text: str, org_path: str, changes: dict) -> None:
        if (base := self._base.get(action)) is None:
            base = audit.event_fields(actor=self.actor, action=action)
            base["actor_id"] = getattr(base.pop("actor"), "pk", None)
            self._base[action] = base
        self.rows.append(
            base
            | {
                "org_path": org_path,
                "changes": changes,
                "object_type": model._meta.label_lower,
                "object_id": str(pk),
                "object_repr": text[:200],
            }
        )
