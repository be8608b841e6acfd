"""The API's edge: paging and years checked before any query, one shape for field errors, the
shared error declarations."""

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy

from dangjian.core.errors import DomainError
from dangjian.core.paging import MAX_OFFSET
from dangjian.core.schemas import ErrorOut, responses
from dangjian.core.tests.apiclient import API, api_as
from dangjian.core.years import YEAR_MAX, YEAR_MIN
from dangjian.web.paging import last_page, page_number

HUGE = "9223372036854775808"  # one past the largest 64-bit integer


def test_domain_error_keeps_a_single_message_whole():
    exc = DomainError("x", field="a", errors={"a": "“第几”周", "b": gettext_lazy("Enter text."), "c": ["one", "two"]})
    assert exc.errors == {"a": ["“第几”周"], "b": ["请输入文本。"], "c": ["one", "two"]}


def test_domain_error_without_errors_has_an_empty_dict():
    assert DomainError("x").errors == {}


def test_responses_declares_the_shared_error_codes_once():
    assert responses({200: int}) == {200: int, **dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)}
    assert list(responses({201: str}, 409)) == [201, 400, 401, 403, 404, 409, 422]
    assert list(responses({200: str}, login=False)) == [200, 400, 404, 422]


def test_a_field_error_from_a_service_is_a_list_of_whole_messages(college):
    client = api_as(college.user("admin"))
    response = client.put(f"/study/orgs/{college.branch.pk}/settings", {"theme_day_week": 2, "theme_day_weekday": None})
    assert response.status_code == 400
    messages = response.json()["errors"]["theme_day_weekday"]
    assert len(messages) == 1
    assert len(messages[0]) > 1


def _list_operations(openapi: dict):
    for path, methods in openapi["paths"].items():
        operation = methods.get("get")
        if operation and any(p["name"] == "offset" for p in operation.get("parameters", [])):
            yield path


@pytest.mark.parametrize("offset", [HUGE, str(MAX_OFFSET + 1), "-1"])
def test_every_list_operation_refuses_an_offset_out_of_range(college, offset):
    openapi = Client().get(f"{API}/openapi.json").json()
    client = api_as(college.user("admin"))
    paths = list(_list_operations(openapi))
    assert len(paths) > 10
    for path in paths:
        if "{" in path:
            continue
        response = client.get(path.removeprefix(API), {"offset": offset})
        assert response.status_code == 422, path
        assert "offset" in response.json()["errors"], path


def test_the_largest_offset_is_an_empty_page(college):
    response = api_as(college.user("admin")).get("/members", {"offset": MAX_OFFSET})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    ["/care/needs/stats", "/care/talks", "/care/orgs/{branch}/talk-coverage", "/study/ledger", "/library/reading/mine"],
)
@pytest.mark.parametrize("year", ["10000", "-4651", str(YEAR_MIN - 1), str(YEAR_MAX + 1), HUGE])
def test_a_year_out_of_range_is_refused(college, path, year):
    path = path.format(branch=college.branch.pk)
    response = api_as(college.user("admin")).get(path, {"year": year, "org": college.branch.pk})
    assert response.status_code == 422, response.content
    assert "year" in response.json()["errors"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), ("", 1), ("x", 1), ("0", 1), ("-3", 1), ("2", 2), (HUGE, MAX_OFFSET // 20 + 1)],
)
def test_page_number(raw, expected):
    assert page_number(raw, per_page=20) == expected


def test_last_page():
    assert [last_page(n, per_page=20) for n in (0, 1, 20, 21)] == [1, 1, 1, 2]


@pytest.mark.parametrize("number", ["99999999999999999999", "-1", "abc"])
def test_library_page_number_out_of_range_shows_a_page(client, college, number):
    client.force_login(college.user("member"))
    response = client.get("/library/", {"page": number})
    assert response.status_code == 200
    assert response.context["page_number"] == 1
