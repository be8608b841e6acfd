"""The member list page through the real server: latency, throughput and SQL queries per page.

    uv run python bench/member_list.py [--db sqlite|postgres] [--requests 200] [--concurrency 4] [--workers 2]

Generates the university-scale data set (bench/generate.py), counts the SQL queries of each page
in-process (Django's test client and CaptureQueriesContext, with the median time of one request
alone), then starts `dangjian serve`
(granian, WSGI), logs in over HTTP as a committee officer, a branch officer and the system
administrator, and requests each page `--requests` times from `--concurrency` client threads.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common
from generate import generate

ACCOUNTS = [
    ("committee officer (1 college, ~1,000 members)", "demo-committee"),
    ("branch officer (1 branch)", "demo-branch"),
    ("administrator (whole university, 30,000 members)", "demo-admin"),
]
PAGES = [
    ("first page", "/members/"),
    ("search by name 王", "/members/?q=" + urllib.parse.quote("王")),
    ("search by pinyin initials zw", "/members/?q=zw"),
    ("filter graduate + full", "/members/?category=graduate&status=full"),
]
PASSWORD = "dangjian-demo"  # noqa: S105 - the published demo password


def query_counts() -> dict[str, dict[str, tuple[int, int, float]]]:
    """(SQL queries, matching members, median ms) per account and page, from warm in-process requests."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.models import User
    from dangjian.members.selectors import MemberFilters, member_list

    counts: dict[str, dict[str, tuple[int, int, float]]] = {}
    for _label, username in ACCOUNTS:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        counts[username] = {}
        for name, url in PAGES:
            client.get(url)  # warm the caches a real server would have warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            # Read now: the next request's request_started signal empties the query log.
            n_queries = len(queries)
            times = []
            for _ in range(5):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}
            matching = member_list(actor=User.objects.get(pk=user.pk), filters=MemberFilters(**query)).count()
            counts[username][name] = (n_queries, matching, common.median(times) * 1000)
    connection.close()
    return counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`dangjian serve` in a child process (which becomes granian)."""

    def __init__(self, port: int, workers: int):
        self.port = port
        env = {**os.environ, "DANGJIAN_WORKERS": str(workers)}
        command = [str(Path(sys.executable).with_name("dangjian")), "serve", "--no-worker", "--port", str(port)]
        self.log = (common.OUT / "server.log").open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=common.ROOT)

    def wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server stopped; see bench/out/server.log")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not answer in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def login(port: int, username: str) -> str:
    """Log in through the login form; returns the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    jar = _cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
    }
    conn.request("POST", "/accounts/login/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    jar |= _cookies(response)
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login as {username} failed: HTTP {response.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def load(port: int, cookie: str, url: str, requests: int, concurrency: int) -> dict[str, float]:
    """`requests` GETs of `url` from `concurrency` keep-alive connections: latency and throughput."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(n):
            started = time.perf_counter()
            conn.request("GET", url, headers={"Cookie": cookie})
            response = conn.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200 or b"<table" not in body:
                raise RuntimeError(f"{url}: HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    # Warm up each connection's worker thread and the server's caches.
    worker(concurrency * 2)
    latencies.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker, n) for n in per_thread]:
            future.result()
    elapsed = time.perf_counter() - started
    return {
        "p50_ms": common.percentile(latencies, 50) * 1000,
        "p95_ms": common.percentile(latencies, 95) * 1000,
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
    }


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=200, help="requests per page and account")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--workers", type=int, default=2, help="granian worker processes")
    p.add_argument("--members", type=int, default=30_000)
    args = p.parse_args()
    folder = common.prepare("member-list", args.db)
    server = None
    try:
        info = common.machine()
        common.migrate()
        generated = generate(committees=30, branches=600, members=args.members)
        print(f"generated in {generated['total']:.1f} s", file=sys.stderr)
        queries = query_counts()
        server = Server(free_port(), args.workers)
        server.wait()
        results = []
        for label, username in ACCOUNTS:
            cookie = login(server.port, username)
            for name, url in PAGES:
                numbers = load(server.port, cookie, url, args.requests, args.concurrency)
                n_queries, matching, alone_ms = queries[username][name]
                results.append(
                    {
                        "account": label,
                        "page": name,
                        "queries": n_queries,
                        "matching": matching,
                        "in_process_ms": alone_ms,
                        **numbers,
                    }
                )
                print(f"{label} · {name}: {numbers['p50_ms']:.1f} / {numbers['p95_ms']:.1f} ms", file=sys.stderr)
    finally:
        if server:
            server.stop()
        common.cleanup(folder, args.db, args.keep)

    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {
        "machine": info,
        "settings": vars(args) | {"generated_s": round(generated["total"], 1)},
        "results": results,
    }
    (common.OUT / f"member_list-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(info)
    print("| account | page | members matching | SQL queries | in-process ms | p50 ms | p95 ms | req/s |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print(
            f"| {r['account']} | {r['page']} | {r['matching']:,} | {r['queries']} | {r['in_process_ms']:.0f} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['rps']:.0f} |"
        )


if __name__ == "__main__":
    main()
