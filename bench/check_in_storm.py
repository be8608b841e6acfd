"""A check-in storm through the real server: 1,000 members check in to one activity at once.

    uv run python bench/check_in_storm.py [--db sqlite|postgres] [--members 1000] [--concurrency 16] [--workers N]

Generates one college of `--members` members (bench/generate.py's bulk path), creates and
publishes one activity of the college committee whose check-in is open, and starts
`dangjian serve` (granian, WSGI) with the settings of bench/bench_site.py: the product's
settings and URLs plus one baseline view that writes one row (an audit event) in a transaction
for a logged-in account.

Logging in is not what is measured (an argon2 hash per member would dominate), so each member's
session is written straight into the session table, as Django's login would write it (the
account's id, backend and session hash), and the client sends its cookie. The generated accounts
that must change their password are let off, or every request would be sent to the password form.

Then, from `--concurrency` keep-alive connections, each member requests the check-in link once
(GET /study/check-in/<activity>/<token>/ with the token of the moment), as fast as the server
answers. The baseline is the same number of requests, one per member session, to the baseline
view, before and after the storm, on the same server. Afterwards the script checks that every
answer was the success page and that the activity has exactly one checked-in row per member.
"""

import http.client
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import common
from generate import generate
from member_list import Server, free_port

ACTIVITY_THEME = "学习贯彻党的二十届四中全会精神专题党课"


def setup(members: int) -> tuple[int, list[tuple[int, str]]]:
    """The college, the open activity and one session per member: (activity id, [(member id, cookie)])."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from dangjian.accounts.models import User
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organisation, OrgKind
    from dangjian.study.models import Form
    from dangjian.study.services import activities as services

    generate(committees=1, branches=max(members // 50, 1), members=members)
    committee = Organisation.objects.get(kind=OrgKind.COMMITTEE)
    now = timezone.now()
    activity = services.activity_create(
        actor=None,
        org=committee,
        form=Form.LECTURE,
        theme=ACTIVITY_THEME,
        starts_at=now + datetime.timedelta(minutes=15),  # check-in opened 15 minutes ago; nobody is late
        ends_at=now + datetime.timedelta(minutes=135),
        place="学院报告厅",
    )
    services.activity_publish(actor=None, activity=activity)

    current = list(Member.objects.current().filter(user__isnull=False).values_list("pk", "user_id").order_by("pk"))
    users = User.objects.in_bulk([user_id for _pk, user_id in current])
    User.objects.filter(pk__in=users).update(must_change_password=False)
    backend = "django.contrib.auth.backends.ModelBackend"
    store = SessionStore()
    expires = now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions, cookies = [], []
    for member_id, user_id in current:
        user = users[user_id]
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        cookies.append((member_id, f"{settings.SESSION_COOKIE_NAME}={key}"))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return activity.pk, cookies


def fire(
    port: int, requests: list, concurrency: int, ok: bytes, status: int = 200, headers: dict | None = None
) -> dict:
    """GET each (url or url-making callable, cookie) once from `concurrency` keep-alive connections, as
    fast as answered, with `headers` besides the cookie; an answer other than `status` with `ok` in its
    body is a failure."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    position = iter(range(len(requests)))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, bad = [], []
        while True:
            with lock:
                i = next(position, None)
            if i is None:
                break
            url, cookie = requests[i]
            url = url() if callable(url) else url
            started = time.perf_counter()
            conn.request("GET", url, headers={**(headers or {}), "Cookie": cookie})
            response = conn.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - started)
            if response.status != status or ok not in body:
                bad.append(f"{url}: HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "first_failures": failures[:5],
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": common.percentile(latencies, 50) * 1000,
        "p95_ms": common.percentile(latencies, 95) * 1000,
        "max_ms": max(latencies) * 1000,
    }


def verify(activity_id: int, member_ids: list[int]) -> dict:
    """What the database holds after the storm."""
    from django.db.models import Count

    from dangjian.core.models import AuditEvent
    from dangjian.study.models import Attendance

    rows = Attendance.objects.filter(activity_id=activity_id)
    checked = rows.filter(checked_in_at__isnull=False)
    per_member = dict(checked.values_list("member_id").annotate(n=Count("pk")).order_by())
    return {
        "attendance rows": rows.count(),
        "rows with a check-in time": checked.count(),
        "members checked in": len(per_member),
        "members checked in twice or more": sum(1 for n in per_member.values() if n > 1),
        "members missing": len(set(member_ids) - set(per_member)),
        "checked in by QR": checked.filter(method="qr").count(),
        "baseline rows": AuditEvent.objects.filter(action="bench.baseline").count(),
    }


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--members", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=16, help="client connections")
    p.add_argument("--workers", type=int, default=None, help="granian workers (default: 1 on SQLite, 2 on PostgreSQL)")
    args = p.parse_args()
    workers = args.workers or (1 if args.db == "sqlite" else 2)
    folder = common.prepare("check-in-storm", args.db)
    server = None
    try:
        info = common.machine()
        common.migrate()
        started = time.perf_counter()
        activity_id, sessions = setup(args.members)
        setup_s = time.perf_counter() - started
        print(f"college, activity and {len(sessions)} sessions in {setup_s:.1f} s", file=sys.stderr)
        from django.db import connections
        from django.urls import reverse
        from django.utils import timezone

        from dangjian.study import tokens

        connections.close_all()
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench_site"
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(common.BENCH), os.environ.get("PYTHONPATH")]))
        server = Server(free_port(), workers)
        server.wait()

        def check_in_url():
            return reverse("study:check-in", args=[activity_id, tokens.current_token(activity_id, timezone.now())])

        baseline_urls = [(f"/bench/baseline/{i}/", cookie) for i, (_m, cookie) in enumerate(sessions)]
        # Warm every server thread: the baseline with some sessions, the check-in page with a
        # forged token (refused without writing, but through the same view and template).
        fire(server.port, baseline_urls[: args.concurrency * 4], args.concurrency, b"ok")
        forged = f"/study/check-in/{activity_id}/0.forged/"
        fire(
            server.port,
            [(forged, c) for _m, c in sessions[: args.concurrency * 4]],
            args.concurrency,
            b"invalid_token",
            400,
        )
        results = {}
        results["baseline before"] = fire(server.port, baseline_urls, args.concurrency, b"ok")
        print(f"baseline: {results['baseline before']['rps']:.0f} req/s", file=sys.stderr)
        storm = [(check_in_url, cookie) for _m, cookie in sessions]
        results["check-in storm"] = fire(server.port, storm, args.concurrency, b'data-outcome="present"')
        print(f"check-in: {results['check-in storm']['rps']:.0f} req/s", file=sys.stderr)
        results["baseline after"] = fire(server.port, baseline_urls, args.concurrency, b"ok")
        print(f"baseline: {results['baseline after']['rps']:.0f} req/s", file=sys.stderr)
        # A second scan by everyone changes nothing (409, "already checked in").
        again = fire(server.port, storm[:100], args.concurrency, b'data-outcome="already"', 409)
        server.stop()
        server = None
        os.environ["DJANGO_SETTINGS_MODULE"] = "dangjian.config.settings"
        checks = verify(activity_id, [m for m, _c in sessions])
        checks["second scans answered 'already'"] = again["requests"] - again["failures"]
    finally:
        if server:
            server.stop()
        common.cleanup(folder, args.db, args.keep)

    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    baseline_rps = (results["baseline before"]["rps"] + results["baseline after"]["rps"]) / 2
    ratio = results["check-in storm"]["rps"] / baseline_rps
    report = {
        "machine": info,
        "settings": vars(args) | {"workers": workers, "setup_s": round(setup_s, 1)},
        "results": results,
        "ratio": ratio,
        "checks": checks,
    }
    (common.OUT / f"check_in_storm-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(info)
    print("| run | requests | failures | seconds | req/s | p50 ms | p95 ms | max ms |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['requests']:,} | {r['failures']} | {r['seconds']:.1f} | {r['rps']:.0f} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['max_ms']:.0f} |"
        )
    print(f"\ncheck-in throughput / baseline throughput (mean of before and after) = {ratio:.2f}\n")
    for key, value in checks.items():
        print(f"- {key}: {value:,}")


if __name__ == "__main__":
    main()
