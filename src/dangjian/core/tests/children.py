"""Readers that misbehave, run by the tests in a child process through `run_limited`. No Django here."""

import time


def spin(path, report, limits, **kwargs):
    """Burns CPU until the CPU limit stops it."""
    report(1, 2)
    while True:
        sum(range(10_000))


def sleep(path, report, limits, **kwargs):
    """Waits without using CPU, until the parent's wall clock stops it."""
    time.sleep(3600)


def hog(path, report, limits, **kwargs):
    """Asks for more memory than the address-space limit allows."""
    chunks = []
    while True:
        chunks.append(bytearray(64 * 1024 * 1024))


def broken(path, report, limits, **kwargs):
    raise KeyError("word/document.xml")


def refuse_empty(path, report, limits, **kwargs):
    from dangjian.library.extraction.base import EmptyFile

    raise EmptyFile


def echo(path, report, limits, **kwargs):
    import datetime
    import sys

    with open(path, "rb") as file:
        data = file.read()
    return {
        "size": len(data),
        "kwargs": kwargs,
        "limits": [limits.memory, limits.seconds],
        "date": datetime.date(2026, 7, 1),
        "django": sorted(name for name in sys.modules if name == "django.conf" or name.startswith("django.db")),
    }
