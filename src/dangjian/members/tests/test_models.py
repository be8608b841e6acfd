"""Database constraints on the roster: they hold even when a service is bypassed."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from dangjian.members.models import Member, Membership, SpecialSituation, Status

DAY = datetime.timedelta(days=1)


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_open_membership_per_member(college):
    member = college.member
    refused(lambda: Membership.objects.create(member=member, org=college.branch, since=datetime.date(2025, 1, 1)))
    # A closed row beside the open one is history, and allowed.
    Membership.objects.create(
        member=member, org=college.branch, since=datetime.date(2020, 1, 1), until=datetime.date(2021, 1, 1)
    )
    assert member.memberships.count() == 2


def test_membership_ends_on_or_after_it_begins(college):
    since = datetime.date(2020, 1, 1)
    refused(
        lambda: Membership.objects.create(member=college.member, org=college.branch, since=since, until=since - DAY)
    )
    Membership.objects.create(member=college.member, org=college.branch, since=since, until=since)


def test_full_membership_on_or_after_joining(college):
    member = college.member
    refused(lambda: Member.objects.filter(pk=member.pk).update(full_member_on=member.joined_on - DAY))
    Member.objects.filter(pk=member.pk).update(full_member_on=member.joined_on)
    Member.objects.filter(pk=member.pk).update(full_member_on=None)


def test_situation_ends_on_or_after_it_begins(college):
    since = datetime.date(2025, 1, 1)
    refused(
        lambda: SpecialSituation.objects.create(member=college.member, kind="abroad", since=since, until=since - DAY)
    )
    SpecialSituation.objects.create(member=college.member, kind="abroad", since=since, until=since)


@pytest.mark.parametrize("field", ["id_number", "number"])
def test_id_number_and_staff_number_are_unique_but_may_be_empty(college, field):
    refused(lambda: Member.objects.filter(pk=college.member.pk).update(**{field: getattr(college.secretary, field)}))
    Member.objects.filter(pk__in=[college.member.pk, college.secretary.pk]).update(**{field: None})


def test_status_follows_the_full_membership_date(college):
    member = college.member
    assert member.status_on(member.full_member_on) == Status.FULL
    assert member.status_on(member.full_member_on - DAY) == Status.PROBATIONARY
    member.full_member_on = None
    assert member.status == Status.PROBATIONARY
    assert member.get_status_display() == str(Status.PROBATIONARY.label)
    on = member.joined_on + DAY
    assert set(Member.objects.with_status(Status.PROBATIONARY, on)) >= {college.member}
