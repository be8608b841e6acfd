"""Reaching an organisation: `access_org` and `can_manage_org`, for every role of the college."""

import pytest
from conftest import ROLES
from django.contrib.auth.models import AnonymousUser

from dangjian.accounts.permissions import Perm
from dangjian.core.errors import NotFound
from dangjian.orgs.permissions import access_org, can_manage_org

ORGS = ["committee", "branch", "group", "other_branch"]
VISIBLE = {
    "anonymous": set(),
    "admin": set(ORGS),
    "committee": set(ORGS),
    "auditor": set(ORGS),
    "branch": {"branch", "group"},
    "group_leader": {"group"},
    "other_branch": {"other_branch"},
    "member": set(),
}
MANAGED = {"admin": set(ORGS), "committee": set(ORGS)}


@pytest.mark.parametrize("role", ROLES)
def test_access_org_for_every_role(college, role):
    actor = AnonymousUser() if role == "anonymous" else college.user(role)
    for name in ORGS:
        org = getattr(college, name)
        if name in VISIBLE[role]:
            assert access_org(actor, org.pk) == org
        else:
            with pytest.raises(NotFound):
                access_org(actor, org.pk)
        assert can_manage_org(actor, org) is (name in MANAGED.get(role, set()))
        if name in MANAGED.get(role, set()):
            assert access_org(actor, org.pk, perm=Perm.MANAGE_ORG) == org
        else:
            with pytest.raises(NotFound):
                access_org(actor, org.pk, perm=Perm.MANAGE_ORG)


@pytest.mark.parametrize("bad", [999_999, "x", None, [1]])
def test_access_org_missing(college, bad):
    with pytest.raises(NotFound):
        access_org(college.user("admin"), bad)
