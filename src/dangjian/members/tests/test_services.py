"""Roster actions: add, change and transfer members, special situations, revealing personal data."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.accounts.tests.factories import UserFactory
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.members import rules, services
from dangjian.members.models import Member, Membership, SpecialSituation
from dangjian.members.tests.factories import MemberFactory, make_id_number
from dangjian.orgs import services as org_services
from dangjian.orgs.tests.factories import OrganisationFactory

BIRTH = datetime.date(1990, 3, 15)
ID_NUMBER = make_id_number(BIRTH, "female", 7)
PHONE = "13912345678"


def new_member_data(**overrides) -> dict:
    data = {
        "name": "孙丽",
        "gender": "female",
        "birth_date": BIRTH,
        "id_number": ID_NUMBER,
        "category": "faculty",
        "number": "T300001",
        "phone": PHONE,
        "joined_on": datetime.date(2012, 6, 1),
        "full_member_on": datetime.date(2013, 6, 1),
        "education": "doctorate",
        "admin_unit": "社会学系",
    }
    return data | overrides


def all_audit_text() -> str:
    return str(list(AuditEvent.objects.values_list("object_repr", "changes", "action")))


# member_create ---------------------------------------------------------------------------------


def test_member_create(college):
    member = services.member_create(actor=college.user("branch"), org=college.group, **new_member_data())
    assert member.org == college.group
    assert member.name_initials == "sl"
    assert member.user.username == "T300001"
    assert member.user.display_name == "孙丽"
    assert member.user.must_change_password
    assert not member.user.has_usable_password()
    (membership,) = member.memberships.all()
    assert (membership.org, membership.since, membership.until) == (college.group, timezone.localdate(), None)
    event = AuditEvent.objects.get(action="member.create", object_id=str(member.pk))
    assert event.actor == college.user("branch")
    assert event.org_path == college.group.path
    assert event.changes["id_number"] == rules.mask_id_number(ID_NUMBER)
    assert event.changes["phone"] == "139****5678"
    assert event.changes["birth_date"] == "1990-03-15"
    assert event.changes["org"] == college.group.pk


def test_the_clear_id_number_and_phone_appear_in_no_audit_event(college):
    member = services.member_create(actor=college.user("branch"), org=college.group, **new_member_data())
    new_id = make_id_number(BIRTH, "female", 9)
    services.member_update(actor=college.user("branch"), member=member, id_number=new_id, phone="13700001111")
    services.member_reveal(actor=college.user("branch"), member=member)
    services.member_transfer(
        actor=college.user("branch"), member=member, to_org=college.branch, on=timezone.localdate()
    )
    text = all_audit_text()
    for secret in (ID_NUMBER, new_id, PHONE, "13700001111", ID_NUMBER[6:14], new_id[6:14]):
        assert secret not in text
    assert rules.mask_id_number(new_id) in text


def test_member_create_normalises_input(college):
    data = new_member_data(
        name=" 孙丽 ", id_number=" " + ID_NUMBER.lower() + " ", number=" T300001 ", phone=" 13912345678 "
    )
    member = services.member_create(actor=system_actor(), org=college.branch, **data)
    member.refresh_from_db()
    assert (member.name, member.id_number, member.number, member.phone) == ("孙丽", ID_NUMBER, "T300001", PHONE)


def test_member_create_with_lower_case_x_is_the_same_person(college):
    with_x = make_id_number(datetime.date(1990, 1, 1), "male", 0)
    for serial in range(1, 500):
        if with_x.endswith("X"):
            break
        with_x = make_id_number(datetime.date(1990, 1, 1), "male", serial)
    assert with_x.endswith("X")
    data = new_member_data(birth_date=datetime.date(1990, 1, 1), gender="male", id_number=with_x)
    services.member_create(actor=system_actor(), org=college.branch, **data)
    with pytest.raises(DomainError) as exc:
        services.member_create(
            actor=system_actor(), org=college.branch, **(data | {"id_number": with_x.lower(), "number": None})
        )
    assert "id_number" in exc.value.errors


def test_member_create_without_a_number_has_no_account(college):
    member = services.member_create(
        actor=system_actor(), org=college.branch, **new_member_data(number="", id_number=None)
    )
    assert member.user is None
    assert member.number is None
    assert member.id_number is None
    services.member_create(
        actor=system_actor(), org=college.branch, **new_member_data(name="另一个", number=None, id_number="")
    )
    assert Member.objects.filter(number__isnull=True, id_number__isnull=True).count() == 2


def test_member_create_does_not_steal_an_account(college):
    # T100003 is 张三's account.
    member = services.member_create(actor=system_actor(), org=college.branch, **new_member_data(number="T999999"))
    User.objects.filter(pk=member.user_id).update(username="T999998")
    member.user.refresh_from_db()
    member2 = services.member_create(
        actor=system_actor(), org=college.branch, **new_member_data(name="新人", number="T999998", id_number=None)
    )
    assert member2.user is None
    # An account without a member record (made before the roster was loaded) is linked.
    account = UserFactory(username="T777777")
    linked = services.member_create(
        actor=system_actor(), org=college.branch, **new_member_data(number="T777777", id_number=None)
    )
    assert linked.user == account


def test_member_create_validation_errors_create_nothing(college):
    before = (Member.objects.count(), User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    bad = new_member_data(gender="male", phone="123", joined_on=datetime.date(2005, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.member_create(actor=system_actor(), org=college.branch, **bad)
    assert set(exc.value.errors) == {"id_number", "phone", "joined_on"}
    with pytest.raises(DomainError) as exc:
        services.member_create(actor=system_actor(), org=college.branch, **new_member_data(number="T100003"))
    assert set(exc.value.errors) == {"number"}
    with pytest.raises(DomainError) as exc:
        services.member_create(
            actor=system_actor(), org=college.branch, **new_member_data(id_number=college.member.id_number, number=None)
        )
    assert "id_number" in exc.value.errors
    after = (Member.objects.count(), User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before


@pytest.mark.parametrize(("field", "value"), [("gender", "unknown"), ("category", "teacher"), ("education", "phd")])
def test_member_create_refuses_values_outside_the_choices(college, field, value):
    data = new_member_data(id_number=None) | {field: value}
    with pytest.raises(DomainError) as exc:
        services.member_create(actor=system_actor(), org=college.branch, **data)
    assert field in exc.value.errors
    assert not Member.objects.filter(name="孙丽").exists()


def test_member_create_ignores_fields_it_does_not_own(college):
    member = services.member_create(
        actor=system_actor(), org=college.branch, **new_member_data(name_initials="zzz", user=college.user("admin"))
    )
    assert member.user.username == "T300001"
    assert member.name_initials == "sl"
    assert member.org == college.branch


@pytest.mark.parametrize("org", ["committee"])
def test_members_belong_to_a_branch_or_group(college, org):
    with pytest.raises(DomainError) as exc:
        services.member_create(actor=system_actor(), org=getattr(college, org), **new_member_data())
    assert exc.value.field == "org"


def test_no_member_joins_a_dissolved_organisation(college):
    group = OrganisationFactory(parent=college.branch, kind="group")
    org_services.org_update(actor=system_actor(), org=group, dissolved_on=datetime.date(2025, 1, 1))
    with pytest.raises(DomainError):
        services.member_create(actor=system_actor(), org=group, **new_member_data())


@pytest.mark.parametrize("actor", ["group_leader", "auditor", "member", "other_branch"])
def test_member_create_forbidden(college, actor):
    with pytest.raises(Forbidden):
        services.member_create(actor=college.user(actor), org=college.group, **new_member_data())
    assert not Member.objects.filter(name="孙丽").exists()


# member_update ---------------------------------------------------------------------------------


def test_member_update_changes_one_field_and_audits_it(college):
    member = college.member
    old_phone = member.phone
    services.member_update(actor=college.user("branch"), member=member, phone="13700001111")
    member.refresh_from_db()
    assert member.phone == "13700001111"
    event = AuditEvent.objects.get(action="member.update")
    assert event.changes == {"phone": [rules.mask_phone(old_phone), "137****1111"]}
    assert event.org_path == college.group.path


def test_member_update_of_name_recomputes_initials(college):
    services.member_update(actor=college.user("committee"), member=college.member, name="张小三")
    college.member.refresh_from_db()
    assert college.member.name_initials == "zxs"


def test_member_update_of_dates(college):
    member = college.member
    services.member_update(actor=system_actor(), member=member, full_member_on=member.joined_on)
    member.refresh_from_db()
    assert member.full_member_on == member.joined_on
    change = AuditEvent.objects.get(action="member.update").changes["full_member_on"]
    assert change[1] == str(member.joined_on)


def test_member_update_with_nothing_new_records_nothing(college):
    services.member_update(
        actor=system_actor(), member=college.member, name=college.member.name, phone=college.member.phone
    )
    assert not AuditEvent.objects.filter(action="member.update").exists()


def test_member_update_has_no_organisation_parameter(college):
    with pytest.raises(TypeError):  # transfers go through member_transfer
        services.member_update(actor=college.user("branch"), member=college.member, org=None)


@pytest.mark.parametrize(
    "changes",
    [
        {"phone": "123"},
        {"gender": "x"},
        {"birth_date": datetime.date(1960, 1, 1)},  # disagrees with the ID number
        {"full_member_on": datetime.date(1900, 1, 1)},
        {"number": "T100001"},  # 李书记's number
        {"id_number": "110105194912310021"},
        {"name": ""},
    ],
)
def test_member_update_validation_errors_change_nothing(college, changes):
    member = college.member
    before = {f: getattr(member, f) for f in [*services.MEMBER_FIELDS, "org_id", "name_initials"]}
    with pytest.raises(DomainError):
        services.member_update(actor=college.user("branch"), member=member, **changes)
    assert {f: getattr(member, f) for f in before} == before
    member.refresh_from_db()
    assert {f: getattr(member, f) for f in before} == before
    assert not AuditEvent.objects.filter(action="member.update").exists()


@pytest.mark.parametrize("actor", ["group_leader", "auditor", "member", "other_branch"])
def test_member_update_forbidden(college, actor):
    with pytest.raises(Forbidden):
        services.member_update(actor=college.user(actor), member=college.member, phone="13700001111")
    college.member.refresh_from_db()
    assert college.member.phone != "13700001111"


# member_transfer -------------------------------------------------------------------------------


def test_transfer_closes_the_old_membership_and_opens_a_new_one(college):
    member = college.member
    on = timezone.localdate()
    services.member_transfer(
        actor=college.user("committee"), member=member, to_org=college.other_branch, on=on, reason="调动"
    )
    member.refresh_from_db()
    assert member.org == college.other_branch
    old, new = member.memberships.order_by("pk")
    assert (old.org, old.until) == (college.group, on)
    assert (new.org, new.since, new.until, new.reason) == (college.other_branch, on, None, "调动")
    event = AuditEvent.objects.get(action="member.transfer")
    assert event.changes == {"org": [college.group.pk, college.other_branch.pk], "on": str(on), "reason": "调动"}
    assert event.org_path == college.group.path
    # The receiving branch's auditors see it as well.
    received = AuditEvent.objects.get(action="member.transfer_in")
    assert (received.org_path, received.changes) == (college.other_branch.path, event.changes)


def test_transfer_within_one_subtree_is_recorded_once(college):
    services.member_transfer(
        actor=college.user("branch"), member=college.secretary, to_org=college.group, on=timezone.localdate()
    )
    assert AuditEvent.objects.filter(action__startswith="member.transfer").count() == 1


def test_transfer_out_of_the_college(college):
    member = college.member
    on = timezone.localdate()
    services.member_transfer(actor=college.user("branch"), member=member, to_org=None, on=on, reason="毕业")
    member.refresh_from_db()
    assert member.org is None
    assert not member.memberships.filter(until__isnull=True).exists()
    assert member.memberships.get().until == on
    assert not Member.objects.current().filter(pk=member.pk).exists()
    assert AuditEvent.objects.get(action="member.transfer").changes["org"] == [college.group.pk, None]
    with pytest.raises(DomainError):
        services.member_transfer(actor=college.user("branch"), member=member, to_org=None, on=on)
    assert AuditEvent.objects.filter(action="member.transfer").count() == 1
    # Coming back: a new open membership, the history kept, and the return visible to the branch.
    services.member_transfer(actor=college.user("committee"), member=member, to_org=college.branch, on=on)
    assert AuditEvent.objects.get(action="member.transfer_in").org_path == college.branch.path
    assert [(m.org, m.until) for m in member.memberships.order_by("pk")] == [
        (college.group, on),
        (college.branch, None),
    ]


def test_transfer_within_the_branch(college):
    services.member_transfer(
        actor=college.user("branch"), member=college.member, to_org=college.branch, on=timezone.localdate()
    )
    college.member.refresh_from_db()
    assert college.member.org == college.branch


def test_transfer_refusals(college):
    member = college.member
    since = member.memberships.get().since
    with pytest.raises(DomainError):
        services.member_transfer(actor=system_actor(), member=member, to_org=college.group, on=since)
    with pytest.raises(DomainError):
        services.member_transfer(actor=system_actor(), member=member, to_org=college.committee, on=since)
    with pytest.raises(DomainError) as exc:
        services.member_transfer(
            actor=system_actor(), member=member, to_org=college.branch, on=since - datetime.timedelta(days=1)
        )
    assert exc.value.field == "on"
    member.refresh_from_db()
    assert member.org == college.group
    assert member.memberships.get().until is None


@pytest.mark.parametrize(
    ("actor", "to_org"),
    [
        ("branch", "other_branch"),  # the target is outside the branch secretary's scope
        ("other_branch", "other_branch"),  # the member is outside the actor's scope
        ("group_leader", "branch"),
        ("auditor", "branch"),
        ("member", "branch"),
    ],
)
def test_transfer_forbidden(college, actor, to_org):
    with pytest.raises(Forbidden):
        services.member_transfer(
            actor=college.user(actor), member=college.member, to_org=getattr(college, to_org), on=timezone.localdate()
        )
    college.member.refresh_from_db()
    assert college.member.org == college.group
    assert college.member.memberships.count() == 1


# member_reveal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["admin", "committee", "branch", "member"])
def test_reveal_is_audited(college, actor):
    member = college.member
    revealed = services.member_reveal(actor=college.user(actor), member=member)
    assert revealed == {"id_number": member.id_number, "phone": member.phone}
    event = AuditEvent.objects.get(action="member.reveal")
    assert event.actor == college.user(actor)
    assert event.object_id == str(member.pk)
    assert event.changes == {"fields": ["id_number", "phone"]}
    assert member.id_number not in all_audit_text()


@pytest.mark.parametrize("actor", ["group_leader", "auditor", "other_branch"])
def test_reveal_forbidden(college, actor):
    with pytest.raises(Forbidden):
        services.member_reveal(actor=college.user(actor), member=college.member)
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def test_reveal_of_another_member_is_forbidden_to_a_member(college):
    with pytest.raises(Forbidden):
        services.member_reveal(actor=college.user("member"), member=college.secretary)


# Special situations ----------------------------------------------------------------------------


def test_situation_add_and_end(college):
    since = datetime.date(2025, 3, 1)
    situation = services.situation_add(
        actor=college.user("branch"), member=college.member, kind="abroad", since=since, note="访学"
    )
    assert SpecialSituation.objects.on(since).get() == situation
    assert not SpecialSituation.objects.on(since - datetime.timedelta(days=1)).exists()
    event = AuditEvent.objects.get(action="member.situation_add")
    assert event.changes == {
        "member": college.member.pk,
        "kind": "abroad",
        "since": "2025-03-01",
        "until": None,
        "note": "访学",
    }
    until = datetime.date(2025, 9, 1)
    services.situation_end(actor=college.user("branch"), situation=situation, until=until)
    situation.refresh_from_db()
    assert situation.until == until
    assert SpecialSituation.objects.on(until).exists()
    assert not SpecialSituation.objects.on(until + datetime.timedelta(days=1)).exists()
    assert AuditEvent.objects.get(action="member.situation_end").changes == {"until": "2025-09-01"}


def test_situation_dates_and_kind_are_checked(college):
    since = datetime.date(2025, 3, 1)
    with pytest.raises(DomainError):
        services.situation_add(
            actor=college.user("branch"),
            member=college.member,
            kind="abroad",
            since=since,
            until=since - datetime.timedelta(days=1),
        )
    with pytest.raises(DomainError) as exc:
        services.situation_add(actor=college.user("branch"), member=college.member, kind="holiday", since=since)
    assert exc.value.field == "kind"
    situation = services.situation_add(actor=college.user("branch"), member=college.member, kind="frail", since=since)
    with pytest.raises(DomainError):
        services.situation_end(
            actor=college.user("branch"), situation=situation, until=since - datetime.timedelta(days=1)
        )
    assert SpecialSituation.objects.get().until is None


@pytest.mark.parametrize("actor", ["group_leader", "auditor", "member", "other_branch"])
def test_situations_forbidden(college, actor):
    with pytest.raises(Forbidden):
        services.situation_add(
            actor=college.user(actor), member=college.member, kind="flowing", since=datetime.date(2025, 1, 1)
        )
    situation = services.situation_add(
        actor=college.user("branch"), member=college.member, kind="flowing", since=datetime.date(2025, 1, 1)
    )
    with pytest.raises(Forbidden):
        services.situation_end(actor=college.user(actor), situation=situation, until=datetime.date(2025, 2, 1))
    situation.refresh_from_db()
    assert situation.until is None


# validate_member (the check the importer and the forms share) ---------------------------------


def test_validate_member_excludes_the_instance_itself(college):
    member = college.member
    data = {f: getattr(member, f) for f in services.MEMBER_FIELDS}
    assert services.validate_member(data, instance=member) == {}
    errors = services.validate_member(data)
    assert set(errors) == {"id_number", "number"}


def test_make_id_number_is_valid_for_both_genders():
    for gender in ("male", "female"):
        number = make_id_number(BIRTH, gender, 42)
        assert rules.parse_id_number(number) == rules.IdInfo(BIRTH, gender)


def test_member_factory_goes_through_the_service(college):
    member = MemberFactory(org=college.other_branch, name="吕布")
    assert member.name_initials == "lb"
    assert member.memberships.count() == 1
