"""Shared set-up for the benchmarks: a throw-away data folder and database, Django, numbers.

Every benchmark keeps its data under bench/out/ (git-ignored). With `--db postgres` it creates
a database of its own on the server at BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432) and drops it at the end.
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "dangjian_bench"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite", help="database to run on")
    p.add_argument("--keep", action="store_true", help="keep the data folder and PostgreSQL database afterwards")
    return p


def prepare(name: str, db: str) -> Path:
    """A fresh data folder (and PostgreSQL database), configured for Django; returns the folder."""
    folder = OUT / f"{name}-{db}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["DANGJIAN_DATA_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "dangjian.config.settings"
    os.environ.setdefault("DANGJIAN_LOG_LEVEL", "ERROR")
    if db == "postgres":
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)", f"CREATE DATABASE {PG_DATABASE}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    return folder


def cleanup(folder: Path, db: str, keep: bool) -> None:
    from django.db import connections

    connections.close_all()
    if keep:
        return
    if db == "postgres":
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    shutil.rmtree(folder, ignore_errors=True)


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return time.perf_counter() - started


def machine() -> dict[str, str]:
    """The machine and software the numbers were taken on (no paths, no host names)."""
    from django.db import connection

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("show server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import django

    return {
        "cpu": f"{os.cpu_count()} cores, {model}" if model else f"{os.cpu_count()} cores",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def timed(results: dict, key: str):
    started = time.perf_counter()
    yield
    results[key] = time.perf_counter() - started


def print_machine(info: dict[str, str]) -> None:
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), file=sys.stderr)
