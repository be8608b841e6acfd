"""Reading and writing tens of thousands of rows at once, for the roster import.

The ORM's bulk methods spend most of their time building model instances and preparing every
value through the field API, and a lookup with thousands of values in `__in` prepares each one.
These helpers read with plain SQL and write with COPY (PostgreSQL) or one prepared INSERT run for
every row (SQLite), from plain values.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, connections, models


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


class Table:
    """Rows of chosen columns, ids included, written into a model's table in the caller's transaction.

    Ids are reserved first (`reserve`), so that rows can point at each other before any is written:
    from the table's sequence on PostgreSQL; on SQLite above the highest id ever given (the project's
    SQLite transactions are IMMEDIATE, so this one holds the write lock from BEGIN and no other
    writer can take the same ids). Rows are then sent with COPY on PostgreSQL and as one prepared
    INSERT run for each row in C (`executemany`) on SQLite; building model instances or multi-row
    statements costs more than the writes. Rows are tuples in the order of `columns` (attnames:
    `org_id`, not `org`); `constants` are the same for every row; other columns take the field's
    default, and timestamps (auto_now, auto_now_add, a callable default) the given time, as `save`
    would. Values must be ones both drivers take as they are: dates as `date`, JSON as its text.
    """

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], now: datetime.datetime, constants: dict | None = None
    ):
        meta = model._meta
        constants = dict(constants or {})
        for f in meta.concrete_fields:
            if f.primary_key or f.attname in columns or f.attname in constants:
                continue
            per_row = f.has_default() and callable(f.default)
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add or per_row):
                constants[f.attname] = now
            elif per_row:
                raise ValueError(f"{meta.label}.{f.name} has a per-row default; give its values.")
            else:
                constants[f.attname] = f.get_default()
        db = connections[connection.alias]
        self.model = model
        # Prepared once: a datetime becomes SQLite's text form; the rest stays as it is.
        self.tail = tuple(meta.get_field(name).get_db_prep_save(value, db) for name, value in constants.items())
        self.postgres = connection.vendor == "postgresql"
        ops = connection.ops
        names = ", ".join(ops.quote_name(meta.get_field(name).column) for name in (*columns, *constants))
        table = ops.quote_name(meta.db_table)
        if self.postgres:
            self.sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            placeholders = ", ".join(["%s"] * (len(columns) + len(constants)))
            self.sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from the model

    def reserve(self, count: int) -> list[int]:
        """`count` new ids for this table, in increasing order."""
        if not count:
            return []
        meta = self.model._meta
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
                (sequence,) = cursor.fetchone()
                # The name looked up once: in the SELECT list it would be looked up for every row.
                cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
                return sorted(pk for (pk,) in cursor.fetchall())
            table, column = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
            # AUTOINCREMENT: sqlite_sequence remembers the highest id ever given, deleted rows' too.
            cursor.execute(
                f"SELECT max(coalesce((SELECT max({column}) FROM {table}), 0), "  # noqa: S608 - names from the model
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [meta.db_table],
            )
            (highest,) = cursor.fetchone()
        return list(range(highest + 1, highest + 1 + count))

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        tail = self.tail
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(self.sql) as copy:
                    write_row = copy.write_row
                    for row in rows:
                        write_row(row + tail)
            else:
                cursor.executemany(self.sql, [row + tail for row in rows])


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
