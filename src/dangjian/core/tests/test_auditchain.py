"""The audit log's tamper evidence: content hashes, daily seals, the chain and its verification.

Events are dated on chosen days by moving the clock that `at` reads; tampering is done the way
someone with database access would, with `QuerySet.update` past the model's refusal and with raw SQL.
"""

import datetime
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.auditchain import chain, hashing
from dangjian.core.auditchain.chain import audit_seal, audit_verify
from dangjian.core.models import AuditEvent, AuditSeal, AuditVerification

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2027, 3, 1)  # after anything the shared test data holds


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, 0, 123456, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """`clock(moment)` sets the time that new events (and the seal's "now") read."""

    def set_to(at: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: at)

    return set_to


def write(clock, day: datetime.date, n: int = 3, hour: int = 10) -> list[AuditEvent]:
    events = []
    for i in range(n):
        clock(moment(day, hour, i))
        events.append(
            audit.record(
                actor=None,
                action="settings.change",
                changes={"field": ["旧值", f"新值{i}"], "n": i, "ratio": 1.0},
                object_repr=f"设置{i}",
                org_path="1/",
            )
        )
    return events


def fields_of(event: AuditEvent) -> dict:
    return {name: getattr(event, name) for name in hashing.HASHED_FIELDS}


def seal_until(clock, day: datetime.date) -> chain.SealResult:
    """Seal as the nightly job at 01:30 the day after `day` would."""
    clock(moment(day + datetime.timedelta(days=1), 1, 30))
    return audit_seal()


def verify(**kwargs) -> tuple[AuditVerification, list[dict]]:
    found: list[dict] = []
    result = audit_verify(on_finding=lambda f: found.append(f.as_json()), **kwargs)
    return result, found


def kinds(found: list[dict]) -> set[tuple]:
    return {(f["kind"], f["day"]) for f in found}


def raw_update(event: AuditEvent, **values) -> None:
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), **values)


# --- The hash --------------------------------------------------------------------------------------


BASE = dict(
    at=datetime.datetime(2027, 1, 5, 8, 30, 0, 5, tzinfo=datetime.UTC),
    actor_id=7,
    actor_name="张三",
    action="member.update",
    object_type="members.member",
    object_id="42",
    object_repr="张三",
    org_path="1/2/",
    changes={"phone": ["139****0000", "139****1111"], "n": 1},
    ip_address="2001:0db8:0000:0000:0000:0000:0000:0001",
    user_agent="Mozilla/5.0",
)
OTHER = dict(
    at=BASE["at"] + datetime.timedelta(microseconds=1),
    actor_id=8,
    actor_name="李四",
    action="member.create",
    object_type="members.membership",
    object_id="43",
    object_repr="张三 ",
    org_path="1/3/",
    changes={"phone": ["139****0000", "139****1112"], "n": 1},
    ip_address="203.0.113.7",
    user_agent="Mozilla/5.1",
)


def test_the_hash_is_stable_and_independent_of_how_values_are_spelled():
    digest = hashing.event_hash(**BASE)
    assert digest == hashing.event_hash(**BASE)
    assert len(digest) == 64
    same = BASE | {
        "at": BASE["at"].astimezone(SHANGHAI),  # the same moment in another zone
        "changes": {"n": 1.0, "phone": ("139****0000", "139****1111")},  # as the JSON column gives it back
        "ip_address": "2001:db8::1",  # as the column stores it
    }
    assert hashing.event_hash(**same) == digest
    # Pinned: changing the canonical form would break every stored hash.
    assert hashing.canonical(**BASE).startswith(b'["dangjian.audit.v1","2027-01-05T08:30:00.000005Z",7,"\xe5')


def test_a_bulk_writer_hashes_as_the_model_does():
    shared = {name: BASE[name] for name in ("at", "actor_id", "actor_name", "ip_address", "user_agent")}
    own = {name: BASE[name] for name in ("action", "object_type", "object_id", "object_repr", "org_path")}
    bulk = hashing.BulkHasher(**shared)
    assert bulk(**own, changes_text=hashing.changes_json(BASE["changes"])) == hashing.event_hash(**BASE)
    assert bulk(**own, changes_text=hashing.changes_json({})) != hashing.event_hash(**BASE)
    assert hashing.changes_json({"b": 1.0, "a": ("x", "y")}) == '{"a":["x","y"],"b":1}'


@pytest.mark.parametrize("name", hashing.HASHED_FIELDS)
def test_the_hash_changes_with_every_field(name):
    assert hashing.event_hash(**(BASE | {name: OTHER[name]})) != hashing.event_hash(**BASE)


def test_merkle_root_depends_on_the_set_not_the_order():
    hashes = [hashing.event_hash(**(BASE | {"object_id": str(i)})) for i in range(5)]
    root = hashing.merkle_root(hashes)
    assert hashing.merkle_root(reversed(hashes)) == root
    assert hashing.merkle_root(hashes[:4]) != root
    assert hashing.merkle_root([*hashes, hashes[0]]) != root  # a duplicate counts
    assert hashing.merkle_root([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert hashing.merkle_root(hashes[:1]) != hashes[0]  # a leaf is hashed apart from a node


# --- Writers ---------------------------------------------------------------------------------------


def test_record_stores_the_hash_of_what_it_wrote(db, clock):
    (event,) = write(clock, DAY, 1)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.content_hash == event.content_hash == hashing.event_hash(**fields_of(stored))


def test_bulk_create_hashes_each_row_without_another_query(db, clock, django_assert_num_queries):
    clock(moment(DAY))
    rows = [AuditEvent(**audit.event_fields(actor=None, action="study_plan.receive_required")) for _ in range(3)]
    rows[1].object_repr = "第二个"
    with django_assert_num_queries(1):
        AuditEvent.objects.bulk_create(rows)
    stored = AuditEvent.objects.filter(action="study_plan.receive_required")
    assert len({e.content_hash for e in stored}) == 2  # two rows alike to the microsecond hash alike
    for event in stored:
        assert event.content_hash == hashing.event_hash(**fields_of(event))


# --- Sealing -------------------------------------------------------------------------------------


def test_sealing_covers_every_finished_day_once_empty_days_included(db, clock):
    write(clock, DAY, 3)
    write(clock, DAY + datetime.timedelta(days=2), 2)
    result = seal_until(clock, DAY + datetime.timedelta(days=2))
    seals = {s.day: s for s in AuditSeal.objects.all()}
    assert result.sealed[-3:] == [DAY + datetime.timedelta(days=i) for i in range(3)]
    assert [seals[DAY + datetime.timedelta(days=i)].count for i in range(3)] == [3, 0, 2]
    assert seals[DAY + datetime.timedelta(days=1)].root == hashing.merkle_root([])
    ordered = list(AuditSeal.objects.order_by("day"))
    assert ordered[0].previous_chain == hashing.GENESIS
    for previous, seal in zip(ordered, ordered[1:], strict=False):
        assert seal.previous_chain == previous.chain
        assert seal.day == previous.day + datetime.timedelta(days=1)
    # Again, even on a later day with new events on an old one: nothing sealed twice or changed.
    before = list(AuditSeal.objects.values())
    assert seal_until(clock, DAY + datetime.timedelta(days=2)).sealed == []
    assert list(AuditSeal.objects.values()) == before


def test_today_and_a_day_just_ended_are_not_sealed(db, clock):
    write(clock, DAY, 1)
    clock(moment(DAY, 23, 59))
    audit_seal()
    assert not AuditSeal.objects.filter(day=DAY).exists()
    clock(datetime.datetime(2027, 3, 2, 0, 5, tzinfo=SHANGHAI))  # within the margin after midnight
    audit_seal()
    assert not AuditSeal.objects.filter(day=DAY).exists()
    clock(datetime.datetime(2027, 3, 2, 0, 15, tzinfo=SHANGHAI))
    audit_seal()
    assert AuditSeal.objects.get(day=DAY).count == 1


def test_no_events_no_seals(db, clock):
    models.QuerySet.delete(AuditEvent.objects.all())
    seal_until(clock, DAY)
    assert not AuditSeal.objects.exists()
    result, found = verify()
    assert (result.ok, found, result.head_day) == (True, [], None)


# --- Verifying -----------------------------------------------------------------------------------


def test_an_intact_log_verifies(db, clock):
    write(clock, DAY, 3)
    seal_until(clock, DAY)
    write(clock, DAY + datetime.timedelta(days=1), 2)  # today's open events
    result, found = verify()
    assert found == []
    assert result.ok
    assert result.events == AuditEvent.objects.count()
    assert result.days == AuditSeal.objects.count()
    assert (result.head_day, result.head_chain) == (DAY, AuditSeal.objects.get(day=DAY).chain)


def test_a_row_changed_with_update_is_found_sealed_or_open(db, clock):
    sealed = write(clock, DAY, 3)
    seal_until(clock, DAY)
    open_ = write(clock, DAY + datetime.timedelta(days=1), 2)
    raw_update(sealed[1], object_repr="改过的")
    raw_update(open_[0], changes={"field": ["旧值", "改过"]})
    result, found = verify()
    assert not result.ok
    events = {(f["event"], f["day"]) for f in found if f["kind"] == "event"}
    assert events == {(sealed[1].pk, DAY.isoformat()), (open_[0].pk, (DAY + datetime.timedelta(days=1)).isoformat())}
    assert ("root", DAY.isoformat()) in kinds(found)
    assert result.finding_count == len(found) == 3


def test_a_row_changed_with_its_hash_recomputed_is_found_once_its_day_is_sealed(db, clock):
    events = write(clock, DAY, 3)
    seal_until(clock, DAY)
    forged = fields_of(events[0]) | {"actor_name": "别人"}
    raw_update(events[0], actor_name="别人", content_hash=hashing.event_hash(**forged))
    _result, found = verify()
    assert kinds(found) == {("root", DAY.isoformat())}


def test_a_row_changed_with_raw_sql_is_found(db, clock):
    events = write(clock, DAY, 2)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET ip_address = %s WHERE id = %s", ["198.51.100.9", events[1].pk])  # noqa: S608
    _result, found = verify()
    assert [(f["kind"], f["event"]) for f in found] == [("event", events[1].pk)]


def test_a_row_deleted_or_inserted_in_a_sealed_day_is_found(db, clock):
    events = write(clock, DAY, 3)
    write(clock, DAY + datetime.timedelta(days=1), 2)
    seal_until(clock, DAY + datetime.timedelta(days=1))
    models.QuerySet.delete(AuditEvent.objects.filter(pk=events[0].pk))
    _result, found = verify()
    assert found == [{"kind": "count", "day": DAY.isoformat(), "event": None, "expected": 3, "found": 2}]
    assert "删除" in chain.describe(found[0]) or "deleted" in chain.describe(found[0])
    # A backdated row put into the next sealed day.
    write(clock, DAY + datetime.timedelta(days=1), 1, hour=12)
    _result, found = verify()
    assert kinds(found) == {("count", DAY.isoformat()), ("count", (DAY + datetime.timedelta(days=1)).isoformat())}


def test_a_row_backdated_before_the_first_seal_is_found(db, clock):
    write(clock, DAY, 1)
    seal_until(clock, DAY)
    first = AuditSeal.objects.order_by("day").first()
    write(clock, first.day - datetime.timedelta(days=3), 1)
    _result, found = verify()
    assert [(f["kind"], f["found"]) for f in found] == [("before", 1)]


def test_an_altered_seal_breaks_the_chain(db, clock):
    write(clock, DAY, 2)
    write(clock, DAY + datetime.timedelta(days=1), 2)
    seal_until(clock, DAY + datetime.timedelta(days=1))
    models.QuerySet.update(AuditSeal.objects.filter(day=DAY), count=5)
    _result, found = verify()
    assert kinds(found) == {("chain", DAY.isoformat()), ("count", DAY.isoformat())}
    # Recomputing its chain too only moves the break to the next link.
    seal = AuditSeal.objects.get(day=DAY)
    models.QuerySet.update(
        AuditSeal.objects.filter(day=DAY), chain=hashing.chain_hash(seal.previous_chain, seal.root, DAY, 5)
    )
    _result, found = verify()
    assert kinds(found) == {("count", DAY.isoformat()), ("link", (DAY + datetime.timedelta(days=1)).isoformat())}


def test_a_deleted_seal_is_found_in_the_middle_and_at_the_end(db, clock):
    for i in range(3):
        write(clock, DAY + datetime.timedelta(days=i), 1)
    seal_until(clock, DAY + datetime.timedelta(days=2))
    result, found = verify()
    assert result.ok
    models.QuerySet.delete(AuditSeal.objects.filter(day=DAY + datetime.timedelta(days=1)))
    _result, found = verify()
    middle = (DAY + datetime.timedelta(days=1)).isoformat()
    assert kinds(found) == {("gap", middle), ("link", (DAY + datetime.timedelta(days=2)).isoformat())}
    # The last seal removed: no gap is left, but the last run saw that seal.
    models.QuerySet.delete(AuditSeal.objects.filter(day=DAY + datetime.timedelta(days=2)))
    _result, found = verify()
    assert ("head", (DAY + datetime.timedelta(days=2)).isoformat()) in kinds(found)


def test_verify_since_a_day_checks_from_that_day_and_its_link(db, clock):
    old = write(clock, DAY, 1)
    write(clock, DAY + datetime.timedelta(days=1), 1)
    seal_until(clock, DAY + datetime.timedelta(days=1))
    raw_update(old[0], object_repr="改过的")
    result, found = verify(since=DAY + datetime.timedelta(days=1))
    assert found == []
    assert (result.days, result.events) == (1, 1)
    result, found = verify(since=DAY)
    assert ("event", DAY.isoformat()) in kinds(found)
    assert result.since == DAY


def test_verification_reads_in_chunks(db, clock, monkeypatch):
    monkeypatch.setattr(chain, "CHUNK", 2)
    events = write(clock, DAY, 5)
    seal_until(clock, DAY)
    raw_update(events[4], object_repr="改过的")
    result, found = verify()
    assert [(f["kind"], f["event"]) for f in found if f["kind"] == "event"] == [("event", events[4].pk)]
    assert result.events == AuditEvent.objects.count()


def test_the_nightly_job_seals_then_verifies(db, clock):
    write(clock, DAY, 2)
    clock(moment(DAY + datetime.timedelta(days=1), 1, 30))
    report = chain.audit_nightly(today=DAY + datetime.timedelta(days=1))
    assert report["findings"] == 0
    assert report["sealed"] >= 1
    last = AuditVerification.objects.order_by("-started_at").first()
    assert (last.trigger, last.ok, last.head_day) == ("nightly", True, DAY)


# --- The command ---------------------------------------------------------------------------------


def test_the_command_seals_verifies_and_fails_on_a_finding(db, clock, capsys):
    events = write(clock, DAY, 2)
    clock(moment(DAY + datetime.timedelta(days=1), 1, 30))
    call_command("audit", "seal")
    assert "2027-03-01" in capsys.readouterr().out
    call_command("audit", "seal")
    call_command("audit", "verify")
    raw_update(events[0], object_repr="改过的")
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--since", "2027-03-01")
    err = capsys.readouterr().err
    assert f"#{events[0].pk}" in err
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--since", "三月")


# --- The migration ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_events_written_before(migrate):
    old_apps = migrate([("core", "0004_audit_content_hash_and_seals")])
    OldEvent = old_apps.get_model("core", "AuditEvent")
    OldEvent.objects.bulk_create(
        [OldEvent(action="member.update", object_repr=f"旧事件{i}", changes={"n": i}) for i in range(5)]
    )
    OldEvent.objects.filter(object_repr__startswith="旧事件").update(content_hash="")
    migrate([("core", "0005_hash_existing_audit_events")])
    for event in AuditEvent.objects.filter(object_repr__startswith="旧事件"):
        assert event.content_hash == hashing.event_hash(**fields_of(event))
