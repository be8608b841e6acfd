import datetime

import pytest
from django.utils import timezone

from dangjian.core.tests.apiclient import api_as
from dangjian.study.models import ReadingList, SelfStudy
from dangjian.study.tests.factories_selfstudy import (
    COPIED,
    REFLECTION,
    attend,
    local,
    make_activity,
    reading_list,
    self_study,
)

TODAY = timezone.localdate()
YEAR = TODAY.year


def test_anonymous_callers_get_401(college):
    client = api_as(None)
    for path in ("/study/self-study", "/study/reading-lists", "/study/ledger", "/study/my-hours"):
        assert client.get(path).status_code == 401
    assert client.post("/study/self-study", {"studied_on": TODAY.isoformat(), "minutes": 5}).status_code == 401


def test_a_member_logs_and_lists_their_own_entries(college):
    client = api_as(college.user("member"))
    response = client.post("/study/self-study", {"studied_on": TODAY.isoformat(), "minutes": 40, "title": "党章"})
    assert response.status_code == 201
    assert response.json()["minutes"] == 40
    self_study(college.secretary, TODAY, 30)
    listed = client.get("/study/self-study", {"year": YEAR}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["title"] == "党章"


def test_the_flag_is_not_in_the_members_answer(college):
    original = self_study(college.secretary, TODAY, 30, REFLECTION)
    self_study(college.member, TODAY, 30, COPIED, similar_to=original)
    item = api_as(college.user("member")).get("/study/self-study").json()["items"][0]
    assert "similar_to" not in item


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"minutes": 0}, 400, "minutes"),
        ({"minutes": 2000}, 400, "minutes"),
        ({"studied_on": "2000-01-01"}, 400, "studied_on"),
        ({"reading_item": 999999}, 400, "reading_item"),
        ({"minutes": "many"}, 422, "minutes"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
def test_bad_entries_are_refused(college, body, status, field):
    data = {"studied_on": TODAY.isoformat(), "minutes": 30, "title": "党章"} | body
    response = api_as(college.user("member")).post("/study/self-study", data)
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert not SelfStudy.objects.exists()


def test_an_account_without_a_member_record_gets_403_on_create_and_404_on_my_hours(college):
    client = api_as(college.user("admin"))
    assert (
        client.post("/study/self-study", {"studied_on": TODAY.isoformat(), "minutes": 30, "title": "x"}).status_code
        == 403
    )
    assert client.get("/study/my-hours").status_code == 404
    assert client.get("/study/self-study").json()["count"] == 0


def test_reading_lists_created_and_listed(college):
    body = {
        "org": college.branch.pk,
        "title": "书目",
        "audience": "faculty",
        "items": [{"title": "党章", "link": "https://example.org/a"}, {"title": "准则", "required": False}],
    }
    assert api_as(college.user("member")).post("/study/reading-lists", body).status_code == 404
    group_body = body | {"org": college.group.pk}
    assert api_as(college.user("group_leader")).post("/study/reading-lists", group_body).status_code == 403
    assert api_as(college.user("other_branch")).post("/study/reading-lists", body).json()["field"] == "org"
    response = api_as(college.user("branch")).post("/study/reading-lists", body)
    assert response.status_code == 201
    assert [i["title"] for i in response.json()["items"]] == ["党章", "准则"]
    assert api_as(college.user("branch")).post("/study/reading-lists", body | {"items": []}).status_code == 400
    assert ReadingList.objects.count() == 1

    member = api_as(college.user("member")).get("/study/reading-lists").json()
    assert [(entry["reading_list"]["title"], entry["done"], entry["total"]) for entry in member["assigned"]] == [
        ("书目", 0, 2)
    ]
    assert member["managed"] == []
    officer = api_as(college.user("branch")).get("/study/reading-lists").json()
    assert officer["managed"][0]["can_edit"] is True
    assert api_as(college.user("auditor")).get("/study/reading-lists").json()["managed"][0]["can_edit"] is False


def test_logging_against_an_assigned_item(college):
    rl = reading_list(college.user("committee"), college.committee, titles=("党章",))
    item = rl.items.get()
    client = api_as(college.user("member"))
    response = client.post(
        "/study/self-study", {"studied_on": TODAY.isoformat(), "minutes": 30, "reading_item": item.pk}
    )
    assert (response.status_code, response.json()["title"], response.json()["reading_item"]) == (201, "党章", item.pk)
    assert client.get("/study/reading-lists").json()["assigned"][0]["items"][0]["done"] is True


@pytest.fixture
def hours(college):
    activity = make_activity(college.branch, local(YEAR, 1, 1, 9), 90)
    attend(activity, college.member, "late")
    self_study(college.member, datetime.date(YEAR, 1, 1), 60)


@pytest.mark.parametrize(
    ("role", "status", "names"),
    [
        ("member", 404, None),
        ("group_leader", 200, ["王组长", "张三"]),
        ("branch", 200, ["吕书记", "李书记", "王组长", "张三"]),
        ("other_branch", 200, ["钱书记", "赵学生"]),
    ],
)
def test_ledger_is_scoped(college, hours, role, status, names):
    response = api_as(college.user(role)).get("/study/ledger", {"year": YEAR})
    assert response.status_code == status
    if names is not None:
        assert sorted(row["name"] for row in response.json()["rows"]) == sorted(names)


def test_ledger_numbers_and_policy(college, hours):
    body = api_as(college.user("branch")).get("/study/ledger", {"year": YEAR, "org": college.group.pk}).json()
    row = next(r for r in body["rows"] if r["name"] == "张三")
    assert (row["collective_hours"], row["self_study_hours"], row["total"], row["required"], row["gap"]) == (
        "1.5",
        "1.0",
        "2.5",
        "32",
        "29.5",
    )
    assert body["policy"]["officer_hours"] == "56"
    assert body["policy"]["officer_verified"] is False
    assert api_as(college.user("branch")).get("/study/ledger", {"org": college.other_branch.pk}).status_code == 404
    assert api_as(college.user("branch")).get("/study/ledger", {"year": 1900}).status_code == 422


def test_my_hours(college, hours):
    body = api_as(college.user("member")).get("/study/my-hours", {"year": YEAR}).json()
    assert (body["year"], body["hours"]["name"], body["hours"]["total"], body["hours"]["gap"]) == (
        YEAR,
        "张三",
        "2.5",
        "29.5",
    )
