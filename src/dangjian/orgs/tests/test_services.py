"""Organisation actions: create and change organisations, appoint and end officers."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.models import Role, RoleGrant
from dangjian.accounts.permissions import Perm, forget_scope, scope_for
from dangjian.accounts.system import system_actor
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import services
from dangjian.orgs.models import OfficerTerm, Organisation

START = datetime.date(2024, 9, 1)


# org_create ------------------------------------------------------------------------------------


def test_org_create_sets_path_and_depth(college):
    general = services.org_create(
        actor=college.user("committee"),
        parent=college.committee,
        kind="general_branch",
        name=" 研究生党总支 ",
        code="GB1",
    )
    branch = services.org_create(
        actor=college.user("committee"), parent=general, kind="branch", name="博士生党支部", code="B9"
    )
    group = services.org_create(actor=college.user("committee"), parent=branch, kind="group", name="一组", code="G9")
    assert general.name == "研究生党总支"
    assert general.path == college.committee.path + Organisation.path_segment(general.pk)
    assert group.path == f"{college.committee.path}{general.pk:06d}/{branch.pk:06d}/{group.pk:06d}/"
    assert [college.committee.depth, general.depth, branch.depth, group.depth] == [0, 1, 2, 3]
    assert group.ancestor_ids() == [college.committee.pk, general.pk, branch.pk]
    assert list(Organisation.objects.subtree_of(general)) == [general, branch, group]
    event = AuditEvent.objects.get(action="org.create", object_id=str(group.pk))
    assert event.org_path == group.path
    assert event.changes["code"] == "G9"
    assert event.changes["parent_id"] == branch.pk
    assert event.actor == college.user("committee")


def test_top_level_committee_is_for_administrators(college):
    top = services.org_create(
        actor=college.user("admin"), parent=None, kind="committee", name="另一个学院党委", code="C02"
    )
    assert top.path == Organisation.path_segment(top.pk)
    assert top.depth == 0
    with pytest.raises(Forbidden):
        services.org_create(actor=college.user("committee"), parent=None, kind="committee", name="又一个", code="C03")


@pytest.mark.parametrize(
    ("parent", "kind"),
    [("committee", "group"), ("branch", "branch"), ("group", "group"), ("branch", "committee"), (None, "branch")],
)
def test_org_create_refuses_wrong_nesting(college, parent, kind):
    with pytest.raises(DomainError) as exc:
        services.org_create(
            actor=college.user("admin"),
            parent=getattr(college, parent) if parent else None,
            kind=kind,
            name="X",
            code="X1",
        )
    assert exc.value.field == "kind"
    assert not Organisation.objects.filter(code="X1").exists()


def test_org_create_refuses_a_duplicate_code_and_a_blank_name(college):
    with pytest.raises(DomainError) as exc:
        services.org_create(actor=system_actor(), parent=college.branch, kind="group", name="新组", code=" G01 ")
    assert exc.value.field == "code"
    with pytest.raises(DomainError) as exc:
        services.org_create(actor=system_actor(), parent=college.branch, kind="group", name="新组", code="  ")
    assert exc.value.field == "code"
    with pytest.raises(DomainError) as exc:
        services.org_create(actor=system_actor(), parent=college.branch, kind="group", name="  ", code="G77")
    assert exc.value.field == "name"
    assert Organisation.objects.count() == 4


@pytest.mark.parametrize("actor", ["branch", "group_leader", "auditor", "member", "other_branch"])
def test_org_create_forbidden(college, actor):
    with pytest.raises(Forbidden):
        services.org_create(actor=college.user(actor), parent=college.branch, kind="group", name="新组", code="G77")
    assert not Organisation.objects.filter(code="G77").exists()


# org_update ------------------------------------------------------------------------------------


def test_org_update_records_only_what_changed(college):
    org = college.branch
    services.org_update(
        actor=college.user("committee"), org=org, name="哲学系第一教工党支部", term_years=5, admin_unit=org.admin_unit
    )
    org.refresh_from_db()
    assert org.name == "哲学系第一教工党支部"
    assert org.term_years == 5
    event = AuditEvent.objects.get(action="org.update")
    assert event.changes == {"name": ["哲学系教工党支部", "哲学系第一教工党支部"], "term_years": [None, 5]}
    assert event.org_path == org.path
    services.org_update(actor=college.user("committee"), org=org, name=org.name)  # nothing changes
    assert AuditEvent.objects.filter(action="org.update").count() == 1


def test_org_update_dates_are_recorded_as_text(college):
    services.org_update(actor=college.user("admin"), org=college.group, dissolved_on=datetime.date(2026, 1, 31))
    assert AuditEvent.objects.get(action="org.update").changes == {"dissolved_on": [None, "2026-01-31"]}


@pytest.mark.parametrize("fields", [{"parent_id": 1}, {"kind": "group"}, {"path": "000009/"}, {"depth": 3}])
def test_org_update_refuses_fields_outside_its_reach(college, fields):
    before = (college.branch.path, college.branch.kind, college.branch.parent_id, college.branch.depth)
    with pytest.raises(TypeError):  # no such parameter: the place in the tree does not change here
        services.org_update(actor=college.user("admin"), org=college.branch, **fields)
    college.branch.refresh_from_db()
    assert (college.branch.path, college.branch.kind, college.branch.parent_id, college.branch.depth) == before
    assert not AuditEvent.objects.filter(action="org.update").exists()


def test_org_update_validates_code_and_name(college):
    with pytest.raises(DomainError) as exc:
        services.org_update(actor=college.user("admin"), org=college.branch, name="改名", code="B02")
    assert exc.value.field == "code"
    with pytest.raises(DomainError) as exc:
        services.org_update(actor=college.user("admin"), org=college.branch, name=" ")
    assert exc.value.field == "name"
    college.branch.refresh_from_db()
    assert (college.branch.name, college.branch.code) == ("哲学系教工党支部", "B01")
    services.org_update(actor=college.user("admin"), org=college.branch, code="B01")  # its own code is fine


@pytest.mark.parametrize("actor", ["branch", "group_leader", "auditor", "member", "other_branch"])
def test_org_update_forbidden(college, actor):
    with pytest.raises(Forbidden):
        services.org_update(actor=college.user(actor), org=college.branch, name="改名")
    college.branch.refresh_from_db()
    assert college.branch.name == "哲学系教工党支部"


# Officers --------------------------------------------------------------------------------------


def test_appointment_brings_the_role_for_the_term(college):
    member = MemberFactory(org=college.branch)
    until = START.replace(year=2027)
    term = services.officer_appoint(
        actor=college.user("committee"),
        org=college.branch,
        member=member,
        position="propaganda",
        since=START,
        until=until,
    )
    grant = RoleGrant.objects.get(user=member.user)
    assert (grant.role, grant.org, grant.since, grant.until) == (Role.BRANCH_OFFICER, college.branch, START, until)
    assert grant.note == f"officer_term:{term.pk}"
    event = AuditEvent.objects.get(action="officer.appoint", object_id=str(term.pk))
    assert event.changes["position"] == "propaganda"
    assert event.org_path == college.branch.path


def test_ending_the_term_ends_the_role(college):
    member = MemberFactory(org=college.branch)
    since = timezone.localdate() - datetime.timedelta(days=100)
    term = services.officer_appoint(
        actor=system_actor(), org=college.branch, member=member, position="organisation", since=since
    )
    assert scope_for(member.user).allows(Perm.MANAGE_MEMBERS, college.branch.path)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.officer_end(actor=college.user("committee"), term=term, until=yesterday)
    assert RoleGrant.objects.get(user=member.user).until == yesterday
    forget_scope(member.user)
    assert not scope_for(member.user).has_anywhere(Perm.MANAGE_MEMBERS)
    assert AuditEvent.objects.get(action="officer.end").changes == {"until": str(yesterday)}


def test_ending_a_fixed_term_early_ends_the_role_early(college):
    member = MemberFactory(org=college.branch)
    today = timezone.localdate()
    since, until = today - datetime.timedelta(days=100), today + datetime.timedelta(days=900)
    term = services.officer_appoint(
        actor=system_actor(), org=college.branch, member=member, position="discipline", since=since, until=until
    )
    yesterday = today - datetime.timedelta(days=1)
    services.officer_end(actor=college.user("committee"), term=term, until=yesterday)
    assert RoleGrant.objects.get(user=member.user).until == yesterday
    forget_scope(member.user)
    assert not scope_for(member.user).has_anywhere(Perm.MANAGE_MEMBERS)


def test_ending_one_term_leaves_other_terms_roles_alone(college):
    member = MemberFactory(org=college.branch)
    first = services.officer_appoint(
        actor=system_actor(), org=college.branch, member=member, position="propaganda", since=START
    )
    services.officer_appoint(
        actor=system_actor(), org=college.group, member=member, position="group_leader", since=START
    )
    services.officer_end(actor=college.user("committee"), term=first, until=START.replace(year=2025))
    grants = {g.role: g.until for g in RoleGrant.objects.filter(user=member.user)}
    assert grants == {Role.BRANCH_OFFICER: START.replace(year=2025), Role.GROUP_LEADER: None}


def test_a_second_open_term_in_the_same_office_is_refused(college):
    with pytest.raises(DomainError) as exc:
        services.officer_appoint(
            actor=system_actor(), org=college.branch, member=college.secretary, position="secretary", since=START
        )
    assert exc.value.field == "member"
    assert OfficerTerm.objects.filter(org=college.branch, position="secretary").count() == 1


def test_appointment_dates_are_checked(college):
    member = MemberFactory(org=college.branch)
    with pytest.raises(DomainError):
        services.officer_appoint(
            actor=system_actor(),
            org=college.branch,
            member=member,
            position="propaganda",
            since=START,
            until=START - datetime.timedelta(days=1),
        )
    term = services.officer_appoint(
        actor=system_actor(), org=college.branch, member=member, position="propaganda", since=START
    )
    with pytest.raises(DomainError):
        services.officer_end(actor=college.user("admin"), term=term, until=START - datetime.timedelta(days=1))
    services.officer_end(actor=college.user("admin"), term=term, until=START)  # a one-day term


def test_an_office_without_a_role_or_an_account_grants_nothing(college):
    member = MemberFactory(org=college.branch, number=None)
    assert member.user is None
    services.officer_appoint(actor=system_actor(), org=college.branch, member=member, position="secretary", since=START)
    organiser = MemberFactory(org=college.branch)
    services.officer_appoint(
        actor=system_actor(), org=college.branch, member=organiser, position="organiser", since=START
    )
    assert not RoleGrant.objects.filter(user=organiser.user).exists()  # 组织员 is a committee office


@pytest.mark.parametrize("actor", ["branch", "group_leader", "auditor", "member", "other_branch"])
def test_officer_appoint_and_end_forbidden(college, actor):
    member = MemberFactory(org=college.branch)
    with pytest.raises(Forbidden):
        services.officer_appoint(
            actor=college.user(actor), org=college.branch, member=member, position="propaganda", since=START
        )
    term = OfficerTerm.objects.get(org=college.branch, position="secretary")
    with pytest.raises(Forbidden):
        services.officer_end(actor=college.user(actor), term=term, until=START.replace(year=2025))
    term.refresh_from_db()
    assert term.until is None
