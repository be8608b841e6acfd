"""Secrecy of the mutual evaluation, seen with full database access after a campaign.

The voters are known (the roll and the audit log say who voted), and each voter's ratings carry a
pattern of scores that is theirs alone, so the test can tell which voter wrote each row. Then it shows
that nothing in the database ties a row to its voter: no column or foreign key refers to a voter or to
a time, the rows are not stored in the order of the votes, their ids are not monotonic, no audit
event names a ballot, and the audit log's hashes and seals cover nothing more than the events show. And
the tally is right.
"""

import datetime
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from dangjian.core.auditchain import hashing
from dangjian.core.auditchain.chain import audit_seal, day_bounds
from dangjian.core.models import AuditEvent, AuditSeal
from dangjian.evaluation import rules, selectors, services
from dangjian.evaluation.models import Ballot, Participant, Rating
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.services import BallotRating
from dangjian.evaluation.tests.factories import YEAR, advance_to, make_campaign
from dangjian.members.tests.factories import MemberFactory

GRADES = [Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC, Grade.QUALIFIED, Grade.UNQUALIFIED, Grade.QUALIFIED]


@pytest.fixture
def branch_of_six(college):
    """Two more full members: six voters in the faculty branch."""
    MemberFactory(org=college.branch, name="周老师")
    MemberFactory(org=college.group, name="吴老师")
    return college


def signature(k: int) -> dict[str, int]:
    """Voter k's own pattern: the first two criteria encode k, the rest vary with it."""
    codes = rules.CRITERION_CODES
    return {codes[0]: k // 5 + 1, codes[1]: k % 5 + 1} | {code: (k + i) % 5 + 1 for i, code in enumerate(codes[2:])}


def voter_of(scores: dict) -> int:
    codes = rules.CRITERION_CODES
    return (scores[codes[0]] - 1) * 5 + scores[codes[1]] - 1


def run_campaign(college, year: int):
    """A campaign in which every full member votes, in a known order; returns (campaign, voters in order)."""
    campaign = make_campaign(college, phase=Phase.MUTUAL, year=year)
    voters = list(campaign.participants.filter(is_full=True).select_related("member__user").order_by("member__name"))
    for k, voter in enumerate(voters):
        ratings = {
            p.member_id: BallotRating(scores=signature(k), grade=GRADES[k])
            for p in campaign.participants.exclude(pk=voter.pk)
        }
        services.ballot_cast(actor=voter.member.user, campaign=campaign, ratings=ratings)
    return campaign, voters


def physical_rows(table: str, campaign_id: int, columns: str) -> list[tuple]:
    """The rows as the database stores them: SQLite's rowid order, PostgreSQL's heap (ctid) order."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE campaign_id = %s ORDER BY {order}", [campaign_id])  # noqa: S608
        return cursor.fetchall()


def test_the_ballot_tables_have_no_voter_and_no_time(db):
    time_types = ("DateField", "DateTimeField", "TimeField", "DurationField")
    for model, expected in (
        (Ballot, {"id", "campaign", "receipt_hash"}),
        (Rating, {"id", "campaign", "subject", "source", "scores", "grade"}),
    ):
        fields = {f.name: f for f in model._meta.concrete_fields}
        assert set(fields) == expected
        assert not [f for f in fields.values() if f.get_internal_type() in time_types or f.name.endswith("_at")]
        relations = {f.name: f.related_model._meta.label for f in fields.values() if f.is_relation}
        # The only person a row names is the member *rated*; no user, no voter, no participant.
        assert relations == (
            {"campaign": "evaluation.Campaign"} | ({"subject": "members.Member"} if model is Rating else {})
        )
    # The roll: eligibility and the has-voted mark, without a time either.
    roll = {f.name for f in Participant._meta.concrete_fields}
    assert roll == {"id", "campaign", "member", "is_full", "has_voted"}

    # The same in the database itself, not only in the models.
    with connection.cursor() as cursor:
        for table in ("evaluation_ballot", "evaluation_rating"):
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            assert not {
                c for c in columns if "user" in c or "voter" in c or "member" in c or c.endswith(("_at", "_on"))
            }
            foreign = {
                info["foreign_key"][0]
                for info in connection.introspection.get_constraints(cursor, table).values()
                if info["foreign_key"]
            }
            assert foreign <= {"evaluation_campaign", "members_member"}
            assert "accounts_user" not in foreign


@pytest.mark.parametrize("run", range(3))
def test_rows_are_stored_in_no_order_that_leads_back_to_the_voters(branch_of_six, run):
    campaign, voters = run_campaign(branch_of_six, YEAR - 1 + run)
    ballots = physical_rows("evaluation_ballot", campaign.pk, "id")
    ratings = physical_rows("evaluation_rating", campaign.pk, "id, scores")
    assert len(ballots) == len(voters) == 6
    assert len(ratings) == 6 * 5

    sequence = [voter_of(json.loads(scores) if isinstance(scores, str) else scores) for _id, scores in ratings]
    assert sorted(sequence) == sorted(k for k in range(6) for _ in range(5))  # the signatures hold
    # Stored in the order of the votes, the sequence would be sorted (0,0,0,0,0,1,...): it is not.
    assert sequence != sorted(sequence)
    assert sequence != sorted(sequence, reverse=True)
    # Ids are random 63-bit numbers: in the order of the ids, the voters come in no order either.
    by_id = [k for _row_id, k in sorted(zip((row_id for row_id, _s in ratings), sequence, strict=True))]
    assert by_id != sorted(by_id)
    assert max(row_id for (row_id,) in ballots) > 2**40
    if connection.vendor == "sqlite":
        # The random id is the rowid: the table's storage order is the ids' order, which is random.
        assert [row_id for row_id, _s in ratings] == sorted(row_id for row_id, _s in ratings)
    else:
        # Every row was (re)written by the last transaction: xmin does not tell which ballot came when.
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM evaluation_rating WHERE campaign_id = %s", [campaign.pk])
            assert len(cursor.fetchall()) == 1
            cursor.execute("SELECT DISTINCT xmin::text FROM evaluation_ballot WHERE campaign_id = %s", [campaign.pk])
            assert len(cursor.fetchall()) == 1


def test_ids_change_with_every_ballot(branch_of_six):
    """A snapshot before a vote shares no id with the rows after it (the content still differs: see the docs)."""
    campaign = make_campaign(branch_of_six, phase=Phase.MUTUAL)
    voters = list(campaign.participants.filter(is_full=True).select_related("member__user"))
    ratings = {
        p.member_id: BallotRating(scores=signature(0), grade=Grade.QUALIFIED)
        for p in campaign.participants.exclude(pk=voters[0].pk)
    }
    services.ballot_cast(actor=voters[0].member.user, campaign=campaign, ratings=ratings)
    before = set(Rating.objects.values_list("id", flat=True)) | set(Ballot.objects.values_list("id", flat=True))
    ratings = {
        p.member_id: BallotRating(scores=signature(1), grade=Grade.QUALIFIED)
        for p in campaign.participants.exclude(pk=voters[1].pk)
    }
    services.ballot_cast(actor=voters[1].member.user, campaign=campaign, ratings=ratings)
    after = set(Rating.objects.values_list("id", flat=True)) | set(Ballot.objects.values_list("id", flat=True))
    assert not before & after


def test_the_audit_log_says_who_voted_but_never_which_ballot(branch_of_six):
    campaign, voters = run_campaign(branch_of_six, YEAR)
    events = list(AuditEvent.objects.filter(action="evaluation.vote"))
    assert sorted(e.actor_id for e in events) == sorted(v.member.user_id for v in voters)
    assert {(e.object_type, e.object_id, str(e.changes)) for e in events} == {
        ("evaluation.campaign", str(campaign.pk), "{}")
    }
    secrets = {str(i) for i in Ballot.objects.values_list("id", flat=True)}
    secrets |= {str(i) for i in Rating.objects.values_list("id", flat=True)}
    secrets |= set(Ballot.objects.values_list("receipt_hash", flat=True))
    for event in AuditEvent.objects.all():
        text = f"{event.object_id} {event.object_repr} {event.changes}"
        assert not any(secret in text for secret in secrets)
    assert not AuditEvent.objects.filter(object_type__in=["evaluation.ballot", "evaluation.rating"]).exists()


def test_the_audit_chain_adds_no_link_between_a_ballot_and_its_voter(branch_of_six):
    """Each vote event's hash covers only what the row shows, and a day's seal only those hashes, in no time order."""
    campaign, voters = run_campaign(branch_of_six, YEAR)
    votes = list(AuditEvent.objects.filter(action="evaluation.vote"))
    assert len(votes) == len(voters)
    for event in votes:
        assert event.content_hash == hashing.event_hash(
            **{name: getattr(event, name) for name in hashing.HASHED_FIELDS}
        )
    audit_seal(now=timezone.now() + datetime.timedelta(days=1, hours=2))
    seal = AuditSeal.objects.get(day=timezone.localdate())
    assert {f.name for f in AuditSeal._meta.concrete_fields} == {
        "id",
        "day",
        "root",
        "count",
        "previous_chain",
        "chain",
        "sealed_at",
    }
    start, end = day_bounds(seal.day)
    day_hashes = list(AuditEvent.objects.filter(at__gte=start, at__lt=end).values_list("content_hash", flat=True))
    # The root is the tree over the day's event hashes and nothing else (no ballot, no rating) ...
    assert (seal.root, seal.count) == (hashing.merkle_root(day_hashes), len(day_hashes))
    # ... taken in the order of the hashes, so the tree keeps no order of the votes either.
    assert hashing.merkle_root(reversed(day_hashes)) == seal.root
    secrets = {str(i) for i in Ballot.objects.values_list("id", flat=True)}
    secrets |= {str(i) for i in Rating.objects.values_list("id", flat=True)}
    secrets |= set(Ballot.objects.values_list("receipt_hash", flat=True))
    for row in AuditSeal.objects.values():
        assert not any(secret in str(value) for value in row.values() for secret in secrets)


def test_closing_the_phase_writes_the_rows_again(branch_of_six):
    campaign, _voters = run_campaign(branch_of_six, YEAR)
    before = set(Rating.objects.values_list("id", flat=True))
    advance_to(branch_of_six, campaign, Phase.PROPOSAL)
    assert not before & set(Rating.objects.values_list("id", flat=True))
    assert Rating.objects.count() == len(before)


def test_the_tally_is_right(branch_of_six):
    campaign, voters = run_campaign(branch_of_six, YEAR)
    hidden = selectors.tally(campaign=campaign)
    assert not hidden.verdict.allowed  # still in the mutual phase
    assert hidden.rows == []
    campaign = advance_to(branch_of_six, campaign, Phase.PROPOSAL)
    tally = selectors.tally(campaign=campaign)
    assert tally.verdict.allowed
    assert (tally.cast, tally.eligible) == (6, 6)
    rows = {row.member.pk: row for row in tally.rows}
    assert [row.member.name for row in tally.rows] == sorted(row.member.name for row in tally.rows)  # by name
    for j, voter in enumerate(voters):
        others = [k for k in range(6) if k != j]
        row = rows[voter.member_id]
        assert row.count == 5
        for code in rules.CRITERION_CODES:
            expected = Decimal(sum(signature(k)[code] for k in others)) / 5
            assert row.averages[code] == expected.quantize(Decimal("0.01"))
        expected_grades = defaultdict(int)
        for k in others:
            expected_grades[GRADES[k]] += 1
        assert row.grades == dict(expected_grades)


def test_no_tally_from_too_few_ballots(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)  # four voters
    for user in (college.member.user, college.secretary.user):
        ratings = {
            p.member_id: BallotRating(scores=signature(0), grade=Grade.QUALIFIED)
            for p in campaign.participants.exclude(member=user.member)
        }
        services.ballot_cast(actor=user, campaign=campaign, ratings=ratings)
    campaign = advance_to(college, campaign, Phase.PROPOSAL)
    tally = selectors.tally(campaign=campaign)
    assert not tally.verdict.allowed
    assert "至少需要 3 张" in tally.verdict.reason
    assert tally.rows == []


def test_a_receipt_says_counted_and_nothing_else(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    ratings = {
        p.member_id: BallotRating(scores=signature(3), grade=Grade.QUALIFIED)
        for p in campaign.participants.exclude(member=college.member)
    }
    receipt = services.ballot_cast(actor=college.member.user, campaign=campaign, ratings=ratings)
    assert selectors.receipt_counted(campaign=campaign, receipt=receipt)
    assert selectors.receipt_counted(campaign=campaign, receipt=receipt.lower().replace("-", " "))
    assert not selectors.receipt_counted(campaign=campaign, receipt="AAAA-BBBB-CCCC-DDDD")
    other = make_campaign(college, year=YEAR + 1)
    assert not selectors.receipt_counted(campaign=other, receipt=receipt)
    # Only its hash is stored.
    assert not Ballot.objects.filter(receipt_hash__icontains=rules.normalise_code(receipt)).exists()
