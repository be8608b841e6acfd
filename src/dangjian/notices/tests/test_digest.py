"""The daily e-mail digest: off by default, set by the person, sent once a day with their to-dos and unread
notices, and never when e-mail is not configured or nothing waits."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import DomainError
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.notices.inbox import ToDo, register_todo_source, unregister_todo_source
from dangjian.notices.models import DigestPreference
from dangjian.notices.services import digest_preference_set, digest_send, notice_send
from dangjian.ops.daily import DAILY_JOBS

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def email_on(settings):
    settings.DANGJIAN_EMAIL_ENABLED = True
    settings.DANGJIAN_SITE_URL = "https://dangjian.example.edu.cn"
    return settings


@pytest.fixture
def a_todo():
    """A to-do for every person, from a source of the test's own."""

    def source(actor, today):
        return [
            ToDo(
                kind="test.review",
                title="审批张三的请假",
                url="/study/reviews/",
                due=today - datetime.timedelta(days=1),
                overdue=True,
                app="学习",
                icon="checklist",
                where="哲学系教工党支部",
            )
        ]

    register_todo_source("test.review", source)
    yield
    unregister_todo_source("test.review")


def turn_on(user, email="zhangsan@example.edu.cn"):
    return digest_preference_set(actor=user, enabled=True, email=email)


def test_the_digest_is_off_by_default(college, email_on, a_todo):
    notice_send(recipients=[college.member.user], title="诉求已答复")
    assert digest_send(today=TODAY).sent == 0
    assert mail.outbox == []


def test_the_digest_lists_todos_and_unread_notices_in_chinese_once_a_day(college, email_on, a_todo):
    user = college.member.user
    turn_on(user)
    notice_send(recipients=[user], title="您的诉求已答复", url="/care/needs/1/")
    read = notice_send(recipients=[user], title="已读的消息")[0]
    read.read_at = timezone.now()
    read.save()
    result = digest_send(today=TODAY)
    assert result.sent == 1
    [message] = mail.outbox
    assert message.to == ["zhangsan@example.edu.cn"]
    assert "1项待办" in message.subject
    assert "1条未读消息" in message.subject
    assert "审批张三的请假" in message.body
    assert "https://dangjian.example.edu.cn/study/reviews/" in message.body
    assert "您的诉求已答复" in message.body
    assert "https://dangjian.example.edu.cn/care/needs/1/" in message.body
    assert "已读的消息" not in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "审批张三的请假" in html
    assert 'href="https://dangjian.example.edu.cn/study/reviews/"' in html
    assert digest_send(today=TODAY).sent == 0  # once a day
    assert len(mail.outbox) == 1
    assert digest_send(today=TODAY + datetime.timedelta(days=1)).sent == 1


def test_nothing_is_sent_when_nothing_waits(college, email_on):
    turn_on(college.secretary.user, "li@example.edu.cn")
    DigestPreference.objects.update(last_sent_on=None)
    result = digest_send(today=TODAY)
    assert (result.sent, result.empty) == (0, 1)
    assert mail.outbox == []


def test_nothing_is_sent_when_email_is_not_configured(college, settings, a_todo):
    settings.DANGJIAN_EMAIL_ENABLED = False
    turn_on(college.member.user)
    result = digest_send(today=TODAY)
    assert not result.configured
    assert mail.outbox == []
    assert DigestPreference.objects.get().last_sent_on is None


def test_a_failed_mail_goes_out_with_the_next_run(college, email_on, a_todo, monkeypatch):
    turn_on(college.member.user)

    def broken(self, fail_silently=False):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert digest_send(today=TODAY).failed == 1
    assert DigestPreference.objects.get().last_sent_on is None
    monkeypatch.undo()
    assert digest_send(today=TODAY).sent == 1


def test_the_preference_is_validated_and_audited_with_the_address_masked(college):
    user = college.member.user
    with pytest.raises(DomainError) as caught:
        digest_preference_set(actor=user, enabled=True, email="")
    assert caught.value.field == "email"
    with pytest.raises(DomainError):
        digest_preference_set(actor=user, enabled=True, email="not an address")
    assert not DigestPreference.objects.exists()
    turn_on(user)
    event = AuditEvent.objects.get(action="digest.update")
    assert event.changes["enabled"] == [False, True]
    assert event.changes["email"] == ["", "z***@example.edu.cn"]
    assert "zhangsan" not in str(event.changes)
    assert event.org_path == college.group.path
    turn_on(user)  # the same again: nothing to record
    assert AuditEvent.objects.filter(action="digest.update").count() == 1
    digest_preference_set(actor=user, enabled=False, email="zhangsan@example.edu.cn")
    assert not DigestPreference.objects.get().enabled


def test_the_notices_page_sets_the_preference(college):
    from django.test import Client

    client = Client()
    client.force_login(college.member.user)
    page = client.get(reverse("notices:list"))
    assert page.status_code == 200
    assert 'action="/notices/digest/"' in page.content.decode()
    bad = client.post(reverse("notices:digest"), {"enabled": "on", "email": ""})
    assert bad.status_code == 400
    assert "邮件" in bad.content.decode() or "地址" in bad.content.decode()
    assert not DigestPreference.objects.exists()
    good = client.post(reverse("notices:digest"), {"enabled": "on", "email": "zhangsan@example.edu.cn"})
    assert good.status_code == 302
    assert DigestPreference.objects.get(user=college.member.user).enabled


def test_the_digest_api(college):
    api = api_as(college.member.user)
    assert api.get("/notices/digest").json()["enabled"] is False
    assert api.put("/notices/digest", {"enabled": True}).status_code == 400
    got = api.put("/notices/digest", {"enabled": True, "email": "zhangsan@example.edu.cn"})
    assert got.status_code == 200
    assert got.json()["enabled"] is True
    assert api_as(college.secretary.user).get("/notices/digest").json()["enabled"] is False


def test_the_daily_job_is_listed_last():
    assert DAILY_JOBS[-1] == ("notices.digest_send", "dangjian.notices.services.digest_send")
