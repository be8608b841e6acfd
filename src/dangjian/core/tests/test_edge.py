"""The API's edge: paging and years checked before any query, one shape for field errors, the
shared error declarations."""

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy

from dangjian.core.errors import DomainError
from dangjian.core.tests.apiclient import API, api_as
from dangjian.core.years import YEAR_MAX, YEAR_MIN
from dangjian.edge.paging import MAX_OFFSET, last_page, page_number
from dangjian.edge.schemas import ErrorOut, responses

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


# --- errors outside the API's handlers, read-only data, over-long file names ----------------------


def test_an_unknown_api_path_answers_the_json_error_body(college):
    response = api_as(college.user("member")).get("/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_an_unknown_page_still_answers_the_404_page(client, college):
    client.force_login(college.user("member"))
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_an_api_crash_answers_the_json_error_body(college, monkeypatch):
    from dangjian.notices import api as notices_api

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(notices_api.selectors, "notice_list", crash)
    client = api_as(college.user("member"))
    client.raise_request_exception = False
    response = client.get("/notices/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "服务器出错，已记录在日志中，请稍后再试。"


def test_a_write_on_a_read_only_database_answers_503_and_reads_work(college, monkeypatch):
    from django.db import OperationalError

    from dangjian.accounts import services as account_services
    from dangjian.notices import api as notices_api

    client = api_as(college.user("member"))

    def read_only(*args, **kwargs):
        raise OperationalError("attempt to write a readonly database")

    # The token's last-use stamp is the write every API request may make: it must not stop reads.
    monkeypatch.setattr(account_services, "_stamp_last_use", read_only)
    monkeypatch.setattr(notices_api.services, "notice_mark_read", read_only)
    assert client.get("/me").status_code == 200
    response = client.post("/notices/read")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("数据目录暂时无法写入")


def test_a_read_only_data_folder_is_told_in_chinese(tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    from dangjian.core.datadir import DataDirError, check_writable
    from dangjian.core.env import secret_key

    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "write_text", refuse)
    monkeypatch.delenv("DANGJIAN_SECRET_KEY", raising=False)
    with pytest.raises(DataDirError, match="数据目录无法写入.*Read-only file system.*DANGJIAN_DATA_DIR"):
        check_writable(tmp_path)
    with pytest.raises(DataDirError, match="数据目录无法写入"):
        secret_key(tmp_path)


def test_the_data_folder_system_check_names_the_problem(settings, tmp_path, monkeypatch):
    from dangjian.core import datadir

    def refuse(path):
        raise datadir.DataDirError("数据目录无法写入：x")

    monkeypatch.setattr(datadir, "check_writable", refuse)
    [error] = datadir.data_dir_check()
    assert error.id == "dangjian.E001"
    assert "数据目录无法写入" in error.msg


def test_sqlite_opens_a_read_only_folder_for_reading(tmp_path):
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper as Stock

    from dangjian.core.sqlite.base import DatabaseWrapper

    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x INTEGER)")
        setup.execute("INSERT INTO t VALUES (1)")
    setup.close()
    settings_dict = {
        "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
        **{k: None for k in ("USER", "PASSWORD", "HOST", "PORT")},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
    real_connect = sqlite3.connect

    def fail_unless_read_only(database, *args, **kwargs):
        if "mode=ro" not in str(database):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)

    wrapper = DatabaseWrapper(settings_dict)
    params = wrapper.get_connection_params()
    import unittest.mock

    with (
        unittest.mock.patch("dangjian.core.sqlite.base.base.Database.connect", fail_unless_read_only),
        unittest.mock.patch("dangjian.core.sqlite.base.os.access", return_value=False),
    ):
        conn = wrapper.get_new_connection(params)
        assert conn.execute("SELECT x FROM t").fetchone() == (1,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO t VALUES (2)")
        conn.close()
        with pytest.raises(sqlite3.OperationalError):
            Stock(settings_dict).get_new_connection(params)


def test_an_over_long_upload_name_is_shortened_to_fit_the_file_system(college):
    from dangjian.core.storage import MAX_NAME_BYTES, shorten_name

    name = shorten_name("𠀀" * 200 + ".txt")
    assert name.endswith(".txt")
    assert len(name.encode()) <= MAX_NAME_BYTES
    client = api_as(college.user("committee"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("𠀀" * 200 + ".txt", "一份足够长的学习材料正文。".encode() * 3, "text/plain")
    response = client.post_form(
        "/library/materials",
        {"org": college.committee.pk, "title": "长文件名", "area": "theory", "audience": "all", "file": upload},
    )
    assert response.status_code == 201, response.content


# --- the spec matches the answers -----------------------------------------------------------------


def test_start_time_is_declared_and_answered_without_a_time_zone(college):
    import re

    openapi = Client().get(f"{API}/openapi.json").json()
    declared = openapi["components"]["schemas"]["EffectiveOut"]["properties"]["start_time"]
    assert "format" not in declared
    client = api_as(college.user("admin"))
    answer = client.get(f"/study/orgs/{college.branch.pk}/settings").json()
    assert re.fullmatch(declared["pattern"], answer["effective"]["start_time"])
    refused = client.put(f"/study/orgs/{college.branch.pk}/settings", {"start_time": "00:00:00Z"})
    assert refused.status_code == 422
    assert "start_time" in refused.json()["errors"]
    taken = client.put(f"/study/orgs/{college.branch.pk}/settings", {"start_time": "15:00"})
    assert taken.status_code == 200
    assert taken.json()["own"]["start_time"] == "15:00:00"


@pytest.mark.parametrize("value", ["0", "20260101", "1.5"])
def test_a_date_filter_takes_only_a_calendar_date(college, value):
    response = api_as(college.user("member")).get("/library/materials", {"published_to": value})
    assert response.status_code == 422
    assert "published_to" in response.json()["errors"]


def test_a_date_in_a_body_is_not_read_as_seconds(college):
    response = api_as(college.user("admin")).post("/study/semesters", {"name": "x", "starts_on": 0, "ends_on": 0})
    assert response.status_code == 422
    assert {"starts_on", "ends_on"} <= set(response.json()["errors"])


def test_text_that_is_not_unicode_is_refused_as_an_unreadable_body(college):
    client = api_as(college.user("admin"))
    body = b'{"name": "\\ud800"}'
    response = client.generic("PATCH", f"{API}/orgs/{college.branch.pk}", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_number_too_large_for_the_database_is_refused(college):
    client = api_as(college.user("admin"))
    response = client.patch(f"/orgs/{college.branch.pk}", {"sort_order": 495173839825807933440})
    assert response.status_code == 422
    assert response.json()["detail"] == "请求中的数字超出范围。"


def test_null_in_a_material_patch_leaves_the_field_as_it_is(college):
    client = api_as(college.user("committee"))
    created = client.post(
        "/library/videos",
        {
            "org": college.committee.pk,
            "title": "专题片",
            "video_url": "https://example.org/v/1",
            "duration_minutes": 30,
            "area": "theory",
            "published_on": "2026-01-05",
        },
    )
    assert created.status_code == 201, created.content
    material = created.json()["id"]
    response = client.patch(
        f"/library/materials/{material}",
        {"title": None, "duration_minutes": None, "area": None, "tags": None, "published_on": None},
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "专题片"
    assert response.json()["duration_minutes"] == 30
    assert response.json()["published_on"] is None


def test_a_method_the_api_path_does_not_take_answers_the_json_error_body(college):
    response = api_as(college.user("member")).delete("/me")
    assert response.status_code == 405
    assert response.json()["detail"] == "此处不支持该请求方法。"
    assert "GET" in response["Allow"]


def test_a_multipart_body_without_its_boundary_answers_400_as_json(college):
    client = api_as(college.user("member"))
    response = client.generic(
        "POST", "/api/v1/care/needs/1/attachments", data=b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "无法读取该请求。"}


def _message_request():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_button_action_shows_its_success_or_the_refusal_and_lets_404_through():
    from dangjian.core.errors import NotFound
    from dangjian.edge.http import act

    request = _message_request()
    assert act(request, lambda: None, success="已确认。")

    def refused():
        raise DomainError("该月已交纳。")

    assert not act(request, refused, success="已确认。")
    assert [(m.level_tag, str(m)) for m in request._messages] == [("success", "已确认。"), ("error", "该月已交纳。")]

    def missing():
        raise NotFound("x")

    with pytest.raises(NotFound):
        act(request, missing, success="已确认。")
