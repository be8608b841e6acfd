"""The audit trail: what `record` writes, diffs and snapshots, the request origin, append-only."""

import datetime
import decimal

import pytest
from django.db import transaction

from dangjian.accounts.tests.factories import UserFactory
from dangjian.core import audit
from dangjian.core.models import AuditEvent
from dangjian.orgs.tests.factories import OrganisationFactory


def test_record_writes_who_what_where_and_the_change(db):
    actor = UserFactory(display_name="审计员")
    org = OrganisationFactory(kind="committee", name="学院党委")
    event = audit.record(
        actor=actor,
        action="org.test",
        obj=org,
        org_path=org.path,
        changes={"on": datetime.date(2026, 1, 2), "amount": decimal.Decimal("12.50"), "org": org, "ids": (1, org)},
    )
    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_name == "审计员"
    assert (event.object_type, event.object_id, event.object_repr) == ("orgs.organisation", str(org.pk), "学院党委")
    assert event.org_path == org.path
    assert event.changes == {"on": "2026-01-02", "amount": "12.50", "org": org.pk, "ids": [1, org.pk]}
    assert event.ip_address is None
    assert event.user_agent == ""
    assert event.at is not None


def test_record_without_an_actor_or_object(db):
    event = audit.record(actor=None, action="system.job")
    assert (event.actor, event.actor_name, event.object_type, event.object_id) == (None, "", "", "")
    assert event.changes == {}
    assert event.org_path == ""


def test_actor_name_falls_back_to_the_username(db):
    actor = UserFactory(username="T1", display_name="")
    assert audit.record(actor=actor, action="x").actor_name == "T1"


def test_object_repr_is_cut_to_fit(db):
    event = audit.record(actor=None, action="x", object_repr="长" * 300)
    assert len(event.object_repr) == 200


def test_the_request_origin_is_recorded_while_it_is_set(db):
    token = audit.set_origin(audit.RequestOrigin(ip_address="203.0.113.5", user_agent="Mozilla/5.0 " + "x" * 300))
    try:
        event = audit.record(actor=None, action="x")
    finally:
        audit.reset_origin(token)
    assert event.ip_address == "203.0.113.5"
    assert len(event.user_agent) == 255
    assert audit.record(actor=None, action="y").ip_address is None


def test_diff_and_snapshot():
    before = {"a": 1, "b": datetime.date(2026, 1, 1), "c": "x"}
    after = {"a": 1, "b": datetime.date(2026, 1, 2), "d": "new"}
    assert audit.diff(before, after) == {"b": ["2026-01-01", "2026-01-02"], "c": ["x", None], "d": [None, "new"]}
    assert audit.diff(before, dict(before)) == {}
    # A date and its text are the same value: no spurious change.
    assert audit.diff({"b": datetime.date(2026, 1, 1)}, {"b": "2026-01-01"}) == {}


def test_snapshot_reads_plain_values(db):
    org = OrganisationFactory(kind="committee", founded_on=datetime.date(1952, 10, 1))
    assert audit.snapshot(org, ["name", "founded_on", "parent"]) == {
        "name": org.name,
        "founded_on": "1952-10-01",
        "parent": None,
    }


# Append-only -----------------------------------------------------------------------------------


@pytest.fixture
def event(db):
    return audit.record(actor=None, action="x", changes={"a": 1})


def test_an_event_cannot_be_saved_again(event):
    event.action = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get().action == "x"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(ValueError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(ValueError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(ValueError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get().action == "x"


def test_an_actor_with_events_cannot_be_deleted(db):
    from django.db.models import ProtectedError

    actor = UserFactory()
    audit.record(actor=actor, action="x")
    with pytest.raises(ProtectedError):
        actor.delete()
