"""Reading the roster: scope per role, search, filters, sorting, profile and exemptions."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.members import services
from dangjian.members.selectors import SORTS, MemberFilters, exempt_member_ids, member_list, member_profile
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import services as org_services

EVERYONE = {"李书记", "王组长", "张三", "吕书记", "赵学生", "钱书记"}
SCOPES = {
    "anonymous": set(),
    "admin": EVERYONE,
    "committee": EVERYONE,
    "auditor": EVERYONE,
    "branch": {"李书记", "王组长", "张三", "吕书记"},
    "group_leader": {"王组长", "张三"},
    "member": {"张三"},
    "other_branch": {"赵学生", "钱书记"},
}


def names(actor, **filters) -> list[str]:
    return [m.name for m in member_list(actor=actor, filters=MemberFilters(**filters))]


@pytest.mark.parametrize("role", list(SCOPES))
def test_member_list_scope_for_every_role(college, role):
    actor = AnonymousUser() if role == "anonymous" else college.user(role)
    assert set(names(actor)) == SCOPES[role]


def test_transferred_out_members_are_not_listed(college):
    services.member_transfer(actor=system_actor(), member=college.member, to_org=None, on=timezone.localdate())
    assert "张三" not in names(college.user("admin"))
    assert names(college.user("member")) == []


def test_a_member_with_a_role_elsewhere_still_sees_themself(college):
    # 张三 leads a group in the other branch: they see that group and themself.
    other_group = org_services.org_create(
        actor=system_actor(), parent=college.other_branch, kind="group", name="二组", code="G02"
    )
    colleague = MemberFactory(org=other_group, name="孙同学")
    org_services.officer_appoint(
        actor=system_actor(),
        org=other_group,
        member=college.member,
        position="group_leader",
        since=datetime.date(2024, 9, 1),
    )
    assert set(names(college.user("member"))) == {"张三", colleague.name}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张", {"张三"}),
        ("张三", {"张三"}),
        ("书记", {"李书记", "吕书记", "钱书记"}),
        ("zs", {"张三"}),
        ("ZS", {"张三"}),
        ("z", {"张三", "赵学生"}),
        ("lsj", {"李书记", "吕书记"}),  # 吕 is lǚ: its initial is l
        ("T10000", {"吕书记", "李书记", "王组长", "张三"}),
        ("T100003", {"张三"}),
        ("t100003", {"张三"}),
        ("S2", {"赵学生", "钱书记"}),
        ("100003", set()),  # numbers match from the start
        ("  张三  ", {"张三"}),
        ("", EVERYONE),
        ("不存在", set()),
        ("%", set()),
        ("_", set()),
    ],
)
def test_search_by_name_initials_and_number(college, q, expected):
    assert set(names(college.user("admin"), q=q)) == expected


def test_search_stays_within_scope(college):
    assert names(college.user("branch"), q="钱") == []
    assert names(college.user("member"), q="lsj") == []


def test_filter_by_organisation_subtree(college):
    admin = college.user("admin")
    assert set(names(admin, org_id=college.group.pk)) == {"王组长", "张三"}
    assert set(names(admin, org_id=college.branch.pk)) == SCOPES["branch"]
    assert set(names(admin, org_id=college.committee.pk)) == EVERYONE
    assert names(admin, org_id=999_999) == []
    # Filtering on an organisation outside the scope shows nothing, not that organisation.
    assert names(college.user("branch"), org_id=college.other_branch.pk) == []


def test_filter_by_category_and_status(college):
    admin = college.user("admin")
    assert names(admin, category="undergraduate") == ["赵学生"]
    assert names(admin, category="graduate") == ["钱书记"]
    today = timezone.localdate()
    probationary = MemberFactory(
        org=college.branch, name="新党员", joined_on=today - datetime.timedelta(days=30), full_member_on=None
    )
    due = MemberFactory(
        org=college.branch,
        name="将转正",
        joined_on=today - datetime.timedelta(days=300),
        full_member_on=today + datetime.timedelta(days=65),
    )
    assert set(names(admin, status="probationary")) == {probationary.name, due.name}
    assert set(names(admin, status="full")) == EVERYONE
    later = today + datetime.timedelta(days=65)
    qs = member_list(actor=admin, filters=MemberFilters(status="full"), today=later)
    assert due.name in {m.name for m in qs}
    assert len(names(admin, status="nonsense")) == len(EVERYONE) + 2
    assert set(names(admin, category="faculty", status="probationary", org_id=college.branch.pk)) == {
        "新党员",
        "将转正",
    }


def test_sorts(college):
    admin = college.user("admin")
    assert names(admin, sort="number") == ["赵学生", "钱书记", "吕书记", "李书记", "王组长", "张三"]
    assert names(admin, sort="-number") == list(reversed(names(admin, sort="number")))
    by_name = names(admin, sort="name")
    assert by_name[:2] in (["吕书记", "李书记"], ["李书记", "吕书记"])  # both lsj
    assert by_name[2:] == ["钱书记", "王组长", "张三", "赵学生"]  # qsj, wzz, zs, zxs
    assert names(admin, sort="-name") == list(reversed(by_name))
    by_org = names(admin, sort="org")
    assert set(by_org[:2]) == {"李书记", "吕书记"}  # the branch itself comes before its group
    assert by_org[2:4] == ["王组长", "张三"]
    assert set(by_org[4:]) == {"赵学生", "钱书记"}
    assert names(admin, sort="no-such-sort") == by_org
    joined = [m.joined_on for m in member_list(actor=admin, filters=MemberFilters(sort="joined"))]
    assert joined == sorted(joined)
    joined = [m.joined_on for m in member_list(actor=admin, filters=MemberFilters(sort="-joined"))]
    assert joined == sorted(joined, reverse=True)
    for sort in SORTS:
        assert len(names(admin, sort=sort)) == len(EVERYONE)


def test_member_list_is_one_query(college, django_assert_num_queries):
    actor = college.user("branch")
    actor.role_grants.all()  # the scope is built on first use; count the list alone
    from dangjian.accounts.permissions import scope_for

    scope_for(actor)
    with django_assert_num_queries(1):
        rows = [(m.name, m.org.name, m.org.parent.name) for m in member_list(actor=actor)]
    assert len(rows) == 4


def test_member_profile(college):
    member = college.member
    services.member_transfer(actor=system_actor(), member=member, to_org=college.branch, on=timezone.localdate())
    services.situation_add(actor=college.user("branch"), member=member, kind="abroad", since=datetime.date(2025, 1, 1))
    profile = member_profile(member=member, today=datetime.date(2026, 1, 1))
    assert [m.org for m in profile.memberships] == [college.branch, college.group]
    assert [s.kind for s in profile.situations] == ["abroad"]
    assert profile.officer_terms == []
    assert profile.today == datetime.date(2026, 1, 1)
    leader = member_profile(member=college.group.officer_terms.get().member)
    assert [t.position for t in leader.officer_terms] == ["group_leader"]


def test_exempt_member_ids(college):
    since, until = datetime.date(2025, 3, 1), datetime.date(2025, 6, 30)
    services.situation_add(actor=college.user("branch"), member=college.member, kind="frail", since=since, until=until)
    ids = [college.member.pk, college.secretary.pk]
    assert exempt_member_ids(ids, since) == {college.member.pk}
    assert exempt_member_ids(ids, until) == {college.member.pk}
    assert exempt_member_ids(ids, until + datetime.timedelta(days=1)) == set()
    assert exempt_member_ids(ids, since - datetime.timedelta(days=1)) == set()
    assert exempt_member_ids([college.secretary.pk], since) == set()


def test_member_orgs_are_what_the_create_and_transfer_pages_offer(client, college):
    from django.urls import reverse

    from dangjian.members.selectors import member_orgs

    branch = college.user("branch")
    assert list(member_orgs(actor=branch)) == [college.branch, college.group]  # no committee, no other branch
    assert list(member_orgs(actor=college.user("committee"))) == [college.branch, college.group, college.other_branch]
    assert list(member_orgs(actor=college.user("auditor"))) == []

    client.force_login(branch)
    offered = [str(org.pk) for org in member_orgs(actor=branch)]
    form = client.get(reverse("members:member-create")).context["form"]
    assert [str(value) for value, _ in form.fields["org"].choices] == ["", *offered]
    form = client.get(reverse("members:member-transfer", args=[college.member.pk])).context["form"]
    to_org = [str(value) for value, _ in form.fields["to_org"].choices]
    assert [pk for pk in to_org if pk in offered] == [pk for pk in offered if pk != str(college.group.pk)]
