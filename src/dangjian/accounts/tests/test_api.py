import pytest
from axes.models import AccessAttempt
from conftest import PASSWORD
from django.conf import settings

from dangjian.accounts.models import ApiToken, Role
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import ApiClient, api_as


def token_for(username: str, password: str) -> tuple[int, dict]:
    response = ApiClient().post("/auth/token", {"username": username, "password": password})
    return response.status_code, response.json()


def test_token_login_gives_a_token_that_authenticates(college):
    status, body = token_for(college.user("branch").username, PASSWORD)
    assert status == 201
    assert body["token_type"] == "bearer"
    assert body["must_change_password"] is False
    assert ApiToken.objects.filter(user=college.user("branch")).count() == 1
    assert AuditEvent.objects.filter(action="api_token.create", actor=college.user("branch")).exists()

    me = ApiClient(headers={"Authorization": f"Bearer {body['token']}"}).get("/me")
    assert me.status_code == 200
    assert me.json()["account"]["username"] == college.user("branch").username


def test_token_login_tells_a_one_time_password_holder_to_change_it(college):
    user = college.user("member")
    user.must_change_password = True
    user.save()
    status, body = token_for(user.username, PASSWORD)
    assert status == 201
    assert body["must_change_password"] is True


@pytest.mark.parametrize(
    ("username", "password"), [("T100001", "wrong-password"), ("nobody", PASSWORD), ("T100001", "")]
)
def test_token_login_refuses_wrong_credentials(college, username, password):
    status, body = token_for(username, password)
    assert status == 401
    assert body["detail"]
    assert not ApiToken.objects.exists()


def test_token_login_refuses_an_inactive_account(college):
    user = college.user("branch")
    user.is_active = False
    user.save()
    status, _ = token_for(user.username, PASSWORD)
    assert status == 401
    assert not ApiToken.objects.exists()


def test_token_login_locks_out_after_repeated_failures(college):
    username = college.user("branch").username
    statuses = [token_for(username, "wrong-password")[0] for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    status, body = token_for(username, PASSWORD)  # the right password no longer helps
    assert status == 429
    assert "detail" in body
    assert not ApiToken.objects.exists()
    # Another account from the same address is not locked.
    assert token_for(college.user("member").username, PASSWORD)[0] == 201


def test_token_login_success_forgets_earlier_failures(college):
    username = college.user("branch").username
    for _ in range(2):
        token_for(username, "wrong-password")
    assert AccessAttempt.objects.filter(username=username).exists()
    assert token_for(username, PASSWORD)[0] == 201
    assert not AccessAttempt.objects.filter(username=username).exists()


def test_token_login_validates_the_body(college):
    response = ApiClient().post("/auth/token", {"username": "T100001"})
    assert response.status_code == 422
    assert "password" in response.json()["errors"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}])
def test_no_or_bad_credentials_get_401(college, headers):
    response = ApiClient(headers=headers).get("/me")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_expired_token_gets_401(college):
    client = api_as(college.user("branch"))
    ApiToken.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert client.get("/me").status_code == 401


def test_token_of_a_disabled_account_gets_401(college):
    client = api_as(college.user("branch"))
    college.user("branch").__class__.objects.filter(pk=college.user("branch").pk).update(is_active=False)
    assert client.get("/me").status_code == 401


def test_me_lists_account_member_roles_and_permissions(college):
    response = api_as(college.user("branch")).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["member"]["name"] == "李书记"
    assert [(r["role"], r["org"]["code"]) for r in body["roles"]] == [(Role.BRANCH_OFFICER, "B01")]
    permissions = {p["name"]: p for p in body["permissions"]}
    assert permissions["manage_members"]["org_ids"] == [college.branch.pk]
    assert permissions["manage_members"]["everywhere"] is False
    assert "manage_org" not in permissions
    assert "view_audit" not in permissions


def test_me_for_admin_and_plain_member(college):
    admin = api_as(college.user("admin")).get("/me").json()
    assert admin["member"] is None
    assert all(p["everywhere"] for p in admin["permissions"])
    member = api_as(college.user("member")).get("/me").json()
    assert member["member"]["name"] == "张三"
    assert member["roles"] == []
    assert member["permissions"] == []


def test_session_auth_works_and_checks_csrf_on_unsafe_methods(college):
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(college.user("branch"))
    assert client.get("/me").status_code == 200

    member_id = college.member.pk
    refused = client.post(f"/members/{member_id}/reveal")
    assert refused.status_code == 403
    assert refused.json()["detail"]
    assert not AuditEvent.objects.filter(action="member.reveal").exists()

    client.get("/docs")  # the docs page sets the CSRF cookie, for its "try it out" requests
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    allowed = client.post(f"/members/{member_id}/reveal", headers={"X-CSRFToken": token})
    assert allowed.status_code == 200


def test_unsafe_request_without_any_credentials_is_401_not_a_csrf_error(college):
    response = ApiClient(enforce_csrf_checks=True).post(f"/members/{college.member.pk}/reveal")
    assert response.status_code == 401


def test_password_change_through_the_api(college):
    user = college.user("member")
    user.must_change_password = True
    user.save()
    client = api_as(user)
    wrong = client.post("/auth/password", {"old_password": "nope", "new_password": "a-new-long-password-42"})
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()["errors"]

    done = client.post("/auth/password", {"old_password": PASSWORD, "new_password": "a-new-long-password-42"})
    assert done.status_code == 200
    assert done.json()["must_change_password"] is False
    user.refresh_from_db()
    assert user.check_password("a-new-long-password-42")


def test_a_one_time_password_opens_only_the_password_change(college, client):
    user = college.user("member")
    user.must_change_password = True
    user.save()
    api = api_as(user)
    refused = api.get("/members")
    assert refused.status_code == 403
    assert "一次性密码" in refused.json()["detail"]
    assert api.get("/me").status_code == 200
    # A session logged in on the pages is held to the same rule.
    client.force_login(user)
    assert client.get("/api/v1/members").status_code == 403

    assert (
        api.post("/auth/password", {"old_password": PASSWORD, "new_password": "a-new-long-password-42"}).status_code
        == 200
    )
    assert api.get("/members").status_code == 200
