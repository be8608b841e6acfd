"""Database constraints on the tree and the officers."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from dangjian.orgs.models import OfficerTerm, Organisation

START = datetime.date(2024, 9, 1)


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_open_term_per_member_office_and_organisation(college):
    refused(
        lambda: OfficerTerm.objects.create(
            org=college.branch, member=college.secretary, position="secretary", since=START
        )
    )
    # Closed terms are history; the same office elsewhere or another office here is fine.
    OfficerTerm.objects.create(
        org=college.branch, member=college.secretary, position="secretary", since=START.replace(year=2021), until=START
    )
    OfficerTerm.objects.create(org=college.group, member=college.secretary, position="group_leader", since=START)
    OfficerTerm.objects.create(org=college.branch, member=college.secretary, position="organisation", since=START)


def test_term_ends_on_or_after_it_begins(college):
    refused(
        lambda: OfficerTerm.objects.create(
            org=college.branch,
            member=college.member,
            position="propaganda",
            since=START,
            until=START - datetime.timedelta(days=1),
        )
    )


def test_codes_and_paths_are_unique(college):
    refused(lambda: Organisation.objects.filter(pk=college.group.pk).update(code=college.branch.code))
    refused(lambda: Organisation.objects.filter(pk=college.group.pk).update(path=college.branch.path))


def test_an_organisation_is_not_its_own_parent(college):
    refused(lambda: Organisation.objects.filter(pk=college.group.pk).update(parent=college.group.pk))


def test_path_segments_and_ancestors(college):
    assert Organisation.path_segment(7) == "000007/"
    assert Organisation.path_segment(1_234_567) == "1234567/"
    assert college.group.ancestor_ids() == [college.committee.pk, college.branch.pk]
    assert college.committee.ancestor_ids() == []
    assert list(Organisation.objects.subtree_of(college.branch)) == [college.branch, college.group]
    assert list(Organisation.objects.branches()) == [college.branch, college.other_branch]
