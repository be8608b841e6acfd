"""The audit page shows the audit log's tamper evidence; an administrator can have it verified now."""

import datetime

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from dangjian.core.auditchain.chain import audit_seal, audit_verify
from dangjian.core.models import AuditEvent, AuditVerification


def test_before_any_verification_the_page_says_so(client, college):
    client.force_login(college.user("auditor"))
    response = client.get(reverse("accounts:audit-list"))
    content = response.content.decode()
    assert 'id="audit-chain"' in content
    assert "审计日志尚未校验过" in content
    assert reverse("accounts:audit-verify") not in content  # the auditor cannot start one


def test_an_administrator_verifies_now_and_sees_the_result(client, college):
    audit_seal()
    client.force_login(college.user("admin"))
    assert reverse("accounts:audit-verify") in client.get(reverse("accounts:audit-list")).content.decode()
    response = client.post(reverse("accounts:audit-verify"))
    assert response.status_code == 302
    # The tests' task backend runs the queued verification at once.
    verification = AuditVerification.objects.get()
    assert (verification.trigger, verification.ok) == ("page", True)
    assert AuditEvent.objects.filter(action="audit_log.verify", actor=college.user("admin")).exists()
    content = client.get(reverse("accounts:audit-list")).content.decode()
    assert "未发现改动或删除" in content


def test_findings_are_listed_for_administrators_and_counted_for_auditors(client, college):
    event = AuditEvent.objects.order_by("pk").first()
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), object_repr="改过的")
    client.force_login(college.user("admin"))
    client.post(reverse("accounts:audit-verify"))
    content = client.get(reverse("accounts:audit-list")).content.decode()
    assert "alert-danger" in content
    assert f"事件 #{event.pk}" in content
    client.force_login(college.user("auditor"))
    content = client.get(reverse("accounts:audit-list")).content.decode()
    assert "alert-danger" in content
    assert f"事件 #{event.pk}" not in content  # the whole log's findings are not scoped to the auditor's subtree


@pytest.mark.parametrize("role", ["auditor", "committee", "member"])
def test_only_administrators_may_start_a_verification(client, college, role):
    client.force_login(college.user(role))
    assert client.post(reverse("accounts:audit-verify")).status_code == 404
    assert not AuditVerification.objects.exists()


def test_a_verification_cannot_be_started_with_get(client, college):
    client.force_login(college.user("admin"))
    assert client.get(reverse("accounts:audit-verify")).status_code == 405


def test_a_partial_verification_does_not_hide_what_the_whole_one_found(client, college):
    event = AuditEvent.objects.order_by("pk").first()
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), object_repr="改过的")
    audit_verify()
    assert audit_verify(since=timezone.localdate() + datetime.timedelta(days=1)).ok
    client.force_login(college.user("admin"))
    assert "alert-danger" in client.get(reverse("accounts:audit-list")).content.decode()
