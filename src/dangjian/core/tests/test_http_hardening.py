"""HTTP hardening: the client address behind trusted proxies, Retry-After on 429, private caching, HSTS."""

import os
import runpy
from unittest import mock

import pytest
from conftest import PASSWORD
from django.conf import global_settings, settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

import dangjian.config.settings as settings_module
from dangjian.core.clientip import client_ip
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import ApiClient

PROXY = "10.0.0.5"


def meta(remote: str, forwarded: str | None = None, header: str = "HTTP_X_FORWARDED_FOR") -> object:
    extra = {header: forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no trusted proxy: the header is ignored
        ([PROXY], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from the proxy: ignored as well
        ([PROXY], PROXY, "198.51.100.1", "198.51.100.1"),
        ([PROXY], PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a spoofed hop on the left does not count
        (["10.0.0.0/8"], PROXY, "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # proxies in a chain are skipped
        ([PROXY], PROXY, None, PROXY),
        ([PROXY], PROXY, "not-an-address", PROXY),
        ([PROXY], PROXY, "198.51.100.1:5123", "198.51.100.1"),
        (["::1"], "::1", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_client_ip(proxies, remote, forwarded, expected):
    with override_settings(DANGJIAN_TRUSTED_PROXIES=proxies):
        assert client_ip(meta(remote, forwarded)) == expected


def test_client_ip_reads_the_configured_header():
    request = meta(PROXY, "198.51.100.1", header="HTTP_X_REAL_IP")
    with override_settings(DANGJIAN_TRUSTED_PROXIES=[PROXY], DANGJIAN_CLIENT_IP_HEADER="X-Real-IP"):
        assert client_ip(request) == "198.51.100.1"


def _fail_logins(username: str, address: str) -> int:
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": username, "password": "nope"})
    return response.status_code


@override_settings(DANGJIAN_TRUSTED_PROXIES=[PROXY])
def test_lock_out_behind_a_proxy_keys_on_account_and_real_address(college):
    assert _fail_logins("T100003", "198.51.100.1") == 429
    # The same account from another client behind the same proxy still logs in.
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    response = other.post(reverse("accounts:login"), {"username": "T100003", "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="api_token.create").first()
    assert event is None  # page logins issue no token
    api = ApiClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.3")
    api.post("/auth/token", {"username": "T100003", "password": PASSWORD})
    assert AuditEvent.objects.get(action="api_token.create").ip_address == "198.51.100.3"


def test_the_lock_out_page_says_when_to_retry(client, college):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "T100003", "password": "nope"})
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_the_api_lock_out_says_when_to_retry(college):
    api = ApiClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = api.post("/auth/token", {"username": "T100003", "password": "nope"})
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


@override_settings(AXES_COOLOFF_TIME=None)
def test_a_lock_only_an_administrator_lifts_has_no_retry_time(college):
    api = ApiClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = api.post("/auth/token", {"username": "T100003", "password": "nope"})
    assert response.status_code == 429
    assert not response.has_header("Retry-After")


def test_pages_for_a_logged_in_user_are_not_cached(client, college):
    client.force_login(college.user("member"))
    for url in (reverse("web:home"), reverse("members:member-detail", args=[college.member.pk])):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control
        assert "no-store" in cache_control
    reveal = client.post(reverse("members:member-reveal", args=[college.member.pk]))
    assert "max-age=0" in reveal["Cache-Control"]  # a view's own policy stays


def test_api_answers_to_a_token_are_not_cached(college):
    response = ApiClient(college.user("member")).get("/me")
    assert "no-store" in response["Cache-Control"]


def test_public_pages_and_static_files_keep_their_caching(client, college):
    assert not client.get("/api/v1/openapi.json").has_header("Cache-Control")
    client.force_login(college.user("member"))
    static = client.get(settings.STATIC_URL + "compliance/compliance.css")
    assert static.status_code == 200
    b"".join(static.streaming_content)  # read to the end, so the client closes the file
    assert "no-store" not in static.get("Cache-Control", "")


def _settings_with(env: dict[str, str]) -> list:
    """The settings module's values when read under `env` (and no other HSTS variable), in this process."""
    with mock.patch.dict(os.environ, env):
        for key in [key for key in os.environ if key.startswith("DANGJIAN_HSTS") and key not in env]:
            del os.environ[key]
        values = runpy.run_path(settings_module.__file__)
    return [
        values.get(name, getattr(global_settings, name, None))  # a setting left out keeps Django's default
        for name in (
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_PROXY_SSL_HEADER",
            "DANGJIAN_TRUSTED_PROXIES",
            "DANGJIAN_CLIENT_IP_HEADER",
        )
    ]


def test_hsts_is_off_by_default_and_set_from_the_environment():
    assert _settings_with({})[:4] == [0, False, False, None]
    assert _settings_with(
        {
            "DANGJIAN_HSTS_SECONDS": "31536000",
            "DANGJIAN_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "DANGJIAN_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16",
            "DANGJIAN_CLIENT_IP_HEADER": "X-Real-IP",
        }
    ) == [31536000, False, False, ("HTTP_X_FORWARDED_PROTO", "https"), ["10.0.0.5", "10.1.0.0/16"], "X-Real-IP"]
    assert _settings_with({"DANGJIAN_HSTS_INCLUDE_SUBDOMAINS": "true", "DANGJIAN_HSTS_PRELOAD": "true"})[1:3] == [
        True,
        True,
    ]


@override_settings(SECURE_HSTS_SECONDS=3600, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_hsts_is_sent_on_https_behind_the_proxy(client, db):
    response = client.get(reverse("accounts:login"), headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=3600"
