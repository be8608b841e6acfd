"""The library's visibility rule, built for speed, against the same rule stated plainly."""

import itertools

import pytest
from conftest import ROLES
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.permissions import Perm, forget_scope, scope_for
from dangjian.library.models import Material, MaterialStatus
from dangjian.library.selectors.materials import MANAGE_PERM, audiences_of, visible_materials
from dangjian.library.tests.test_reading_services import make_material
from dangjian.members.audience import Audience
from dangjian.members.selectors import actor_member
from dangjian.orgs.models import OfficerTerm
from dangjian.orgs.rules import ancestor_paths
from dangjian.orgs.tests.factories import OrganisationFactory


def _visibility_reference(actor) -> Q | None:
    """The rule as the module docstring says it: managed subtrees in any status; published materials of
    the subtrees one reads and of the organisations above them; published materials of one's own
    organisations for one's audience."""
    scope = scope_for(actor)
    if scope.is_admin:
        return None
    published = Q(status=MaterialStatus.PUBLISHED)
    condition = Q(pk__in=[])
    for root in scope.paths(MANAGE_PERM):
        condition |= Q(org__path__startswith=root)
    for root in scope.paths(Perm.VIEW_ORG):
        condition |= published & (Q(org__path__startswith=root) | Q(org__path__in=ancestor_paths(root)))
    member = actor_member(actor)
    if member is not None and member.org_id:
        is_officer = OfficerTerm.objects.current(timezone.localdate()).filter(member=member).exists()
        condition |= (
            published
            & Q(org__path__in=ancestor_paths(member.org.path))
            & Q(audience__in=audiences_of(member, is_officer=is_officer))
        )
    return condition


@pytest.fixture
def every_kind_of_material(college):
    orgs = [college.committee, college.branch, college.group, college.other_branch]
    for org, status, audience in itertools.product(orgs, ["draft", "published", "withdrawn"], Audience.values):
        make_material(org, status=status, audience=audience, title=f"{org.code}-{status}-{audience}", pages=("正文",))


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_the_fast_rule_is_the_plain_rule(college, every_kind_of_material, role):
    user = college.user(role)
    reference = _visibility_reference(user)
    expected = set(Material.objects.filter(reference) if reference is not None else Material.objects.all())
    forget_scope(user)
    assert set(visible_materials(user)) == expected
    assert expected  # every role sees something of the college


def test_with_a_second_college_the_committee_officer_is_restricted_again(college, every_kind_of_material):
    elsewhere = OrganisationFactory(kind="committee", name="另一个学院党委", code="C99")
    make_material(elsewhere, status="draft", title="别的学院的草稿", pages=("正文",))
    user = college.user("committee")
    forget_scope(user)
    titles = set(visible_materials(user).values_list("title", flat=True))
    assert "别的学院的草稿" not in titles
    assert "C01-draft-all" in titles
