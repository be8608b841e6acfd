import pytest

from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.orgs.models import Organisation
from dangjian.orgs.selectors import org_summary


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", ["C01", "B01", "G01", "B02"]),
        ("committee", ["C01", "B01", "G01", "B02"]),
        ("auditor", ["C01", "B01", "G01", "B02"]),
        ("branch", ["B01", "G01"]),
        ("group_leader", ["G01"]),
        ("other_branch", ["B02"]),
        ("member", []),
    ],
)
def test_org_list_is_scoped(college, role, expected):
    response = api_as(college.user(role)).get("/orgs")
    assert response.status_code == 200
    assert sorted(codes(response)) == sorted(expected)
    assert response.json()["count"] == len(expected)


def test_org_list_filters_by_kind_and_pages(college):
    client = api_as(college.user("committee"))
    assert sorted(codes(client.get("/orgs", {"kind": "branch"}))) == ["B01", "B02"]
    page = client.get("/orgs", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 4
    assert (page["limit"], page["offset"], len(page["items"])) == (2, 1, 2)
    assert client.get("/orgs", {"kind": "club"}).status_code == 422
    assert client.get("/orgs", {"limit": 0}).status_code == 422


def test_org_get_shows_officers_counts_election_and_findings(college):
    response = api_as(college.user("branch")).get(f"/orgs/{college.branch.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["org"]["code"] == "B01"
    assert {o["member"]["name"] for o in body["officers"]} == {"李书记"}
    assert [c["code"] for c in body["children"]] == ["G01"]
    assert body["total_members"] == 4
    assert body["election_due"] == "2027-09-01"
    summary = org_summary(actor=college.user("branch"), org=college.branch)
    assert [(f["code"], f["level"], f["message"]) for f in body["findings"]] == [
        (f.code, f.level, str(f.message)) for f in summary.findings
    ]
    assert body["can_manage"] is False
    assert api_as(college.user("committee")).get(f"/orgs/{college.branch.pk}").json()["can_manage"] is True


@pytest.mark.parametrize("role", ["other_branch", "group_leader", "member"])
def test_org_get_out_of_scope_is_404_like_a_missing_one(college, role):
    client = api_as(college.user(role))
    out_of_scope = client.get(f"/orgs/{college.branch.pk}")
    missing = client.get("/orgs/999999")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert out_of_scope.json()["detail"]


def test_org_get_with_a_bad_id_is_422(college):
    assert api_as(college.user("admin")).get("/orgs/abc").status_code == 422


def new_branch(**extra) -> dict:
    return {"kind": "branch", "name": "退休教工党支部", "code": "B09", "founded_on": "2020-06-01", **extra}


def test_org_create_by_a_committee_officer(college):
    response = api_as(college.user("committee")).post("/orgs", new_branch(parent=college.committee.pk))
    assert response.status_code == 201
    body = response.json()
    org = Organisation.objects.get(code="B09")
    assert body["id"] == org.pk
    assert org.parent == college.committee
    assert org.path.startswith(college.committee.path)
    assert AuditEvent.objects.filter(action="org.create", object_id=str(org.pk)).exists()


@pytest.mark.parametrize(
    ("role", "parent", "status"),
    [
        ("branch", "branch", 403),  # sees the branch, may not manage organisations
        ("auditor", "committee", 403),
        ("other_branch", "branch", 404),  # cannot see the parent
        ("member", "committee", 404),
        ("committee", None, 403),  # top-level committees are for administrators
    ],
)
def test_org_create_refused(college, role, parent, status):
    parent_id = getattr(college, parent).pk if parent else None
    kind = "group" if parent == "branch" else "branch"
    response = api_as(college.user(role)).post("/orgs", new_branch(parent=parent_id, kind=kind))
    assert response.status_code == status
    assert response.json()["detail"]
    if status == 404:
        assert response.json()["field"] == "parent"
    assert not Organisation.objects.filter(code="B09").exists()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"kind": "group"}, 400, "kind"),  # a group cannot sit under a committee
        ({"code": "B01"}, 400, "code"),  # used
        ({"name": "  "}, 400, "name"),
        ({"kind": "club"}, 422, "kind"),
        ({"founded_on": "2020-13-01"}, 422, "founded_on"),
        ({"name": None}, 422, "name"),
    ],
)
def test_org_create_with_invalid_data_changes_nothing(college, data, status, field):
    before = Organisation.objects.count()
    response = api_as(college.user("admin")).post("/orgs", new_branch(parent=college.committee.pk, **data))
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert Organisation.objects.count() == before


def test_org_create_missing_fields_is_422(college):
    response = api_as(college.user("admin")).post("/orgs", {"parent": college.committee.pk})
    assert response.status_code == 422
    assert {"kind", "name", "code"} <= set(response.json()["errors"])


def test_org_update_changes_only_the_fields_sent(college):
    response = api_as(college.user("committee")).patch(f"/orgs/{college.branch.pk}", {"admin_unit": "哲学系"})
    assert response.status_code == 200
    assert response.json()["admin_unit"] == "哲学系"
    college.branch.refresh_from_db()
    assert (college.branch.admin_unit, college.branch.name) == ("哲学系", "哲学系教工党支部")
    event = AuditEvent.objects.get(action="org.update")
    assert event.changes == {"admin_unit": ["", "哲学系"]}


@pytest.mark.parametrize(
    ("role", "status"), [("branch", 403), ("auditor", 403), ("other_branch", 404), ("member", 404)]
)
def test_org_update_refused(college, role, status):
    response = api_as(college.user(role)).patch(f"/orgs/{college.branch.pk}", {"name": "改名"})
    assert response.status_code == status
    college.branch.refresh_from_db()
    assert college.branch.name == "哲学系教工党支部"
    assert not AuditEvent.objects.filter(action="org.update").exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"code": "B02"}, 400),
        ({"name": ""}, 400),
        ({"name": None}, 422),
        ({"term_years": 0}, 422),
        ({"path": "x"}, 422),
    ],
)
def test_org_update_with_invalid_data_changes_nothing(college, data, status):
    path = college.branch.path
    response = api_as(college.user("committee")).patch(f"/orgs/{college.branch.pk}", data)
    assert response.status_code == status
    college.branch.refresh_from_db()
    assert (college.branch.code, college.branch.name, college.branch.path) == ("B01", "哲学系教工党支部", path)
