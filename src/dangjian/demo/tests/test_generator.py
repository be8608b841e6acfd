import datetime
import statistics
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import RequestFactory

from dangjian.accounts.models import Role, RoleGrant, User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.demo import generator
from dangjian.demo.generator import DEMO_PASSWORD, Scale, build_plan
from dangjian.members.models import Member, Membership, SpecialSituation
from dangjian.members.rules import age_on, member_problems, parse_id_number
from dangjian.members.selectors import member_list
from dangjian.orgs import rules as org_rules
from dangjian.orgs.models import OfficerTerm, Organisation

TODAY = datetime.date(2026, 3, 15)
SMALL = Scale(committees=2, branches=12, members=150)


@pytest.fixture(scope="module")
def plan() -> generator.Plan:
    return build_plan(seed=1, today=TODAY)


def test_plan_is_deterministic_for_a_seed():
    first, again, other = build_plan(today=TODAY), build_plan(today=TODAY), build_plan(seed=2, today=TODAY)
    assert first == again
    assert [p.name for p in first.people] != [p.name for p in other.people]


def test_demo_college_has_the_shape_of_the_essays_college(plan):
    committees = [o for o in plan.orgs if o.kind == "committee"]
    branches = [o for o in plan.orgs if o.kind == "branch"]
    assert [c.name for c in committees] == ["哲学与社会发展学院党委"]
    assert len(branches) >= 8
    names = {b.name for b in branches}
    for expected in ("哲学系教工党支部", "社会学系教工党支部", "社会工作系教工党支部", "心理学系教工党支部"):
        assert expected in names
    assert {"机关党支部", "离退休党支部", "本科生第一党支部", "硕士研究生第一党支部"} <= names
    assert any(o.kind == "general_branch" for o in plan.orgs)
    groups = [o for o in plan.orgs if o.kind == "group"]
    assert len({g.parent for g in groups}) >= 3  # groups in the larger branches
    current = [p for p in plan.people if p.current_org]
    assert len(current) >= 300
    sizes = Counter(
        next(o.parent if o.kind == "group" else o.code for o in plan.orgs if o.code == p.current_org) for p in current
    )
    assert max(sizes.values()) > org_rules.MAX_BRANCH_MEMBERS  # the dashboard has a branch to flag


def test_every_person_is_valid_and_plausible(plan):
    for person in plan.people:
        assert member_problems(person.fields(), TODAY) == [], person
        info = parse_id_number(person.id_number)
        assert (info.birth_date, info.gender) == (person.birth_date, person.gender)
        assert age_on(person.birth_date, person.joined_on) >= 18
        assert person.since >= person.joined_on
        assert person.full_member_on is None or person.full_member_on <= TODAY
        assert person.phone == "" or len(person.phone) == 11
    assert len({p.id_number for p in plan.people}) == len(plan.people)
    assert len({p.number for p in plan.people}) == len(plan.people)

    def median_age(category):
        return statistics.median(age_on(p.birth_date, TODAY) for p in plan.people if p.category == category)

    assert median_age("undergraduate") < median_age("graduate") < median_age("faculty") < median_age("retired")
    probationary = Counter(p.category for p in plan.people if p.full_member_on is None)
    assert probationary["undergraduate"] > probationary["faculty"]
    assert any("级" in p.admin_unit and p.admin_unit.endswith("班") for p in plan.people)


def test_officers_terms_situations_and_transfers(plan):
    positions = Counter(o.position for o in plan.officers if o.until is None)
    for position in ("secretary", "deputy_secretary", "organisation", "propaganda", "discipline", "organiser"):
        assert positions[position] >= 1, position
    assert positions["group_leader"] == sum(1 for o in plan.orgs if o.kind == "group")
    assert any(o.until is not None for o in plan.officers)  # earlier terms are on record
    people = {p.number: p for p in plan.people}
    assert all(people[o.number].full_member_on for o in plan.officers)  # 预备党员 cannot be elected

    due = [org_rules.next_election_on(o.term_started_on, 3) for o in plan.orgs if o.kind == "branch"]
    assert any(d < TODAY for d in due)
    assert any(d >= TODAY and org_rules.election_is_near(d, TODAY) for d in due)

    assert {s.kind for s in plan.situations} == {"flowing", "abroad", "frail"}
    for situation in plan.situations:
        assert situation.since >= people[situation.number].since
    transfers = [p for p in plan.people if p.transfers]
    assert len(transfers) >= 4
    assert any(p.current_org is None for p in transfers)  # one graduate left


def test_demo_accounts_are_in_the_plan(plan):
    people = {p.number: p for p in plan.people}
    current = {(o.number, o.org, o.position) for o in plan.officers if o.until is None}
    assert ("demo-committee", "DEMO-C01", "secretary") in current
    assert ("demo-branch", "DEMO-C01-B01", "secretary") in current
    assert people["demo-student-branch"].category == "graduate"
    assert any(n == "demo-student-branch" and pos == "secretary" for n, _, pos in current)
    assert not any(n in ("demo-member", "demo-student") for n, _, _ in current)
    assert people["demo-member"].category == "faculty"
    assert people["demo-student"].category == "undergraduate"
    assert people["demo-student"].full_member_on is None
    assert plan.admins == [("demo-admin", "系统管理员")]


def _snapshot() -> dict:
    """The stored rows in terms that do not depend on primary keys."""
    code = dict(Organisation.objects.values_list("pk", "code"))
    terms = {
        t.pk: (code[t.org_id], t.member.number, t.position, t.since, t.until)
        for t in OfficerTerm.objects.select_related("member")
    }
    return {
        "orgs": {
            o.code: (o.kind, o.name, code.get(o.parent_id), o.depth, o.path.count("/"), o.term_started_on)
            for o in Organisation.objects.all()
        },
        "members": {
            m.number: (
                m.name,
                m.name_initials,
                m.id_number,
                code.get(m.org_id),
                m.user.username,
                m.user.must_change_password,
                m.user.has_usable_password(),
            )
            for m in Member.objects.select_related("user")
        },
        "memberships": sorted(
            (ms.member.number, code[ms.org_id], ms.since, ms.until, ms.reason)
            for ms in Membership.objects.select_related("member")
        ),
        "terms": sorted(terms.values()),
        "grants": sorted(
            (
                g.user.username,
                g.role,
                code.get(g.org_id),
                g.since,
                g.until,
                terms[int(g.note.split(":")[1])] if g.note else None,
            )
            for g in RoleGrant.objects.select_related("user")
        ),
        "situations": sorted(
            (s.member.number, s.kind, s.since, s.until, s.note)
            for s in SpecialSituation.objects.select_related("member")
        ),
        "users": sorted(User.objects.values_list("username", flat=True)),
    }


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_bulk_writer_stores_what_the_services_store():
    plan = build_plan(seed=3, scale=SMALL)
    try:
        with transaction.atomic():
            generator.write_bulk(plan)
            bulk = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert Member.objects.count() == 0
    generator.write_with_services(plan)
    services = _snapshot()
    for key in services:
        assert bulk[key] == services[key], key
    assert len(services["members"]) == len(plan.people)
    assert any(until for _, _, _, until, _ in services["memberships"])


@pytest.mark.django_db
def test_the_real_demo_builds_and_its_accounts_log_in_with_the_right_scope():
    counts = generator.build_demo()
    assert counts["branches"] >= 8
    assert counts["members"] >= 300
    assert Organisation.objects.branches().count() == counts["branches"]
    members = list(Member.objects.current())
    assert len(members) == counts["members"]
    for member in members:
        parse_id_number(member.id_number)  # raises on a bad check digit or date
    assert generator.demo_state() == (generator.DEMO, "")

    request = RequestFactory().post("/accounts/login/")
    users = {}
    for username in generator.DEMO_USERNAMES:
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert not user.must_change_password
        users[username] = user
    assert authenticate(request, username="demo-admin", password="wrong-password") is None

    committee = Organisation.objects.get(code=generator.DEMO_COMMITTEE_CODE)
    faculty_branch = Organisation.objects.get(name="哲学系教工党支部")
    student_branch = Organisation.objects.get(name="硕士研究生第一党支部")

    def visible(username):
        return set(member_list(actor=users[username]).values_list("pk", flat=True))

    everyone = {m.pk for m in members}
    assert scope_for(users["demo-admin"]).is_admin
    assert visible("demo-admin") == everyone
    assert scope_for(users["demo-committee"]).roles == {Role.COMMITTEE_OFFICER}
    assert visible("demo-committee") == everyone
    assert scope_for(users["demo-committee"]).allows(Perm.MANAGE_ORG, committee.path)
    branch_members = set(
        Member.objects.current().filter(org__path__startswith=faculty_branch.path).values_list("pk", flat=True)
    )
    assert visible("demo-branch") == branch_members
    assert not scope_for(users["demo-branch"]).allows(Perm.VIEW_MEMBERS, student_branch.path)
    student_members = set(
        Member.objects.current().filter(org__path__startswith=student_branch.path).values_list("pk", flat=True)
    )
    assert visible("demo-student-branch") == student_members
    assert users["demo-student-branch"].member.category == "graduate"
    for username in ("demo-member", "demo-student"):
        assert visible(username) == {users[username].member.pk}
        assert not scope_for(users[username]).grants
