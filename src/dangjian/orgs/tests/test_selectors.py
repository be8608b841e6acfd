"""Reading the tree: scoped lists, the tree with counts, summaries and the branch overview."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.members import services as member_services
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import rules, services
from dangjian.orgs.selectors import branch_overview, org_list, org_summary, org_tree, subtree_member_counts

VISIBLE = {
    "anonymous": [],
    "admin": ["C01", "B01", "G01", "B02"],
    "committee": ["C01", "B01", "G01", "B02"],
    "auditor": ["C01", "B01", "G01", "B02"],
    "branch": ["B01", "G01"],
    "group_leader": ["G01"],
    "member": [],
    "other_branch": ["B02"],
}


def actor_for(college, role):
    return AnonymousUser() if role == "anonymous" else college.user(role)


@pytest.mark.parametrize("role", list(VISIBLE))
def test_org_list_scope(college, role):
    assert [o.code for o in org_list(actor=actor_for(college, role))] == VISIBLE[role]


def test_org_list_filters(college):
    admin = college.user("admin")
    assert [o.code for o in org_list(actor=admin, kind="branch")] == ["B01", "B02"]
    services.org_update(actor=admin, org=college.group, dissolved_on=datetime.date(2025, 12, 31))
    assert "G01" not in [o.code for o in org_list(actor=admin)]
    assert "G01" in [o.code for o in org_list(actor=admin, include_dissolved=True)]


def flatten(nodes, depth=0):
    for node in nodes:
        yield depth, node.org.code, node.member_count
        yield from flatten(node.children, depth + 1)


def test_org_tree_counts_every_subtree(college, django_assert_max_num_queries):
    admin = college.user("admin")
    from dangjian.accounts.permissions import scope_for

    scope_for(admin)
    with django_assert_max_num_queries(2):
        tree = org_tree(actor=admin)
    # B01 has 李书记 and 吕书记 directly and 王组长 and 张三 in G01; B02 has two students.
    assert list(flatten(tree)) == [(0, "C01", 6), (1, "B01", 4), (2, "G01", 2), (1, "B02", 2)]


def test_org_tree_counts_deep_trees_and_ignores_transferred_members(college):
    admin = college.user("admin")
    general = services.org_create(actor=admin, parent=college.committee, kind="general_branch", name="总支", code="GB1")
    branch = services.org_create(actor=admin, parent=general, kind="branch", name="支部", code="B03")
    group = services.org_create(actor=admin, parent=branch, kind="group", name="组", code="G03")
    MemberFactory(org=group)
    MemberFactory(org=group)
    MemberFactory(org=branch)
    member_services.member_transfer(actor=system_actor(), member=college.member, to_org=None, on=timezone.localdate())
    counts = {code: count for _depth, code, count in flatten(org_tree(actor=admin))}
    assert counts == {"C01": 8, "B01": 3, "G01": 1, "B02": 2, "GB1": 3, "B03": 3, "G03": 2}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("branch", [(0, "B01", 4), (1, "G01", 2)]),
        ("group_leader", [(0, "G01", 2)]),
        ("other_branch", [(0, "B02", 2)]),
        ("member", []),
        ("anonymous", []),
    ],
)
def test_org_tree_is_scoped(college, role, expected):
    assert list(flatten(org_tree(actor=actor_for(college, role)))) == expected


def test_subtree_member_counts_full_and_probationary(college):
    today = timezone.localdate()
    MemberFactory(org=college.group, joined_on=today - datetime.timedelta(days=10), full_member_on=None)
    MemberFactory(
        org=college.branch,
        joined_on=today - datetime.timedelta(days=300),
        full_member_on=today + datetime.timedelta(days=65),
    )
    assert subtree_member_counts(college.branch, today) == (4, 2)
    assert subtree_member_counts(college.group, today) == (2, 1)
    assert subtree_member_counts(college.committee, today) == (6, 2)
    assert subtree_member_counts(college.branch, today + datetime.timedelta(days=65)) == (5, 1)


def codes(findings):
    return {f.code for f in findings}


def test_org_summary_of_a_branch(college):
    today = datetime.date(2026, 6, 1)
    summary = org_summary(actor=college.user("committee"), org=college.branch, today=today)
    assert [t.member for t in summary.officers] == [college.secretary]
    assert [c.code for c in summary.children] == ["G01"]
    assert (summary.full_members, summary.probationary_members, summary.total_members) == (4, 0, 4)
    # The term began 2024-09-01 and lasts three years.
    assert summary.election_due == datetime.date(2027, 9, 1)
    assert not summary.election_near
    assert codes(summary.findings) == {"ok"}


def test_org_summary_findings_follow_the_rules(college):
    today = datetime.date(2027, 6, 1)  # 92 days before the term ends
    committee = college.user("committee")
    for _ in range(3):
        MemberFactory(org=college.group)
    summary = org_summary(actor=committee, org=college.branch, today=today)
    assert summary.full_members == 7
    assert summary.election_near
    assert codes(summary.findings) == {"committee_required", "election_due"}
    for position in ("organisation", "propaganda"):
        services.officer_appoint(
            actor=committee,
            org=college.branch,
            member=MemberFactory(org=college.branch),
            position=position,
            since=datetime.date(2024, 9, 1),
        )
    summary = org_summary(actor=committee, org=college.branch, today=today)
    assert summary.full_members == 9
    assert codes(summary.findings) == {"election_due"}  # secretary + 2 make a committee of 3
    services.org_update(actor=committee, org=college.branch, term_years=5)
    summary = org_summary(actor=committee, org=college.branch, today=today)
    assert summary.election_due == datetime.date(2029, 9, 1)
    assert codes(summary.findings) == {"ok"}
    overdue = org_summary(actor=committee, org=college.branch, today=datetime.date(2029, 9, 2))
    assert codes(overdue.findings) == {"election_overdue"}


def test_org_summary_of_a_branch_without_a_secretary(college):
    term = college.other_branch.officer_terms.get()
    services.officer_end(actor=college.user("committee"), term=term, until=datetime.date(2025, 1, 1))
    summary = org_summary(actor=college.user("committee"), org=college.other_branch, today=datetime.date(2026, 6, 1))
    assert summary.officers == []
    assert codes(summary.findings) == {"no_secretary", "too_few_full_members"}


def test_org_summary_of_a_committee_and_a_group_has_no_branch_findings(college):
    committee = org_summary(actor=college.user("committee"), org=college.committee, today=datetime.date(2026, 6, 1))
    assert committee.findings == []
    assert committee.total_members == 6
    assert [c.code for c in committee.children] == ["B01", "B02"]
    assert committee.election_due is None  # no term start recorded
    group = org_summary(actor=college.user("branch"), org=college.group, today=datetime.date(2026, 6, 1))
    assert group.findings == []
    assert group.election_due is None
    assert group.total_members == 2


def test_org_summary_children_are_scoped(college):
    summary = org_summary(actor=college.user("other_branch"), org=college.committee)
    assert [c.code for c in summary.children] == ["B02"]


def test_branch_overview_agrees_with_org_summary(college):
    today = datetime.date(2027, 6, 1)
    MemberFactory(org=college.group, joined_on=timezone.localdate() - datetime.timedelta(days=30), full_member_on=None)
    committee = college.user("committee")
    overview = branch_overview(actor=committee, today=today)
    assert [s.org.code for s in overview] == ["B01", "B02"]
    for summary in overview:
        single = org_summary(actor=committee, org=summary.org, today=today)
        assert (summary.full_members, summary.probationary_members) == (
            single.full_members,
            single.probationary_members,
        )
        assert summary.findings == single.findings
        assert summary.election_due == single.election_due
        assert {t.pk for t in summary.officers} == {t.pk for t in single.officers}
    b01, b02 = overview
    assert (b01.full_members, b01.probationary_members) == (4, 1)
    assert (b02.full_members, b02.probationary_members) == (2, 0)
    assert codes(b02.findings) == {"too_few_full_members", "election_due"}


def test_branch_overview_under_a_general_branch(college):
    admin = college.user("admin")
    general = services.org_create(actor=admin, parent=college.committee, kind="general_branch", name="总支", code="GB1")
    branch = services.org_create(actor=admin, parent=general, kind="branch", name="支部", code="B03")
    group = services.org_create(actor=admin, parent=branch, kind="group", name="组", code="G03")
    for org in (branch, group, group):
        MemberFactory(org=org)
    overview = branch_overview(actor=admin)
    assert {s.org.code: s.total_members for s in overview} == {"B01": 4, "B02": 2, "B03": 3}
    assert [s.org.code for s in branch_overview(actor=admin, root=general)] == ["B03"]
    assert [s.org.code for s in branch_overview(actor=admin, root=college.branch)] == ["B01"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", ["B01", "B02"]),
        ("auditor", ["B01", "B02"]),
        ("branch", ["B01"]),
        ("other_branch", ["B02"]),
        ("group_leader", []),
        ("member", []),
        ("anonymous", []),
    ],
)
def test_branch_overview_is_scoped(college, role, expected):
    assert [s.org.code for s in branch_overview(actor=actor_for(college, role))] == expected


def test_branch_overview_few_queries(college, django_assert_max_num_queries):
    admin = college.user("admin")
    for _ in range(5):
        MemberFactory(org=college.group)
    from dangjian.accounts.permissions import scope_for

    scope_for(admin)
    with django_assert_max_num_queries(3):
        overview = branch_overview(actor=admin)
        [t.member.name for s in overview for t in s.officers]


def test_election_notice_boundary_through_the_summary(college):
    due = datetime.date(2027, 9, 1)
    at_notice = due - datetime.timedelta(days=rules.ELECTION_DUE_NOTICE_DAYS)
    before_notice = at_notice - datetime.timedelta(days=1)
    committee = college.user("committee")
    assert org_summary(actor=committee, org=college.other_branch, today=at_notice).election_near
    assert not org_summary(actor=committee, org=college.other_branch, today=before_notice).election_near


def test_officer_candidates_are_what_the_appointment_page_offers(client, college):
    from django.urls import reverse

    from dangjian.orgs.selectors import officer_candidates

    committee = college.user("committee")
    candidates = list(officer_candidates(actor=committee, org=college.branch))
    # The branch and its group, not the other branch; by organisation, then name.
    assert {m.name for m in candidates} == {"李书记", "王组长", "张三", "吕书记"}
    assert [m.org.path for m in candidates] == sorted(m.org.path for m in candidates)
    assert {m.name for m in officer_candidates(actor=committee, org=college.group)} == {"王组长", "张三"}

    client.force_login(committee)
    form = client.get(reverse("orgs:officer-appoint", args=[college.branch.pk])).context["form"]
    assert [str(value) for value, _ in form.fields["member"].choices] == [""] + [str(m.pk) for m in candidates]
    assert [m.name for m in officer_candidates(actor=committee, org=college.branch, q="zs")] == ["张三"]
    answer = client.get(reverse("orgs:officer-candidates", args=[college.branch.pk]), {"q": "T10000"}).json()
    assert [r["text"].split(" · ")[0] for r in answer["results"]] == [m.name for m in candidates]
    assert client.get(reverse("orgs:officer-candidates", args=[college.other_branch.pk]), {"q": "zxs"}).json()[
        "results"
    ] == [{"value": str(college.other_member.pk), "text": "赵学生 · 本科生第一党支部", "hint": "本科生 · 尾号 0001"}]
