"""The committee's compliance matrix of organisational life for a whole university and a whole year, as a ratio
to one hand-written SQL aggregate.

    uv run python bench/life_matrix.py [--db sqlite|postgres] [--branches 1000] [--members 30000] [--repeat 5]

Generates the university (bench/generate.py: 30 committees, `--branches` branches, `--members` members),
then one year (the last full one) of organisational life in every branch and Party group: most branches
(`--keeping` of them) keep the rhythm — a 主题党日 and a 支委会 each month, a 支部党员大会 and a 党课 each
quarter (one of them given by the branch secretary), a 组织生活会 in the fourth quarter, a closed 民主评议,
and a 党小组会 each month in each of their groups, plus collective study, films and visits — while the
others hold each of these with a probability of `--lapse`. Every activity has an attendance row for each
member of its organisation (5 officers for a 支委会); a few activities were cancelled, are still drafts or
never had their attendance taken, so they do not count as held.

Then it times `dangjian.compliance.selectors.life_matrix` for the whole university over the year (the
administrator's branches, `life_branches`), against ONE hand-written SQL statement that counts the same
held activities (published, ended, attendance taken; closed evaluations on their meeting day) by
organisation, form and month with GROUP BY. Both run `--repeat` times, alternately, warm; the medians are
compared, and the script checks that both count the same activities. It also counts the SQL queries the
matrix issues for the first 100 branches and for all of them, and times a college committee officer's
matrix (demo-committee, one college).
"""

import datetime
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict

import common
from generate import generate
from ledger import OUTCOMES, load

OTHER_FORMS = ["group_study", "film", "visit", "report"]
LENGTHS = [60, 90, 120]

HAND_SQL = {
    "sqlite": """
SELECT a.org_id, a.form, CAST(strftime('%%m', a.starts_at, %s) AS INTEGER) AS month, COUNT(*)
FROM study_activity a
JOIN orgs_organisation o ON o.id = a.org_id
WHERE o.kind IN ('branch', 'group') AND o.dissolved_on IS NULL
  AND a.status = 'published'
  AND a.starts_at >= %s AND a.starts_at < %s AND a.ends_at <= %s
  AND EXISTS (SELECT 1 FROM study_attendance t WHERE t.activity_id = a.id AND t.status <> 'expected')
GROUP BY a.org_id, a.form, month
UNION ALL
SELECT c.org_id, 'evaluation', CAST(strftime('%%m', c.meeting_on) AS INTEGER) AS month, COUNT(*)
FROM evaluation_campaign c
JOIN orgs_organisation o ON o.id = c.org_id
WHERE o.kind IN ('branch', 'group') AND o.dissolved_on IS NULL
  AND c.phase = 'closed' AND c.meeting_on >= %s AND c.meeting_on <= %s
GROUP BY c.org_id, month
""",
    "postgresql": """
SELECT a.org_id, a.form, EXTRACT(MONTH FROM a.starts_at AT TIME ZONE %s)::int AS month, COUNT(*)
FROM study_activity a
JOIN orgs_organisation o ON o.id = a.org_id
WHERE o.kind IN ('branch', 'group') AND o.dissolved_on IS NULL
  AND a.status = 'published'
  AND a.starts_at >= %s AND a.starts_at < %s AND a.ends_at <= %s
  AND EXISTS (SELECT 1 FROM study_attendance t WHERE t.activity_id = a.id AND t.status <> 'expected')
GROUP BY a.org_id, a.form, month
UNION ALL
SELECT c.org_id, 'evaluation', EXTRACT(MONTH FROM c.meeting_on)::int AS month, COUNT(*)
FROM evaluation_campaign c
JOIN orgs_organisation o ON o.id = c.org_id
WHERE o.kind IN ('branch', 'group') AND o.dissolved_on IS NULL
  AND c.phase = 'closed' AND c.meeting_on >= %s AND c.meeting_on <= %s
GROUP BY c.org_id, month
""",
}


def plan_year(year: int, rng: random.Random, keeping: float, lapse: float) -> tuple[list[tuple], list[tuple], dict]:
    """(org id, form, starts at, minutes, speaker id, fate) of every activity of the year in every active branch
    and group; (branch id, meeting day) of the closed evaluations; counts for the report.
    `fate` is "held", "cancelled", "draft" or "not taken" (published, attendance never taken)."""
    from django.utils import timezone

    from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind, Position

    tz = timezone.get_current_timezone()
    orgs = list(Organisation.objects.active().filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP]).order_by("path"))
    secretary = dict(
        OfficerTerm.objects.filter(position=Position.SECRETARY, since__lte=datetime.date(year, 1, 1)).values_list(
            "org_id", "member_id"
        )
    )

    def at(month: int, day: int | None = None) -> datetime.datetime:
        return datetime.datetime(year, month, day or rng.randint(1, 28), rng.choice([9, 14, 16, 19]), tzinfo=tz)

    def fate() -> str:
        draw = rng.random()
        return "cancelled" if draw < 0.02 else "draft" if draw < 0.03 else "not taken" if draw < 0.05 else "held"

    acts, campaigns = [], []
    keeps = {"branches keeping the rhythm": 0, "branches lapsing": 0, "groups": 0}
    for org in orgs:
        keep = rng.random() < keeping
        held = (lambda: True) if keep else (lambda: rng.random() < lapse)
        if org.kind == OrgKind.GROUP:
            keeps["groups"] += 1
            acts.extend((org.pk, "group_meeting", at(month), 60, None, fate()) for month in range(1, 13) if held())
            continue
        keeps["branches keeping the rhythm" if keep else "branches lapsing"] += 1
        lecture_by_secretary = rng.randint(1, 4)
        for month in range(1, 13):
            if held():
                acts.append((org.pk, "theme_day", at(month, 10), 120, None, fate()))  # the branch's fixed day
            if held():
                acts.append((org.pk, "committee_meeting", at(month), 60, None, fate()))
            acts.append((org.pk, rng.choice(OTHER_FORMS), at(month), rng.choice(LENGTHS), None, fate()))
            if month % 3 == 2:
                quarter = (month + 1) // 3
                if held():
                    acts.append((org.pk, "general_meeting", at(month), 90, None, fate()))
                if held():
                    speaker = secretary.get(org.pk) if quarter == lecture_by_secretary else None
                    acts.append((org.pk, "lecture", at(month), 90, speaker, fate()))
        if held():
            acts.append((org.pk, "life_meeting", at(rng.choice([11, 12])), 180, None, fate()))
        if held():
            campaigns.append((org.pk, datetime.date(year, rng.choice([11, 12]), rng.randint(1, 28))))
    counts = keeps | {
        "activities": len(acts),
        "held activities": sum(1 for a in acts if a[5] == "held"),
        "closed evaluations": len(campaigns),
    }
    return acts, campaigns, counts


def write_year(acts: list[tuple], campaigns: list[tuple], rng: random.Random, postgres: bool) -> int:
    """Write the activities, an attendance row per member of the organisation, and the evaluations."""
    from django.db import connection

    from dangjian.evaluation.models import Campaign
    from dangjian.evaluation.rules import Phase
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organisation, OrgKind

    suffix = "+00" if postgres else ""

    def text(moment: datetime.datetime) -> str:
        return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S}{suffix}"

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM study_activity")
        next_id = cursor.fetchone()[0] + 1
    false = "f" if postgres else 0
    rows, made = [], []
    for org_id, form, starts, length, speaker, fate in acts:
        status = {"cancelled": "cancelled", "draft": "draft"}.get(fate, "published")
        stamp = text(starts - datetime.timedelta(days=7))
        published = None if status == "draft" else stamp
        theme = f"{starts:%Y年%m月}{form}"
        row = (next_id, stamp, stamp, org_id, form, theme, "all", text(starts))
        row += (text(starts + datetime.timedelta(minutes=length)), "", speaker, "", length, false, status, published)
        rows.append(row + ("", "", ""))
        made.append((next_id, org_id, form, starts, fate))
        next_id += 1
    columns = ["id", "created_at", "updated_at", "org_id", "form", "theme", "audience", "starts_at", "ends_at"]
    columns += ["place", "speaker_id", "speaker_name", "credit_minutes", "credit_overridden", "status", "published_at"]
    columns += ["minutes", "decisions", "summary"]
    load("study_activity", columns, rows, postgres)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('study_activity', 'id'), %s)", [next_id])

    kinds = dict(Organisation.objects.values_list("pk", "kind"))
    parent = dict(Organisation.objects.values_list("pk", "parent_id"))
    members: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in Member.objects.current().values_list("pk", "org_id").order_by("pk"):
        members[org_id].append(pk)
        if kinds[org_id] == OrgKind.GROUP:
            members[parent[org_id]].append(pk)
    statuses = [s for s, weight in OUTCOMES for _ in range(weight)]

    def attendance():
        for activity_id, org_id, form, starts, fate in made:
            if fate in ("cancelled", "draft"):
                continue
            people = members.get(org_id, [])
            if form == "committee_meeting":
                people = people[:5]
            at = starts.astimezone(datetime.UTC).replace(tzinfo=None)
            stamp = f"{at:%Y-%m-%d %H:%M:%S}{suffix}"
            for pk in people:
                status = "expected" if fate == "not taken" else statuses[int(rng.random() * 100)]
                checked = stamp if status in ("present", "late") else None
                expected = "t" if postgres else 1
                yield stamp, stamp, activity_id, pk, status, checked, "qr" if checked else "", expected, "", ""

    columns = ["created_at", "updated_at", "activity_id", "member_id", "status", "checked_in_at", "method"]
    count = load("study_attendance", [*columns, "expected", "device", "reason"], attendance(), postgres)
    Campaign.objects.bulk_create(
        Campaign(
            org_id=org_id,
            year=day.year,
            phase=Phase.CLOSED,
            started_on=day - datetime.timedelta(days=30),
            meeting_on=day,
            closed_on=day,
        )
        for org_id, day in campaigns
    )
    return count


def build(args, rng: random.Random) -> tuple[dict, int]:
    postgres = args.db == "postgres"
    timings: dict[str, float] = {}
    started = time.perf_counter()
    generate(committees=args.committees, branches=args.branches, members=args.members)
    timings["university (bench/generate.py)"] = time.perf_counter() - started
    from django.utils import timezone

    year = timezone.localdate().year - 1
    started = time.perf_counter()
    acts, campaigns, counts = plan_year(year, rng, args.keeping, args.lapse)
    counts["attendance rows"] = write_year(acts, campaigns, rng, postgres)
    timings["a year of organisational life (plan, load and index)"] = time.perf_counter() - started
    return {"timings": timings, "counts": counts}, year


def hand(year: int) -> tuple[float, Counter]:
    """The hand-written aggregate: held activities by organisation, form and month."""
    from django.db import connection
    from django.utils import timezone

    from dangjian.compliance.selectors import _aware

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    offset = timezone.localtime(_aware(first)).utcoffset()
    zone = (
        f"{offset.total_seconds() / 3600:+.0f} hours"
        if connection.vendor == "sqlite"
        else str(timezone.get_current_timezone())
    )
    params = [zone, _aware(first), _aware(last + datetime.timedelta(days=1)), timezone.now(), first, last]
    started, cpu = time.perf_counter(), time.process_time()
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL[connection.vendor], params)
        rows = cursor.fetchall()
    seconds = (time.perf_counter() - started, time.process_time() - cpu)
    return seconds, Counter({(org_id, form, month): n for org_id, form, month, n in rows})


def product(year: int, username: str, limit: int | None = None):
    """The matrix as the page builds it: the actor's branches (a fresh account: the scope is computed too),
    then `life_matrix` for the year."""
    from dangjian.accounts.models import User
    from dangjian.compliance.selectors import life_branches, life_matrix, life_period

    actor = User.objects.get(username=username)
    started, cpu = time.perf_counter(), time.process_time()
    branches = list(life_branches(actor)[:limit] if limit else life_branches(actor))
    rows = life_matrix(branches, life_period("year", datetime.date(year, 6, 30)))
    return (time.perf_counter() - started, time.process_time() - cpu), rows


def held_counter(year: int) -> Counter:
    """What the product reads as held (`held_activities`), by organisation, form and month, for the check."""
    from dangjian.compliance.selectors import held_activities
    from dangjian.orgs.models import Organisation, OrgKind

    ids = list(
        Organisation.objects.active().filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP]).values_list("pk", flat=True)
    )
    held = held_activities(ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return Counter((org_id, a.form, a.held_on.month) for org_id, items in held.items() for a in items)


def query_count(year: int, username: str, limit: int | None) -> int:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        product(year, username, limit)
    return len(captured.captured_queries) - 1  # the account's own query is the page's, not the matrix's


def measure(year: int, repeat: int) -> dict:
    """Medians of the matrix and of the hand-written SQL, alternately; whether they agree; the statuses."""
    first_product, rows = product(year, "demo-admin")
    first_hand, counted = hand(year)
    product_times, hand_times = [], []
    for _ in range(repeat):
        product_times.append(product(year, "demo-admin")[0])
        hand_times.append(hand(year)[0])
    statuses = Counter(cell.status for row in rows for cell in row.cells)
    college_times = [product(year, "demo-committee")[0][0] for _ in range(repeat)]
    matrix_cpu = common.median([t[1] for t in product_times])
    hand_cpu = common.median([t[1] for t in hand_times])
    return {
        "branches in the matrix": len(rows),
        "cells": sum(len(row.cells) for row in rows),
        "checks": sum(len(cell.checks) for row in rows for cell in row.cells),
        "cells by status": dict(statuses),
        "held activities counted by the SQL": sum(counted.values()),
        "same counts by organisation, form and month": held_counter(year) == counted,
        "first matrix s": first_product[0],
        "first hand SQL s": first_hand[0],
        "matrix s": common.median([t[0] for t in product_times]),
        "hand SQL s": common.median([t[0] for t in hand_times]),
        "ratio": common.median([t[0] for t in product_times]) / common.median([t[0] for t in hand_times]),
        # CPU time of this process: on SQLite the database runs in it too, so this is the whole work,
        # steadier than the wall clock on a shared machine; on PostgreSQL it leaves out the server's.
        "matrix CPU s": matrix_cpu,
        "hand SQL CPU s": hand_cpu,
        "CPU ratio": matrix_cpu / hand_cpu if hand_cpu else float("nan"),
        "one college's matrix s": common.median(college_times),
    }


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--committees", type=int, default=30)
    p.add_argument("--branches", type=int, default=1000)
    p.add_argument("--members", type=int, default=30_000)
    p.add_argument("--keeping", type=float, default=0.85, help="share of branches that keep the rhythm")
    p.add_argument("--lapse", type=float, default=0.6, help="chance that a lapsing branch holds a required activity")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    folder = common.prepare("life-matrix", args.db)
    try:
        info = common.machine()
        common.migrate()
        built, year = build(args, random.Random(args.seed))
        print(json.dumps(built, ensure_ascii=False), file=sys.stderr)
        queries = {
            "100 branches": query_count(year, "demo-admin", 100),
            f"{args.branches:,} branches": query_count(year, "demo-admin", None),
        }
        print(json.dumps(queries), file=sys.stderr)
        runs = {"as loaded": measure(year, args.repeat)}
        print(json.dumps(runs, ensure_ascii=False), file=sys.stderr)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        runs["after ANALYZE"] = measure(year, args.repeat)
    finally:
        common.cleanup(folder, args.db, args.keep)

    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {"machine": info, "settings": vars(args) | {"year": year}, "data": built, "queries": queries}
    report["results"] = runs
    (common.OUT / f"life-matrix-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(info)
    print("| step | seconds |\n|---|--:|")
    for step, seconds in built["timings"].items():
        print(f"| {step} | {seconds:.1f} |")
    print("\n" + ", ".join(f"{k}: {v:,}" for k, v in built["counts"].items()) + "\n")
    print("SQL queries of the matrix: " + ", ".join(f"{k}: {v}" for k, v in queries.items()) + "\n")
    print(
        f"| year {year} | life_matrix s | hand-written SQL s | ratio | life_matrix CPU s | SQL CPU s | CPU ratio "
        "| first matrix s | first SQL s | one college s |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    college = "one college's matrix s"
    for name, r in runs.items():
        print(
            f"| {name} | {r['matrix s']:.3f} | {r['hand SQL s']:.3f} | {r['ratio']:.1f} "
            f"| {r['matrix CPU s']:.3f} | {r['hand SQL CPU s']:.3f} | {r['CPU ratio']:.1f} "
            f"| {r['first matrix s']:.3f} | {r['first hand SQL s']:.3f} | {r[college]:.3f} |"
        )
    r = runs["as loaded"]
    print(
        f"\n{r['branches in the matrix']:,} branches, {r['cells']:,} cells, {r['checks']:,} checks; cells by status: "
        f"{r['cells by status']}; held activities (SQL): {r['held activities counted by the SQL']:,}; "
        f"same counts: {r['same counts by organisation, form and month']}"
    )


if __name__ == "__main__":
    main()
