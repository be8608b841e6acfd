"""A person's to-do inbox (待办) at two data sizes: SQL queries per source and in all, and its time against the
slowest single query of its sources; and what the navigation's 待办 count costs a page.

    uv run python bench/inbox.py [--db sqlite|postgres] [--repeat 20]

For each size it builds a university with the generator's bulk path (bench/generate.py), the demo college
first, then gives the demo college the pending work the demo gives it, through the demo's own builders
(study, care, evaluation, rights, early warning: leave to decide, make-ups to review, needs to accept or
answer, required talks, ballots, an appeal, early-warning entries, plans to publish), and then
`--extra-needs` more open needs and `--extra-talks` more required talks per branch of the demo college, so
that the larger size has several times the pending work.

Measured, as the branch secretary (demo-branch) and the college committee officer (demo-committee):
- each registered source alone: the to-dos it gives, its SQL queries, its median time, and its slowest
  query (each query the source issued, run again on its own, median time);
- `notices.inbox.inbox_for`: all sources together, the same way; the ratio is its median time to the
  slowest single query of any source;
- a typical page (the activity list, Django's test client, in process) with every source registered and
  with none (what the navigation's 待办 count costs the page), and the request for the count that the
  layout makes after the page has loaded: SQL queries and median time.

Each size is built and measured in a process of its own (Django reads the data folder once per process).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

import common
from generate import generate

ACTORS = ["demo-branch", "demo-committee"]
SIZES = {
    "small": {"committees": 1, "branches": 11, "members": 336, "extra_needs": 0, "extra_talks": 0},
    "large": {"committees": 30, "branches": 600, "members": 30_000, "extra_needs": 6, "extra_talks": 10},
}


def pending_work(extra_needs: int, extra_talks: int) -> None:
    """The demo's pending work in the demo college, plus more open needs and required talks per branch."""
    from django.utils import timezone

    from dangjian.demo import care, compliance, evaluation, rights, study

    study.study_demo_ensure()
    care.care_demo_ensure()
    evaluation.evaluation_demo_ensure()
    rights.rights_demo_ensure()
    compliance.compliance_demo_ensure()
    if extra_needs or extra_talks:
        more(extra_needs, extra_talks, timezone.localdate())


def more(extra_needs: int, extra_talks: int, today: datetime.date) -> None:
    """Open needs submitted by members and required talks nobody has taken, in each branch of the demo college."""
    from dangjian.care.models import Need, NeedState, TalkTodo, TodoReason
    from dangjian.care.services.needs import need_submit
    from dangjian.demo.plan import DEMO_COMMITTEE_CODE
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organisation

    committee = Organisation.objects.get(code=DEMO_COMMITTEE_CODE)
    for branch in Organisation.objects.active().branches().subtree_of(committee):
        members = list(Member.objects.current().filter(org__path__startswith=branch.path, user__isnull=False)[:40])
        for member in members[:extra_needs]:
            need_submit(
                actor=member.user, category="study", title=f"{member.name}的学习需求", description="希望支部安排辅导。"
            )
        TalkTodo.objects.bulk_create(
            TalkTodo(
                org=branch,
                member=member,
                reason=TodoReason.NEW_MEMBER,
                source_key=f"bench:{member.pk}",
                due_on=today + datetime.timedelta(days=20),
            )
            for member in members[extra_needs : extra_needs + extra_talks]
        )
    assert Need.objects.filter(state=NeedState.SUBMITTED).exists()


def slowest_query(captured: list[dict], repeat: int) -> tuple[float, str]:
    """The median time of the slowest of the captured queries, each run again on its own (all rows fetched)."""
    from django.db import connection

    worst, text = 0.0, ""
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            times.append(time.perf_counter() - started)
        t = common.median(times)
        if t > worst:
            worst, text = t, sql
    return worst, text


def run(function, repeat: int) -> tuple[int, int, float, list[dict]]:
    """(items, queries, median seconds, the queries of one run) of `function()`."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps at most 9,000 queries: a full one would capture nothing
    with CaptureQueriesContext(connection) as captured:
        items = function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return len(items), len(captured.captured_queries), common.median(times), captured.captured_queries


def measure_actor(username: str, repeat: int) -> dict:
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.accounts.permissions import scope_for
    from dangjian.notices.inbox import inbox_for, todo_sources

    today = timezone.localdate()
    # The account and its scope are read once per request, whatever the sources (the layout needs them too).
    actor = User.objects.get(username=username)
    scope_items, scope_queries, scope_seconds, _captured = run(lambda: [scope_for(actor)], 1)

    sources = {}
    worst_overall = 0.0
    for name, source in todo_sources().items():
        items, queries, seconds, captured = run(lambda s=source: s(actor, today), repeat)
        worst, sql = slowest_query(captured, repeat)
        worst_overall = max(worst_overall, worst)
        sources[name] = {
            "to-dos": items,
            "queries": queries,
            "ms": seconds * 1000,
            "slowest query ms": worst * 1000,
        }
        sources[name]["slowest query"] = sql[:300]
    items, queries, seconds, _captured = run(lambda: inbox_for(actor, today), repeat)
    return {
        "scope queries (once per request)": scope_queries,
        "sources": sources,
        "inbox": {
            "to-dos": items,
            "queries": queries,
            "ms": seconds * 1000,
            "slowest single query ms": worst_overall * 1000,
            "ratio": seconds / worst_overall if worst_overall else float("nan"),
        },
    }


def page(username: str, repeat: int) -> dict:
    """The activity list with every source registered and with none (what the 待办 count costs the page), and
    the request for the count that the layout makes after the page has loaded, where there is one."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from dangjian.accounts.models import User
    from dangjian.notices import inbox

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    try:
        count_url = reverse("notices:inbox-count")
    except NoReverseMatch:  # before the count was asked for after loading
        count_url = None
    requests = [("page, sources registered", "/study/activities/", True)]
    requests.append(("page, no source registered", "/study/activities/", False))
    if count_url:
        requests.append(("the count, asked for after loading", count_url, True))
    registered = dict(inbox._SOURCES)
    results = {}
    for label, url, with_sources in requests:
        inbox._SOURCES.clear()
        inbox._SOURCES.update(registered if with_sources else {})
        client.get(url)  # warm
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)  # now: the next request's request_started empties the log
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        results[label] = {"queries": queries, "ms": common.median(times) * 1000}
    inbox._SOURCES.clear()
    inbox._SOURCES.update(registered)
    return results


def measure_size(name: str, size: dict, db: str, repeat: int, keep: bool) -> dict:
    folder = common.prepare(f"inbox-{name}", db)
    try:
        info = common.machine()
        common.migrate()
        started = time.perf_counter()
        generate(committees=size["committees"], branches=size["branches"], members=size["members"])
        pending_work(size["extra_needs"], size["extra_talks"])
        built = time.perf_counter() - started
        print(f"{name}: built in {built:.1f} s", file=sys.stderr)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        actors = {username: measure_actor(username, repeat) for username in ACTORS}
        pages = {username: page(username, repeat) for username in ACTORS}
    finally:
        common.cleanup(folder, db, keep)
    return {"machine": info, "size": size, "built s": built, "actors": actors, "pages": pages}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    p.add_argument("--one", choices=list(SIZES), help=argparse.SUPPRESS)  # a child process measuring one size
    args = p.parse_args()
    if args.one:  # Django reads the data folder once per process: each size runs in a process of its own
        result = measure_size(args.one, SIZES[args.one], args.db, args.repeat, args.keep)
        (common.OUT / f"inbox-{args.one}-{args.db}.json").write_text(json.dumps(result, ensure_ascii=False))
        return
    results = {}
    for name in args.sizes:
        command = [sys.executable, __file__, "--one", name, "--db", args.db, "--repeat", str(args.repeat)]
        subprocess.run([*command, *(["--keep"] if args.keep else [])], check=True)
        results[name] = json.loads((common.OUT / f"inbox-{name}-{args.db}.json").read_text())
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {"settings": vars(args), "load average at end": load_end, "results": results}
    (common.OUT / f"inbox-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(results[args.sizes[0]]["machine"] | {"load average at end": load_end})
    names = list(results)
    for username in ACTORS:
        print(f"\n### {username}\n")
        print("| source | " + " | ".join(f"{n}: to-dos / queries / ms / slowest query ms" for n in names) + " |")
        print("|---|" + "--:|" * len(names))
        sources = results[names[0]]["actors"][username]["sources"]
        for source in sources:
            cells = []
            for n in names:
                r = results[n]["actors"][username]["sources"][source]
                cells.append(f"{r['to-dos']} / {r['queries']} / {r['ms']:.1f} / {r['slowest query ms']:.1f}")
            print(f"| {source} | " + " | ".join(cells) + " |")
        cells = []
        for n in names:
            r = results[n]["actors"][username]["inbox"]
            cells.append(f"**{r['to-dos']} / {r['queries']} / {r['ms']:.1f} / {r['slowest single query ms']:.1f}**")
        print("| **inbox_for** | " + " | ".join(cells) + " |")
        print("\n" + ", ".join(f"{n}: ratio {results[n]['actors'][username]['inbox']['ratio']:.1f}" for n in names))
    print("\n| request | " + " | ".join(f"{n} queries | {n} ms" for n in names) + " |")
    print("|---|" + "--:|--:|" * len(names))
    for username in ACTORS:
        for label in results[names[0]]["pages"][username]:
            cells = []
            for n in names:
                r = results[n]["pages"][username][label]
                cells += [str(r["queries"]), f"{r['ms']:.1f}"]
            print(f"| {username}: {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
