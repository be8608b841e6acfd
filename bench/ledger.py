"""One committee's yearly study-hour ledger in a whole university, as a ratio to one hand-written SQL aggregate.

    uv run python bench/ledger.py [--db sqlite|postgres] [--members 30000] [--years 5] [--branch-per-month 5]

Generates the university (bench/generate.py: 30 committees, 600 branches, `--members` members),
then five years of published activities: every branch (a 党小组's members count under their
branch) holds `--branch-per-month` activities a month and every college committee one lecture a
month for all its members; every member who had joined the Party by the day of an activity has an
attendance row for it (mostly present, some late, on leave, absent or made up; about 2% of the
activities were cancelled). Members also log `--self-study-per-year` self-study entries a year.
The attendance rows go in with the fastest path each database has (one prepared INSERT over a
row generator on SQLite, COPY on PostgreSQL), with the table's secondary indexes dropped during
the load and built again afterwards; the schema is the migrated one in the end.

Then it times `dangjian.study.selectors.selfstudy.ledger_for_scope` for the first college's
committee secretary (demo-committee) and the last full year, against one hand-written SQL
statement that sums the credited attendance minutes per member of that committee for that year
(same filters: credited statuses, not cancelled, the year's bounds, members under the committee
who had joined by the end of the year). Both run `--repeat` times, alternately, warm; the medians
are compared. It checks that both give the same minutes for every member.
"""

import datetime
import io
import itertools
import json
import os
import random
import sys
import time

import common
from generate import generate

CREDITED = ("present", "late", "made_up")
# (status, weight): what became of an expected attendee.
OUTCOMES = [("present", 86), ("late", 5), ("leave", 4), ("absent", 3), ("made_up", 2)]
FORMS = ["theme_day", "group_study", "general_meeting", "life_meeting", "film", "visit"]
LENGTHS = [60, 90, 120, 150, 180]

HAND_SQL = """
SELECT a.member_id, SUM(act.credit_minutes)
FROM study_attendance a
JOIN study_activity act ON act.id = a.activity_id
JOIN members_member m ON m.id = a.member_id
JOIN orgs_organisation o ON o.id = m.org_id
WHERE o.path LIKE %s
  AND m.joined_on <= %s
  AND a.status IN ('present', 'late', 'made_up')
  AND act.status <> 'cancelled'
  AND act.starts_at >= %s AND act.starts_at < %s
GROUP BY a.member_id
"""


def units() -> tuple[dict[int, int], dict[int, int]]:
    """{org id: the branch whose activities its members attend}, {org id: its committee id}."""
    from dangjian.orgs.models import Organisation, OrgKind

    orgs = {o.pk: o for o in Organisation.objects.only("pk", "kind", "parent_id", "path")}
    unit, committee = {}, {}
    for o in orgs.values():
        node = o
        while node.kind == OrgKind.GROUP and node.parent_id:
            node = orgs[node.parent_id]
        unit[o.pk] = node.pk
        root = o
        while root.parent_id:
            root = orgs[root.parent_id]
        committee[o.pk] = root.pk
    return unit, committee


def activities(years: list[int], per_month: int, rng: random.Random, postgres: bool) -> list[tuple]:
    """Published (2% cancelled) activities of every branch-level unit and every committee, written with
    ids reserved above the highest; returns (id, org id, starts at) of each."""
    from django.db import connection
    from django.utils import timezone

    from dangjian.orgs.models import Organisation, OrgKind

    tz = timezone.get_current_timezone()
    unit_ids = sorted(set(units()[0].values()))
    committees = set(Organisation.objects.filter(kind=OrgKind.COMMITTEE).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM study_activity")
        next_id = cursor.fetchone()[0] + 1
    suffix = "+00" if postgres else ""

    def text(moment: datetime.datetime) -> str:
        return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S}{suffix}"

    made, rows = [], []
    for year in years:
        for month in range(1, 13):
            for org_id in unit_ids:
                for k in range(1 if org_id in committees else per_month):
                    starts = datetime.datetime(year, month, rng.randint(1, 28), rng.choice([9, 14, 16, 19]), tzinfo=tz)
                    length = rng.choice(LENGTHS)
                    form = "lecture" if org_id in committees else FORMS[(month + k) % len(FORMS)]
                    status = "cancelled" if rng.random() < 0.02 else "published"
                    stamp = text(starts - datetime.timedelta(days=7))
                    ends = text(starts + datetime.timedelta(minutes=length))
                    theme = f"{year}年{month}月学习活动{k + 1}"
                    false = "f" if postgres else 0
                    rows.append(
                        (next_id, stamp, stamp, org_id, form, theme, "all", text(starts), ends, "", "", length)
                        + (false, status, stamp, "", "", "")
                    )
                    made.append((next_id, org_id, starts))
                    next_id += 1
    columns = ["id", "created_at", "updated_at", "org_id", "form", "theme", "audience", "starts_at", "ends_at"]
    columns += ["place", "speaker_name", "credit_minutes", "credit_overridden", "status", "published_at"]
    columns += ["minutes", "decisions", "summary"]
    load("study_activity", columns, rows, postgres)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('study_activity', 'id'), %s)", [next_id])
    return made


def attendance_rows(acts: list, rng: random.Random, postgres: bool):
    """(created, updated, activity, member, expected, status, checked in, method) for every expected attendee."""
    from dangjian.members.models import Member

    unit, committee = units()
    by_unit: dict[int, list] = {}
    by_committee: dict[int, list] = {}
    for pk, org_id, joined_on in Member.objects.current().values_list("pk", "org_id", "joined_on").order_by("pk"):
        by_unit.setdefault(unit[org_id], []).append((pk, joined_on))
        by_committee.setdefault(committee[org_id], []).append((pk, joined_on))
    statuses = [s for s, weight in OUTCOMES for _ in range(weight)]
    suffix = "+00" if postgres else ""
    for activity_id, org_id, starts_at in acts:
        members = by_committee[org_id] if org_id in by_committee else by_unit.get(org_id, [])
        day = starts_at.date()
        at = starts_at.astimezone(datetime.UTC).replace(tzinfo=None)
        stamp = f"{at:%Y-%m-%d %H:%M:%S}{suffix}"
        late = f"{at + datetime.timedelta(minutes=14):%Y-%m-%d %H:%M:%S}{suffix}"
        for pk, joined_on in members:
            if joined_on > day:
                continue
            status = statuses[int(rng.random() * 100)]
            checked = stamp if status == "present" else late if status == "late" else None
            yield stamp, stamp, activity_id, pk, status, checked, "qr" if checked else ""


def self_study_rows(years: list[int], per_year: int, rng: random.Random, postgres: bool):
    from dangjian.members.models import Member

    suffix = "+00" if postgres else ""
    for pk, joined_on in Member.objects.current().values_list("pk", "joined_on").order_by("pk"):
        for year in years:
            for _ in range(per_year):
                day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day < joined_on:
                    continue
                stamp = f"{day} 20:00:00{suffix}"
                yield stamp, stamp, pk, day.isoformat(), rng.choice([30, 45, 60, 90]), "学习《习近平谈治国理政》"


def _indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's secondary indexes that are not constraints."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
            return [(name, sql) for name, sql in cursor.fetchall() if sql]
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return cursor.fetchall()


def _defaults(table: str, columns: list[str], postgres: bool) -> tuple[list[str], tuple]:
    """The columns of `table` that `columns` leaves out, are NOT NULL and have a default in the model, with
    those defaults as the loader writes them: a column added to the model later does not break the load."""
    from django.apps import apps
    from django.db.models import JSONField

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.null or not field.has_default():
            continue
        value = field.get_default()
        if isinstance(field, JSONField):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = ("t" if value else "f") if postgres else int(value)
        names.append(field.column)
        values.append(value)
    return names, tuple(values)


def load(table: str, columns: list[str], rows, postgres: bool) -> int:
    """Bulk-load `rows` into `table` with its secondary indexes dropped and built again; returns the count.
    Columns not given take the model's default (`_defaults`)."""
    from django.db import connection, transaction

    extra_columns, extra = _defaults(table, columns, postgres)
    if extra_columns:
        columns = [*columns, *extra_columns]
        rows = (row + extra for row in rows)
    count = 0
    with transaction.atomic():
        indexes = _indexes(table)
        with connection.cursor() as cursor:
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        if postgres:
            # The generator's own queries run before its first row: none may run during the COPY.
            rows = iter(rows)
            first = next(rows, None)
            rows = itertools.chain([] if first is None else [first], rows)
            names = ", ".join(columns)
            with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
                    buffer.write("\n")
                    count += 1
                    if count % 50_000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
        else:
            raw = connection.connection
            marks = ", ".join("?" for _ in columns)

            def counted():
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our own names
            raw.executemany(insert, counted())
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the deferred foreign keys now
            for _name, sql in indexes:
                cursor.execute(sql)
    return count


def build(args, rng: random.Random) -> tuple[dict, list[int]]:
    postgres = args.db == "postgres"
    timings: dict[str, float] = {}
    started = time.perf_counter()
    generate(committees=30, branches=600, members=args.members)
    timings["university (bench/generate.py)"] = time.perf_counter() - started
    from django.utils import timezone

    this_year = timezone.localdate().year
    years = list(range(this_year - args.years, this_year))
    started = time.perf_counter()
    acts = activities(years, args.branch_per_month, rng, postgres)
    timings["activities"] = time.perf_counter() - started
    started = time.perf_counter()
    counts = {"activities": len(acts)}
    columns = ["created_at", "updated_at", "activity_id", "member_id", "status", "checked_in_at", "method"]
    fixed = {"expected": True, "device": "", "reason": ""}
    rows = ((*row, *fixed.values()) for row in attendance_rows(acts, rng, postgres))
    if postgres:
        rows = ((*r[:-3], "t", "", "") for r in rows)
    counts["attendance rows"] = load("study_attendance", [*columns, *fixed], rows, postgres)
    timings["attendance rows (load and index)"] = time.perf_counter() - started
    started = time.perf_counter()
    self_columns = ["created_at", "updated_at", "member_id", "studied_on", "minutes", "title", "reflection"]
    self_rows = ((*r, "") for r in self_study_rows(years, args.self_study_per_year, rng, postgres))
    counts["self-study rows"] = load("study_selfstudy", self_columns, self_rows, postgres)
    timings["self-study rows"] = time.perf_counter() - started
    return {"timings": timings, "counts": counts}, years


def measure(year: int, repeat: int) -> dict:
    """Median seconds of the ledger and of the hand-written SQL, alternately, and whether they agree."""
    from django.db import connection

    from dangjian.accounts.models import User
    from dangjian.study.selectors.selfstudy import ledger_for_scope, year_bounds

    def product():
        actor = User.objects.get(username="demo-committee")  # a fresh object: the scope is computed too
        started = time.perf_counter()
        ledger = ledger_for_scope(actor=actor, year=year)
        return time.perf_counter() - started, ledger

    def hand(path: str):
        start, end = year_bounds(year)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, [path + "%", datetime.date(year, 12, 31), start, end])
            result = dict(cursor.fetchall())
        return time.perf_counter() - started, result

    first_product, ledger = product()
    path = ledger.rows[0].member.org.path.split("/")[0] + "/"
    first_hand, sums = hand(path)
    product_times, hand_times = [], []
    for _ in range(repeat):
        product_times.append(product()[0])
        hand_times.append(hand(path)[0])
    from_ledger = {row.member.pk: row.collective_minutes for row in ledger.rows if row.collective_minutes}
    return {
        "members in the ledger": len(ledger.rows),
        "members with collective minutes": len(from_ledger),
        "credited attendance minutes": sum(from_ledger.values()),
        "same minutes per member": from_ledger == {k: int(v) for k, v in sums.items()},
        "first ledger s": first_product,
        "first hand SQL s": first_hand,
        "ledger s": common.median(product_times),
        "hand SQL s": common.median(hand_times),
        "ratio": common.median(product_times) / common.median(hand_times),
    }


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--members", type=int, default=30_000)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--branch-per-month", type=int, default=5, help="activities of each branch a month")
    p.add_argument("--self-study-per-year", type=int, default=4)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    folder = common.prepare("ledger", args.db)
    try:
        info = common.machine()
        common.migrate()
        built, years = build(args, random.Random(args.seed))
        print(json.dumps(built, ensure_ascii=False), file=sys.stderr)
        year = years[-1]
        runs = {"as loaded": measure(year, args.repeat)}
        print(json.dumps(runs, ensure_ascii=False), file=sys.stderr)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        runs["after ANALYZE"] = measure(year, args.repeat)
    finally:
        common.cleanup(folder, args.db, args.keep)

    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {"machine": info, "settings": vars(args) | {"year": year}, "data": built, "results": runs}
    (common.OUT / f"ledger-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(info)
    print("| step | seconds |\n|---|--:|")
    for step, seconds in built["timings"].items():
        print(f"| {step} | {seconds:.1f} |")
    print("\n" + ", ".join(f"{k}: {v:,}" for k, v in built["counts"].items()) + "\n")
    print(f"| year {year} | ledger_for_scope s | hand-written SQL s | ratio | first ledger s | first SQL s |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, r in runs.items():
        print(
            f"| {name} | {r['ledger s']:.3f} | {r['hand SQL s']:.3f} | {r['ratio']:.1f} "
            f"| {r['first ledger s']:.3f} | {r['first hand SQL s']:.3f} |"
        )
    r = runs["as loaded"]
    print(
        f"\n{r['members in the ledger']:,} members in the ledger, {r['members with collective minutes']:,} with "
        f"collective minutes ({r['credited attendance minutes']:,} minutes); "
        f"same minutes per member: {r['same minutes per member']}"
    )


if __name__ == "__main__":
    main()
