import datetime

import pytest

from dangjian.accounts.models import User
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.members.models import Member
from dangjian.members.tests.factories import MemberFactory, make_id_number


def names(response) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("committee", {"李书记", "王组长", "张三", "赵学生", "钱书记", "吕书记"}),
        ("branch", {"李书记", "王组长", "张三", "吕书记"}),
        ("group_leader", {"王组长", "张三"}),
        ("other_branch", {"赵学生", "钱书记"}),
        ("member", {"张三"}),
    ],
)
def test_member_list_is_scoped(college, role, expected):
    response = api_as(college.user(role)).get("/members")
    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_member_list_rows_carry_no_personal_data(college):
    item = api_as(college.user("committee")).get("/members").json()["items"][0]
    assert "id_number" not in item
    assert "phone" not in item


def test_member_list_filters_like_the_page(college):
    client = api_as(college.user("committee"))
    assert names(client.get("/members", {"q": "zs"})) == {"张三"}
    assert names(client.get("/members", {"q": "S2000"})) == {"赵学生", "钱书记"}
    assert names(client.get("/members", {"category": "undergraduate"})) == {"赵学生"}
    assert names(client.get("/members", {"org": college.group.pk})) == {"王组长", "张三"}
    assert names(client.get("/members", {"status": "probationary"})) == set()
    assert client.get("/members", {"category": "alien"}).status_code == 422
    assert client.get("/members", {"sort": "salary"}).status_code == 422


def test_member_list_org_filter_cannot_widen_the_scope(college):
    response = api_as(college.user("branch")).get("/members", {"org": college.other_branch.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_member_list_pages_with_a_total(college):
    client = api_as(college.user("committee"))
    first = client.get("/members", {"limit": 4, "sort": "number"}).json()
    second = client.get("/members", {"limit": 4, "offset": 4, "sort": "number"}).json()
    assert first["count"] == second["count"] == 6
    assert [len(first["items"]), len(second["items"])] == [4, 2]
    numbers = [m["number"] for m in first["items"] + second["items"]]
    assert numbers == sorted(numbers)
    assert client.get("/members", {"limit": 201}).status_code == 422
    assert client.get("/members", {"offset": -1}).status_code == 422


def test_member_get_masks_personal_data(college):
    member = college.member
    response = api_as(college.user("branch")).get(f"/members/{member.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["member"]["name"] == "张三"
    assert body["member"]["id_number"] != member.id_number
    assert body["member"]["id_number"].startswith(member.id_number[:3])
    assert "*" in body["member"]["id_number"]
    assert "*" in body["member"]["phone"]
    assert member.phone not in response.content.decode()
    assert member.id_number not in response.content.decode()
    assert [m["org"]["code"] for m in body["memberships"]] == ["G01"]
    assert (body["can_manage"], body["can_reveal"]) == (True, True)


def test_member_sees_themself_but_may_not_manage(college):
    body = api_as(college.user("member")).get(f"/members/{college.member.pk}").json()
    assert (body["can_manage"], body["can_reveal"]) == (False, True)


@pytest.mark.parametrize(
    ("role", "target"), [("other_branch", "member"), ("member", "secretary"), ("branch", "other_member")]
)
def test_member_get_out_of_scope_is_404_like_a_missing_one(college, role, target):
    client = api_as(college.user(role))
    out_of_scope = client.get(f"/members/{getattr(college, target).pk}")
    missing = client.get("/members/999999")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


@pytest.mark.parametrize(("role", "status"), [("branch", 200), ("committee", 200), ("member", 200), ("admin", 200)])
def test_member_reveal_is_audited(college, role, status):
    response = api_as(college.user(role)).post(f"/members/{college.member.pk}/reveal")
    assert response.status_code == status
    assert response.json() == {"id_number": college.member.id_number, "phone": college.member.phone}
    event = AuditEvent.objects.get(action="member.reveal")
    assert (event.actor, event.object_id) == (college.user(role), str(college.member.pk))


@pytest.mark.parametrize(("role", "status"), [("group_leader", 403), ("auditor", 403), ("other_branch", 404)])
def test_member_reveal_refused(college, role, status):
    response = api_as(college.user(role)).post(f"/members/{college.member.pk}/reveal")
    assert response.status_code == status
    assert college.member.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def new_member(org_id: int, **extra) -> dict:
    birth = datetime.date(1990, 5, 17)
    return {
        "org": org_id,
        "name": "孙新",
        "gender": "female",
        "birth_date": birth.isoformat(),
        "id_number": make_id_number(birth, "female", 7),
        "category": "faculty",
        "number": "T300001",
        "phone": "13912345678",
        "joined_on": "2015-06-30",
        "full_member_on": "2016-06-30",
        **extra,
    }


def test_member_create_by_a_branch_secretary(college):
    response = api_as(college.user("branch")).post("/members", new_member(college.group.pk))
    assert response.status_code == 201
    body = response.json()
    member = Member.objects.get(number="T300001")
    assert body["id"] == member.pk
    assert body["org"]["code"] == "G01"
    assert body["phone"] == "139****5678"
    assert body["has_account"] is True
    assert User.objects.filter(username="T300001").exists()
    assert AuditEvent.objects.filter(action="member.create", object_id=str(member.pk)).exists()


@pytest.mark.parametrize(
    ("role", "org", "status"),
    [
        ("group_leader", "group", 403),  # sees the group, may not add members
        ("auditor", "branch", 403),
        ("other_branch", "branch", 404),
        ("member", "group", 404),
    ],
)
def test_member_create_refused(college, role, org, status):
    before = Member.objects.count()
    response = api_as(college.user(role)).post("/members", new_member(getattr(college, org).pk))
    assert response.status_code == status
    if status == 404:
        assert response.json()["field"] == "org"
    assert Member.objects.count() == before
    assert not User.objects.filter(username="T300001").exists()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"id_number": "110105199005170001"}, 400, "id_number"),  # wrong check digit
        ({"birth_date": "1991-05-17"}, 400, "id_number"),  # ID number gives another birth date
        ({"number": "T100003"}, 400, "number"),  # 张三's
        ({"phone": "12345"}, 400, "phone"),
        ({"joined_on": "2030-01-01", "full_member_on": None}, 400, "joined_on"),
        ({"name": ""}, 400, "name"),
        ({"gender": "x"}, 422, "gender"),
        ({"birth_date": "yesterday"}, 422, "birth_date"),
        ({"salary": 1}, 422, "salary"),
    ],
)
def test_member_create_with_invalid_data_changes_nothing(college, data, status, field):
    before = (Member.objects.count(), User.objects.count(), AuditEvent.objects.count())
    response = api_as(college.user("branch")).post("/members", new_member(college.group.pk, **data))
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert response.json()["detail"]
    after = (Member.objects.count(), User.objects.count(), AuditEvent.objects.count() - 1)  # the token's event
    assert after == before


def test_member_create_in_a_committee_is_refused(college):
    response = api_as(college.user("committee")).post("/members", new_member(college.committee.pk))
    assert response.status_code == 400
    assert "org" in response.json()["errors"]


def test_member_update_changes_only_the_fields_sent(college):
    member = college.member
    response = api_as(college.user("branch")).patch(f"/members/{member.pk}", {"phone": "13700001111"})
    assert response.status_code == 200
    assert response.json()["phone"] == "137****1111"
    old_name = member.name
    member.refresh_from_db()
    assert (member.phone, member.name) == ("13700001111", old_name)
    event = AuditEvent.objects.get(action="member.update")
    assert "13700001111" not in str(event.changes)


@pytest.mark.parametrize(
    ("role", "status"), [("group_leader", 403), ("auditor", 403), ("member", 403), ("other_branch", 404)]
)
def test_member_update_refused(college, role, status):
    response = api_as(college.user(role)).patch(f"/members/{college.member.pk}", {"admin_unit": "外系"})
    assert response.status_code == status
    college.member.refresh_from_db()
    assert college.member.admin_unit == "哲学系"
    assert not AuditEvent.objects.filter(action="member.update").exists()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"full_member_on": "1900-01-01"}, 400, "full_member_on"),
        ({"id_number": "110105199005170001"}, 400, "id_number"),
        ({"number": "S200001"}, 400, "number"),
        ({"name": None}, 422, "name"),
        ({"category": "alien"}, 422, "category"),
        ({"org": 1}, 422, "org"),
    ],
)
def test_member_update_with_invalid_data_changes_nothing(college, data, status, field):
    member = college.member
    before = {f: getattr(member, f) for f in ("name", "full_member_on", "id_number", "number", "category")}
    response = api_as(college.user("branch")).patch(f"/members/{member.pk}", data)
    assert response.status_code == status
    assert field in response.json()["errors"]
    member.refresh_from_db()
    assert {f: getattr(member, f) for f in before} == before
    assert not AuditEvent.objects.filter(action="member.update").exists()


def test_member_list_query_count_does_not_grow_with_the_page(college, django_assert_max_num_queries):
    for _ in range(20):
        MemberFactory(org=college.group, number=None)
    client = api_as(college.user("committee"))
    with django_assert_max_num_queries(8):
        response = client.get("/members", {"limit": 50})
    assert response.json()["count"] == 26
