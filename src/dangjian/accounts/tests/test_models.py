"""Database constraints on role grants."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from dangjian.accounts.models import Role, RoleGrant
from dangjian.accounts.tests.factories import UserFactory

SINCE = datetime.date(2025, 1, 1)


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_grant_ends_on_or_after_it_begins(college):
    user = UserFactory()
    refused(
        lambda: RoleGrant.objects.create(
            user=user, role=Role.AUDITOR, org=college.branch, since=SINCE, until=SINCE - datetime.timedelta(days=1)
        )
    )
    RoleGrant.objects.create(user=user, role=Role.AUDITOR, org=college.branch, since=SINCE, until=SINCE)


def test_only_administrators_hold_a_grant_without_an_organisation(college):
    user = UserFactory()
    refused(lambda: RoleGrant.objects.create(user=user, role=Role.AUDITOR, org=None, since=SINCE))
    RoleGrant.objects.create(user=user, role=Role.ADMIN, org=None, since=SINCE)


def test_current_grants(college):
    user = UserFactory()
    RoleGrant.objects.create(user=user, role=Role.AUDITOR, org=college.branch, since=SINCE, until=SINCE)
    assert RoleGrant.objects.filter(user=user).current(SINCE).count() == 1
    assert RoleGrant.objects.filter(user=user).current(SINCE + datetime.timedelta(days=1)).count() == 0
    assert RoleGrant.objects.filter(user=user).current(SINCE - datetime.timedelta(days=1)).count() == 0
