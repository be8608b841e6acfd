"""The dashboard API: the officers' figures scoped like the page, a member's own year, 4xx on bad input."""

import datetime
import json

from django.utils import timezone

from dangjian.care.tests.factories import raise_need
from dangjian.compliance.tests.factories import held
from dangjian.core.tests.apiclient import api_as


def test_the_committee_and_a_branch_officer_get_their_figures(college):
    got = api_as(college.user("committee")).get("/dashboard", {"period": "year"})
    assert got.status_code == 200
    body = got.json()
    assert body["kind"] == "committee"
    assert body["period"]["kind"] == "year"
    assert body["branches"] == 2
    assert {r["requirement"] for r in body["requirements"]} >= {"general_meeting", "theme_day"}
    assert body["hours"]["known"] is True
    assert sum(b["members"] for b in body["hours"]["bands"]) == 6
    assert body["needs"] is not None
    assert body["warnings"] is not None
    assert {c["org"]["id"] for c in body["coverage"]} == {college.branch.pk, college.other_branch.pk}
    mine = api_as(college.user("branch")).get("/dashboard").json()
    assert mine["kind"] == "branch"
    assert mine["branches"] == 1
    assert [c["org"]["id"] for c in mine["coverage"]] == [college.branch.pk]


def test_no_member_is_named_in_the_figures(college):
    raise_need(college.member)
    held(college.branch, 2, {college.member: "absent"})
    text = json.dumps(api_as(college.user("committee")).get("/dashboard").json(), ensure_ascii=False)
    for member in (college.member, college.secretary, college.other_member):
        assert member.name not in text


def test_a_bad_period_is_refused(college):
    api = api_as(college.user("committee"))
    assert api.get("/dashboard", {"period": "week"}).status_code == 422
    assert api.get("/dashboard", {"date": "2026-13-01"}).status_code == 422
    assert api.get("/dashboard", {"date": "20260101"}).status_code == 422


def test_members_and_auditors_have_no_officer_figures(college):
    assert api_as(college.user("member")).get("/dashboard").status_code == 404
    assert api_as(college.user("auditor")).get("/dashboard").status_code == 404


def test_a_member_gets_their_own_year(college):
    held(college.branch, 2, {college.member: "present"})
    year = (timezone.localdate() - datetime.timedelta(days=2)).year  # the day it was held
    got = api_as(college.user("member")).get("/dashboard/me", {"year": year})
    assert got.status_code == 200
    body = got.json()
    assert body["year"] == year
    assert body["hours"]["required"] == 32
    assert body["expected"] >= 1
    assert body["attended"] == body["expected"]
    assert body["attendance_rate"] == 100
    assert api_as(college.user("member")).get("/dashboard/me", {"year": 1999}).status_code == 422
    assert api_as(college.user("auditor")).get("/dashboard/me").status_code == 404
