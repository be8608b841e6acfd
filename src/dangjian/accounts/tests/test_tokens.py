"""Tokens: revoked with the password and on disabling, listed and revoked by their holder, purged nightly."""

import datetime

import pytest
from conftest import PASSWORD
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import selectors, services
from dangjian.accounts.models import ApiToken, TokenPurpose
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import ApiClient
from dangjian.ops.daily import DAILY_JOBS

NEW_PASSWORD = "a-New-passw0rd-for-tests"  # noqa: S105


def bearer(key: str) -> ApiClient:
    return ApiClient(headers={"Authorization": f"Bearer {key}"})


def test_a_token_request_leaves_no_session_behind(college):
    response = ApiClient().post("/auth/token", {"username": college.user("branch").username, "password": PASSWORD})
    assert response.status_code == 201
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies


def test_a_token_request_keeps_an_existing_session(client, college):
    client.force_login(college.user("branch"))
    response = client.post(
        "/api/v1/auth/token",
        {"username": college.user("branch").username, "password": PASSWORD, "name": "脚本"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get(reverse("web:home")).status_code == 200  # still logged in
    assert ApiToken.objects.get().name == "脚本"


def test_changing_the_password_revokes_every_other_token(college):
    user = college.user("branch")
    _token, key = services.api_token_create(actor=user)
    _other, other_key = services.api_token_create(actor=user)
    _third, third_key = services.api_token_create(actor=user)
    assert bearer(other_key).get("/me").status_code == 200
    response = bearer(key).post("/auth/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200
    assert bearer(key).get("/me").status_code == 200  # the one in use goes on
    assert bearer(other_key).get("/me").status_code == 401
    assert bearer(third_key).get("/me").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke_all")
    assert event.changes == {"count": 2, "reason": "password_change"}


def test_changing_the_password_in_a_session_revokes_every_token(client, college):
    user = college.user("branch")
    _token, key = services.api_token_create(actor=user)
    client.force_login(user)
    response = client.post(
        "/api/v1/auth/password",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert bearer(key).get("/me").status_code == 401


def test_the_password_page_revokes_every_token(client, college):
    user = college.user("member")
    services.api_token_create(actor=user)
    client.force_login(user)
    data = {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    assert client.post(reverse("accounts:password-change"), data).status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_one_time_password_revokes_every_token(college):
    user = college.user("member")
    _token, key = services.api_token_create(actor=user)
    services.password_reset(actor=college.user("branch"), user=user, org_path=college.group.path)
    assert bearer(key).get("/me").status_code == 401
    assert AuditEvent.objects.get(action="api_token.revoke_all").actor == college.user("branch")


def test_disabling_an_account_revokes_its_tokens(college):
    user = college.user("member")
    token, _key = services.api_token_create(actor=user)
    services.user_deactivate(actor=college.user("branch"), user=user, org_path=college.group.path)
    user.refresh_from_db()
    assert user.is_active is False
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEvent.objects.filter(action="account.deactivate", object_id=str(user.pk)).exists()


def test_disabling_follows_the_password_reset_rule(college):
    member = college.user("member")
    with pytest.raises(Forbidden):
        services.user_deactivate(actor=college.user("other_branch"), user=member, org_path=college.group.path)
    with pytest.raises(Forbidden):  # the committee secretary holds roles a branch secretary cannot confer
        services.user_deactivate(
            actor=college.user("branch"), user=college.user("committee"), org_path=college.branch.path
        )
    with pytest.raises(DomainError):
        services.user_deactivate(
            actor=college.user("branch"), user=college.user("branch"), org_path=college.branch.path
        )
    member.refresh_from_db()
    assert member.is_active


def test_the_holder_lists_their_tokens_without_the_secret(college):
    user = college.user("branch")
    _token, key = services.api_token_create(actor=user, name="统计脚本")
    services.api_token_create(actor=college.user("member"))
    response = bearer(key).get("/auth/tokens")
    assert response.status_code == 200
    assert [(item["name"], item["prefix"], item["purpose"]) for item in response.json()] == [
        ("统计脚本", key[:6], "api")
    ]
    assert key not in response.content.decode()
    assert set(response.json()[0]) == {"id", "name", "prefix", "purpose", "created_at", "last_used_at", "expires_at"}


def test_the_holder_revokes_a_token_and_only_their_own(college):
    user = college.user("branch")
    token, key = services.api_token_create(actor=user)
    other, _other_key = services.api_token_create(actor=college.user("member"))
    _spare, spare_key = services.api_token_create(actor=user)
    assert bearer(key).delete(f"/auth/tokens/{other.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()
    assert bearer(spare_key).delete(f"/auth/tokens/{token.pk}").status_code == 204
    assert bearer(key).get("/me").status_code == 401
    assert bearer(spare_key).get("/me").status_code == 200
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.actor, event.changes["token"], event.changes["prefix"]) == (user, token.pk, key[:6])


def test_the_password_page_lists_and_revokes_tokens(client, college):
    user = college.user("member")
    token, key = services.api_token_create(actor=user, name="日历")
    client.force_login(user)
    page = client.get(reverse("accounts:password-change")).content.decode()
    assert "日历" in page
    assert key[:6] in page
    assert key not in page
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=user).exists()


def test_a_token_opens_only_its_own_purpose(college):
    _token, key = services.api_token_create(actor=college.user("member"))
    assert services.token_user(key, purpose=TokenPurpose.API) == college.user("member")
    assert services.token_user(key, purpose="calendar") is None


def test_the_nightly_purge_removes_expired_tokens_and_sessions(college):
    live, _ = services.api_token_create(actor=college.user("branch"))
    expired, _ = services.api_token_create(actor=college.user("branch"))
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    disabled, _ = services.api_token_create(actor=college.user("member"))
    college.user("member").__class__.objects.filter(pk=college.user("member").pk).update(is_active=False)
    old_session, new_session = SessionStore(), SessionStore()
    old_session.create()
    new_session.create()
    Session.objects.filter(session_key=old_session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )

    assert services.tokens_purge(today=timezone.localdate()) == services.PurgeSummary(tokens=2, sessions=1)
    assert list(ApiToken.objects.all()) == [live]
    assert list(Session.objects.values_list("session_key", flat=True)) == [new_session.session_key]
    assert AuditEvent.objects.get(action="api_token.purge").changes == {"tokens": 2, "sessions": 1}

    assert services.tokens_purge(today=timezone.localdate()) == services.PurgeSummary(tokens=0, sessions=0)
    assert AuditEvent.objects.filter(action="api_token.purge").count() == 1  # nothing removed, nothing recorded
    assert ("accounts.tokens_purge", "dangjian.accounts.services.tokens_purge") in DAILY_JOBS


def test_the_token_list_leaves_out_expired_ones(college):
    user = college.user("branch")
    token, _ = services.api_token_create(actor=user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert not selectors.token_list(actor=user).exists()
