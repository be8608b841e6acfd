import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.core.tests.apiclient import API, api_as
from dangjian.library.models import ReadingPosition, ReadingSession
from dangjian.library.tests.test_reading_services import make_material

PAGES = ("第一页\n\n第二段 <b>粗</b>", "第二页", "第三页")


@pytest.fixture
def material(college):
    return make_material(college.branch, pages=PAGES)


# --- Pages ----------------------------------------------------------------------------------


def test_a_page_is_read_as_text_and_paragraphs(college, material):
    response = api_as(college.user("member")).get(f"/library/materials/{material.pk}/pages/1")
    assert response.status_code == 200
    assert response.json() == {
        "material_id": material.pk,
        "number": 1,
        "page_count": 3,
        "text": PAGES[0],
        "paragraphs": ["第一页", "第二段 <b>粗</b>"],
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 200), ("auditor", 200), ("admin", 200), ("committee", 200), ("other_branch", 404)],
)
def test_pages_are_scoped_like_the_reader(college, material, role, status):
    response = api_as(college.user(role)).get(f"/library/materials/{material.pk}/pages/2")
    assert response.status_code == status
    if status == 404:
        assert response.json()["detail"]


@pytest.mark.parametrize("number", [0, 4])
def test_a_page_that_does_not_exist_is_404(college, material, number):
    assert api_as(college.user("member")).get(f"/library/materials/{material.pk}/pages/{number}").status_code == 404


def test_no_pages_before_the_text_is_extracted(college):
    running = make_material(college.branch, extraction="running")
    assert api_as(college.user("member")).get(f"/library/materials/{running.pk}/pages/1").status_code == 404


def test_anonymous_callers_get_401(college, material):
    client = api_as(None)
    assert client.get(f"/library/materials/{material.pk}/pages/1").status_code == 401
    assert client.post(f"/library/materials/{material.pk}/reading/beat", {"page": 1}).status_code == 401
    assert client.get(f"/library/materials/{material.pk}/position").status_code == 401
    assert client.get("/library/reading/mine").status_code == 401


# --- The reading timer ---------------------------------------------------------------------------


def test_a_member_beat_opens_a_session(college, material):
    client = api_as(college.user("member"))
    response = client.post(f"/library/materials/{material.pk}/reading/beat", {"page": 2})
    assert response.status_code == 200
    body = response.json()
    session = ReadingSession.objects.get()
    assert body == {
        "counted": True,
        "session_id": session.pk,
        "session_seconds": 0,
        "beat_interval_s": 20,
        "active_window_s": 60,
    }
    # The server measures the time: a client cannot name a duration.
    response = client.post(f"/library/materials/{material.pk}/reading/beat", {"page": 2, "seconds": 600})
    assert response.status_code == 422
    assert ReadingSession.objects.get().active_seconds == 0


def test_a_beat_is_credited_from_the_server_clock(college, material):
    client = api_as(college.user("member"))
    client.post(f"/library/materials/{material.pk}/reading/beat", {"page": 1})
    session = ReadingSession.objects.get()
    session.last_beat_at = timezone.now() - datetime.timedelta(seconds=25)
    session.save()
    body = client.post(f"/library/materials/{material.pk}/reading/beat", {"page": 1}).json()
    assert 25 <= body["session_seconds"] <= 26


def test_a_beat_of_an_account_without_a_member_record_is_not_counted(college, material):
    response = api_as(college.user("auditor")).post(f"/library/materials/{material.pk}/reading/beat", {"page": 1})
    assert response.status_code == 200
    assert response.json()["counted"] is False
    assert not ReadingSession.objects.exists()


@pytest.mark.parametrize(
    ("role", "number", "status"), [("other_branch", 1, 404), ("member", 4, 400), ("member", 0, 422)]
)
def test_bad_beats_are_refused(college, material, role, number, status):
    response = api_as(college.user(role)).post(f"/library/materials/{material.pk}/reading/beat", {"page": number})
    assert response.status_code == status
    assert response.json()["detail"]
    assert not ReadingSession.objects.exists()


def test_a_beat_from_the_reader_page_needs_the_csrf_token(college, material):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.user("member"))
    url = f"{API}/library/materials/{material.pk}/reading/beat"
    refused = client.post(url, {"page": 1}, content_type="application/json")
    assert refused.status_code == 403
    assert not ReadingSession.objects.exists()
    page = client.get(f"/library/{material.pk}/read/")
    token = page.context["csrf_token"]
    accepted = client.post(url, {"page": 1}, content_type="application/json", headers={"X-CSRFToken": str(token)})
    assert accepted.status_code == 200
    assert accepted.json()["counted"] is True


# --- Position ---------------------------------------------------------------------------------


def test_the_position_is_read_and_saved(college, material):
    client = api_as(college.user("member"))
    url = f"/library/materials/{material.pk}/position"
    assert client.get(url).json() == {
        "remembered": False,
        "page": 1,
        "font_size": 18,
        "font_sizes": [14, 16, 18, 20, 22, 24, 28],
    }
    assert client.patch(url, {"page": 3}).json()["page"] == 3
    body = client.patch(url, {"font_size": 24}).json()
    assert (body["remembered"], body["page"], body["font_size"]) == (True, 3, 24)
    assert client.get(url).json()["font_size"] == 24
    assert ReadingPosition.objects.get().member == college.member


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"page": 9}, 400, "page"), ({"font_size": 17}, 400, "font_size"), ({"colour": "red"}, 422, "colour")],
)
def test_a_bad_position_is_refused(college, material, body, status, field):
    response = api_as(college.user("member")).patch(f"/library/materials/{material.pk}/position", body)
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert not ReadingPosition.objects.exists()


def test_the_position_of_an_account_without_a_member_record(college, material):
    client = api_as(college.user("auditor"))
    url = f"/library/materials/{material.pk}/position"
    assert client.get(url).json()["remembered"] is False
    assert client.patch(url, {"page": 2}).status_code == 403
    assert api_as(college.user("other_branch")).get(url).status_code == 404


# --- My reading ----------------------------------------------------------------------------------


def test_a_member_sees_only_their_own_reading(college, material):
    day = timezone.localdate()
    start = timezone.now() - datetime.timedelta(hours=2)
    for member, seconds in ((college.member, 75 * 60), (college.secretary, 30 * 60)):
        ReadingSession.objects.create(
            member=member,
            material=material,
            day=day,
            started_at=start,
            last_beat_at=start + datetime.timedelta(seconds=seconds),
            active_seconds=seconds,
        )
    response = api_as(college.user("member")).get("/library/reading/mine")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == day.year
    assert (body["read_minutes"], body["credited_minutes"], body["daily_cap_minutes"]) == (75, 60, 60)
    assert body["credited_hours"] == "1.0"
    assert [(m["title"], m["minutes"]) for m in body["materials"]] == [("学习党章", 75)]
    assert len(body["recent"]) == 1
    assert (
        api_as(college.user("member")).get("/library/reading/mine", {"year": day.year - 1}).json()["read_minutes"] == 0
    )


def test_my_reading_without_a_member_record_is_404(college):
    assert api_as(college.user("admin")).get("/library/reading/mine").status_code == 404
    assert api_as(college.user("member")).get("/library/reading/mine", {"year": 1999}).status_code == 422
