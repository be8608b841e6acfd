import pytest
from conftest import PASSWORD
from django.conf import settings
from django.urls import reverse

from dangjian.core.models import AuditEvent

NEW_PASSWORD = "a-much-better-passphrase-42"


def test_login_page_renders(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_login_by_number_and_password(client, college):
    response = client.post(reverse("accounts:login"), {"username": "T100003", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert client.get(reverse("web:home")).context["user"] == college.user("member")


def test_wrong_password_shows_the_form_again(client, college):
    response = client.post(reverse("accounts:login"), {"username": "T100003", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not response.context["user"].is_authenticated


def test_lock_out_after_repeated_failures_says_how_long(client, college):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "T100003", "password": "nope"})
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert response.context["minutes"] == 15
    # Even the right password is refused while locked.
    response = client.post(reverse("accounts:login"), {"username": "T100003", "password": PASSWORD})
    assert response.status_code == 429
    assert not client.get(reverse("web:home")).wsgi_request.user.is_authenticated


def test_logout_is_post_only(client, college):
    client.force_login(college.user("member"))
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


@pytest.fixture
def must_change(college):
    user = college.user("member")
    user.must_change_password = True
    user.save()
    return user


def test_forced_password_change_redirects_everything(client, must_change):
    client.force_login(must_change)
    response = client.get(reverse("members:member-list"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-change")
    assert client.get(reverse("accounts:password-change")).status_code == 200
    # What the page fetches after load (the to-do count) gets nothing to swap in, not the whole change page.
    fragment = client.get(reverse("notices:inbox-count"), headers={"HX-Request": "true"})
    assert fragment.status_code == 204
    assert fragment.content == b""


def test_password_change_errors_re_render_and_change_nothing(client, must_change):
    client.force_login(must_change)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    must_change.refresh_from_db()
    assert must_change.must_change_password
    assert must_change.check_password(PASSWORD)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password": "12345", "new_password_again": "12345"},
    )
    assert response.context["form"].errors["new_password"]
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "x"},
    )
    assert response.context["form"].errors["new_password_again"]
    must_change.refresh_from_db()
    assert must_change.check_password(PASSWORD)


def test_password_change_succeeds_and_keeps_the_session(client, must_change):
    client.force_login(must_change)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    must_change.refresh_from_db()
    assert not must_change.must_change_password
    assert must_change.check_password(NEW_PASSWORD)
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("auditor", 200), ("committee", 404), ("branch", 404), ("member", 404)],
)
def test_audit_log_access(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("accounts:audit-list")).status_code == status


def test_audit_log_anonymous_goes_to_login(client, college):
    response = client.get(reverse("accounts:audit-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_audit_log_filters(client, college):
    client.force_login(college.user("auditor"))
    everything = client.get(reverse("accounts:audit-list")).context["page_obj"]
    assert everything.paginator.count > 0
    appointed = client.get(reverse("accounts:audit-list"), {"action": "officer.appoint"}).context["page_obj"]
    assert appointed.paginator.count == 4
    assert {e.action for e in appointed} == {"officer.appoint"}
    prefix = client.get(reverse("accounts:audit-list"), {"action": "member."}).context["page_obj"]
    assert {e.action for e in prefix} == {"member.create"}
    by_text = client.get(reverse("accounts:audit-list"), {"q": "张三", "action": "member."}).context["page_obj"]
    assert [e.object_repr for e in by_text] == ["张三"]
    future = client.get(reverse("accounts:audit-list"), {"date_from": "2999-01-01"}).context["page_obj"]
    assert future.paginator.count == 0
    # A bad date is ignored; the other filters still apply.
    bad = client.get(reverse("accounts:audit-list"), {"date_from": "soon", "action": "officer.appoint"})
    assert bad.status_code == 200
    assert bad.context["page_obj"].paginator.count == 4


def test_auditor_sees_only_their_subtree(client, college):
    AuditEvent.objects.create(action="org.update", object_repr="elsewhere", org_path="999999/")
    client.force_login(college.user("auditor"))
    page = client.get(reverse("accounts:audit-list"), {"q": "elsewhere"}).context["page_obj"]
    assert page.paginator.count == 0


def test_audit_log_htmx_returns_only_the_results(client, college):
    client.force_login(college.user("admin"))
    response = client.get(
        reverse("accounts:audit-list"),
        {"action": "officer."},
        headers={"HX-Request": "true", "HX-Target": "audit-results"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="audit-results">')
    assert "<html" not in content
    assert "<form" not in content
    assert "HX-Request" in response["Vary"]


def test_audit_log_exports_every_filtered_event_and_records_the_export(client, college):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(college.user("auditor"))
    listing = client.get(reverse("accounts:audit-list"), {"action": "officer.appoint"})
    export_url = reverse("accounts:audit-export") + "?action=officer.appoint"
    assert export_url in listing.content.decode()
    response = client.get(export_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["时间", "操作人", "操作", "操作代码"]
    assert len(sheet) == 1 + listing.context["page_obj"].paginator.count
    assert {row[3] for row in sheet[1:]} == {"officer.appoint"}
    event = AuditEvent.objects.get(action="audit_log.export")
    assert (event.actor, event.changes["count"], event.changes["action"]) == (
        college.user("auditor"),
        4,
        "officer.appoint",
    )


def test_audit_log_export_too_large_is_refused_with_a_message(client, college, monkeypatch):
    from dangjian.accounts import services

    monkeypatch.setattr(services, "MAX_EVENTS", 3)
    client.force_login(college.user("auditor"))
    response = client.get(reverse("accounts:audit-export"), {"action": "officer.appoint"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("accounts:audit-list") + "?action=officer.appoint"
    assert any("3" in str(m) for m in response.context["messages"])
    assert not AuditEvent.objects.filter(action="audit_log.export").exists()
    client.force_login(college.user("member"))
    assert client.get(reverse("accounts:audit-export")).status_code == 404
