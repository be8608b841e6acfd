import datetime

import pytest

from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.orgs.models import Organisation
from dangjian.study.models import PlanItem, Semester, StudyPlan
from dangjian.study.tests.factories_plans import make_directive, make_item, make_plan, make_semester

D = datetime.date


@pytest.fixture
def semester(college):
    return make_semester(college.committee)


SEMESTER = {"name": "2026—2027学年第一学期", "starts_on": "2026-09-01", "ends_on": "2027-01-31"}


def test_semester_create_and_list(college):
    client = api_as(college.user("committee"))
    response = client.post("/study/semesters", SEMESTER | {"committee": college.committee.pk})
    assert response.status_code == 201
    assert response.json()["committee"]["name"] == "哲学与社会发展学院党委"
    listed = api_as(college.user("branch")).get("/study/semesters").json()
    assert [s["name"] for s in listed] == ["2026—2027学年第一学期"]
    assert api_as(college.user("member")).get("/study/semesters").json() == []


def test_a_dissolved_committee_gets_no_semester(college):
    """The page offers only the committees the officer manages that are still active; the API accepts no other."""
    Organisation.objects.filter(pk=college.committee.pk).update(dissolved_on=D(2026, 1, 1))
    response = api_as(college.user("committee")).post(
        "/study/semesters", SEMESTER | {"committee": college.committee.pk}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "committee"
    assert not Semester.objects.exists()


def test_overlapping_semester_is_400_and_changes_nothing(college, semester):
    response = api_as(college.user("committee")).post(
        "/study/semesters",
        {"committee": college.committee.pk, "name": "重叠", "starts_on": "2027-01-01", "ends_on": "2027-06-30"},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "starts_on"
    assert "2026—2027学年第一学期" in response.json()["detail"]
    assert Semester.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("branch", 404), ("auditor", 403), ("member", 404), ("admin", 201)])
def test_semester_create_by_role(college, role, status):
    response = api_as(college.user(role)).post("/study/semesters", SEMESTER | {"committee": college.committee.pk})
    assert response.status_code == status


def test_semester_create_validates_the_body(college):
    client = api_as(college.user("committee"))
    assert client.post("/study/semesters", {"committee": college.committee.pk}).status_code == 422
    bad = SEMESTER | {"committee": college.committee.pk, "ends_on": "2026-08-01"}
    assert client.post("/study/semesters", bad).json()["field"] == "ends_on"
    assert api_as(None).get("/study/semesters").status_code == 401


def test_plan_create_get_items_publish(college, semester):
    committee = api_as(college.user("committee"))
    response = committee.post("/study/plans", {"org": college.committee.pk, "semester": semester.pk})
    assert response.status_code == 201
    plan_id = response.json()["id"]
    _, (directive_item,) = make_directive(semester)
    item = {
        "month": "2026-11-15",
        "theme": "组织生活会",
        "form": "life_meeting",
        "organiser": "every_branch",
        "planned_minutes": 180,
        "directive_item": directive_item.pk,
    }
    created = committee.post(f"/study/plans/{plan_id}/items", item)
    assert created.status_code == 201
    assert created.json()["month"] == "2026-11-01"
    assert created.json()["planned_hours"] == "3.0"
    outside = committee.post(f"/study/plans/{plan_id}/items", item | {"month": "2027-03-01"})
    assert outside.status_code == 400
    assert outside.json()["field"] == "month"
    assert PlanItem.objects.count() == 1

    published = committee.post(f"/study/plans/{plan_id}/publish")
    assert published.status_code == 200
    assert published.json()["items_created"] == 2
    again = committee.post(f"/study/plans/{plan_id}/publish").json()
    assert (again["items_created"], again["plans_created"]) == (0, 0)

    branch = api_as(college.user("branch"))
    branch_plans = branch.get("/study/plans", {"semester": semester.pk}).json()
    assert branch_plans["count"] == 2
    mine = next(p for p in branch_plans["items"] if p["org"]["id"] == college.branch.pk)
    assert mine["required_count"] == 1
    detail = branch.get(f"/study/plans/{mine['id']}").json()
    (row,) = detail["items"]
    assert row["required"] is True
    assert row["sanhui_yike"] is None
    assert (row["activity_count"], row["done"]) == (0, False)
    assert detail["planned_minutes"] == 180


def test_plan_get_is_scoped(college, semester):
    plan = make_plan(college.branch, semester)
    assert api_as(college.user("other_branch")).get(f"/study/plans/{plan.pk}").status_code == 404
    assert api_as(college.user("group_leader")).get(f"/study/plans/{plan.pk}").status_code == 200


def test_second_plan_for_the_same_semester_is_400(college, semester):
    make_plan(college.branch, semester)
    response = api_as(college.user("branch")).post("/study/plans", {"org": college.branch.pk, "semester": semester.pk})
    assert response.status_code == 400
    assert StudyPlan.objects.count() == 1


def test_branch_cannot_plan_for_another_branch(college, semester):
    response = api_as(college.user("branch")).post(
        "/study/plans", {"org": college.other_branch.pk, "semester": semester.pk}
    )
    assert response.status_code == 404
    assert response.json()["field"] == "org"


def test_viewers_cannot_add_items_or_publish(college, semester):
    plan = make_plan(college.committee, semester)
    make_item(plan, organiser="every_branch")
    branch = api_as(college.user("branch"))
    item = {"month": "2026-10-01", "theme": "改写", "form": "film"}
    assert branch.post(f"/study/plans/{plan.pk}/items", item).status_code == 403
    assert branch.post(f"/study/plans/{plan.pk}/publish").status_code == 403
    assert api_as(college.user("member")).post(f"/study/plans/{plan.pk}/publish").status_code == 404
    assert not AuditEvent.objects.filter(action="study_plan.publish").exists()


def test_directive_item_of_another_committee_is_400(college, semester):
    plan = make_plan(college.branch, semester)
    spring = make_semester(college.committee, period=("春季", D(2027, 2, 1), D(2027, 7, 31)))
    _, (other_item,) = make_directive(spring)
    response = api_as(college.user("branch")).post(
        f"/study/plans/{plan.pk}/items",
        {"month": "2026-10-01", "theme": "学习", "form": "group_study", "directive_item": other_item.pk},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "directive_item"


def test_list_filters_cannot_widen_the_scope(college, semester):
    make_plan(college.other_branch, semester)
    branch = api_as(college.user("branch"))
    assert branch.get("/study/plans", {"org": college.other_branch.pk}).json()["count"] == 0
    assert branch.get("/study/semesters", {"committee": college.committee.pk}).json()[0]["id"] == semester.pk
    assert api_as(college.user("member")).get("/study/semesters", {"committee": college.committee.pk}).json() == []
