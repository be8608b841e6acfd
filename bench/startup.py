"""Start-up: what every `dangjian` process pays before it does anything, as a ratio to Django's own.

Runs each command below as a fresh process, `--runs` times, interleaved (one of each per round, so
a change of load on a shared machine affects all alike), and reports the median wall time and the
median CPU time (user + system, the steadier figure) with their ratio to the baseline, a bare
`django.setup()` with the project's settings:

    python -c "import django"                    the interpreter and Django's package (reference)
    python -c "import django; django.setup()"    the baseline
    dangjian version                             a trivial command
    dangjian --help                              the command list
    dangjian check                               the system checks (they load every URL and the API)

Python's compiled bytecode is kept in a folder of the benchmark's own (`PYTHONPYCACHEPREFIX`), warmed
before measuring, as a deployed process finds it. `--no-bytecode` measures instead a process that
compiles every module it imports, as with `PYTHONDONTWRITEBYTECODE=1` and no `__pycache__`.

    uv run python bench/startup.py [--runs 10] [--no-bytecode] [--keep]
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT  # noqa: E402

BASELINE = "django.setup()"


def dangjian_command() -> list[str]:
    script = Path(sys.executable).with_name("dangjian")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dangjian.cli"]


def commands() -> dict[str, list[str]]:
    dangjian = dangjian_command()
    return {
        "import django": [sys.executable, "-c", "import django"],
        BASELINE: [sys.executable, "-c", "import django; django.setup()"],
        "dangjian version": [*dangjian, "version"],
        "dangjian --help": [*dangjian, "--help"],
        "dangjian check": [*dangjian, "check"],
    }


def environment(folder: Path, bytecode: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.config.settings",
        "DANGJIAN_DATA_DIR": str(folder / "data"),
        "DANGJIAN_LOG_LEVEL": "ERROR",
        "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
    }
    env.pop("DATABASE_URL", None)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process from start to exit."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def loaded_by_setup(env: dict[str, str]) -> dict[str, object]:
    """How many modules `django.setup()` leaves imported, and whether the API stack is among them."""
    probe = (
        "import sys, json, django; django.setup(); "
        "print(json.dumps({'modules': len(sys.modules), "
        "'ninja': 'ninja' in sys.modules, 'pydantic': 'pydantic' in sys.modules, "
        "'django.contrib.admin': 'django.contrib.admin' in sys.modules, "
        "'django.test': 'django.test' in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10, help="processes per command")
    p.add_argument("--no-bytecode", action="store_true", help="compile every module in every process")
    p.add_argument("--keep", action="store_true", help="keep the data and bytecode folders afterwards")
    args = p.parse_args()

    folder = OUT / "startup"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    env = environment(folder, bytecode=not args.no_bytecode)
    todo = commands()

    info = {
        "cpu": f"{os.cpu_count()} cores",
        "python": platform.python_version(),
        "django": version("django"),
        "bytecode": "cached" if not args.no_bytecode else "compiled in every process",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), file=sys.stderr)

    # Warm-up: the data folder's first use (secret key) and, unless --no-bytecode, the bytecode.
    for argv in todo.values():
        run_once(argv, env)

    times: dict[str, list[tuple[float, float]]] = {name: [] for name in todo}
    for round_ in range(args.runs):
        for name, argv in todo.items():
            times[name].append(run_once(argv, env))
        print(f"round {round_ + 1}/{args.runs}", file=sys.stderr)
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    loaded = loaded_by_setup(env)

    medians = {
        name: (statistics.median(w for w, _ in rows), statistics.median(c for _, c in rows))
        for name, rows in times.items()
    }
    base_wall, base_cpu = medians[BASELINE]
    print(f"| command ({args.runs} runs, medians) | wall (s) | CPU (s) | wall ÷ setup | CPU ÷ setup |")
    print("|---|--:|--:|--:|--:|")
    for name, (wall, cpu) in medians.items():
        print(f"| `{name}` | {wall:.3f} | {cpu:.3f} | {wall / base_wall:.2f} | {cpu / base_cpu:.2f} |")
    print()
    print(
        f"`django.setup()` leaves {loaded['modules']} modules imported; "
        + ", ".join(f"{name} {'yes' if loaded[name] else 'no'}" for name in loaded if name != "modules")
        + "."
    )
    print(f"Load average: {info['load average at start']} at the start, {info['load average at end']} at the end.")

    result = {
        "machine": info,
        "runs": args.runs,
        "loaded_by_setup": loaded,
        "medians": {name: {"wall": w, "cpu": c} for name, (w, c) in medians.items()},
        "times": times,
    }
    (OUT / f"startup{'-no-bytecode' if args.no_bytecode else ''}.json").write_text(json.dumps(result, indent=2))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
