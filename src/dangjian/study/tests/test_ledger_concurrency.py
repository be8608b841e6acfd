"""Exporting the study-hour ledger must not hold the database's write lock while the workbook is made."""

import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.tests.filedb import file_database  # noqa: F401 - a fixture
from dangjian.study.models import SelfStudy
from dangjian.study.services import selfstudy as services

pytestmark = pytest.mark.django_db(transaction=True)

BUILDING_SECONDS = 4  # longer than the writers' patience (`filedb.BUSY_SECONDS`)
WRITES = 4


def test_self_study_is_logged_while_the_ledger_is_exported(college, file_database, monkeypatch):  # noqa: F811
    building = threading.Event()
    real = services.ledger_workbook

    def slow(ledger):
        building.set()
        time.sleep(BUILDING_SECONDS)
        return real(ledger)

    monkeypatch.setattr(services, "ledger_workbook", slow)
    results: dict[str, list] = {"export": [], "writes": [], "errors": []}

    def export() -> None:
        try:
            client = Client(raise_request_exception=False)
            client.force_login(college.user("branch"))
            response = client.get(reverse("study:ledger-export"))
            results["export"].append(response.status_code)
        except Exception as exc:
            results["errors"].append(repr(exc))
        finally:
            connections.close_all()

    def write() -> None:
        try:
            client = Client(raise_request_exception=False)
            client.force_login(college.user("member"))
            assert building.wait(30)
            for i in range(WRITES):
                started = time.monotonic()
                response = client.post(
                    reverse("study:selfstudy-list"),
                    {"studied_on": timezone.localdate().isoformat(), "minutes": 30 + i, "title": f"学习党章第{i}章"},
                )
                results["writes"].append((response.status_code, time.monotonic() - started))
        except Exception as exc:
            results["errors"].append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=export), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert results["errors"] == []
    assert results["export"] == [200]
    assert [status for status, _seconds in results["writes"]] == [302] * WRITES
    assert max(seconds for _status, seconds in results["writes"]) < BUILDING_SECONDS
    assert SelfStudy.objects.count() == WRITES
