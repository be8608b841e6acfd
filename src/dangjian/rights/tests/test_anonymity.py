"""Anonymity is real: after an anonymous opinion, no row anywhere leads back to its writer.

The opinion is sent through the page and through the API, as a member would, so that the request's
origin (address, user agent) is set by the middleware exactly as in production; then every row that
the request added or changed, in every table, is searched for the writer and for that origin.
"""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.auditchain import hashing
from dangjian.core.auditchain.chain import audit_seal
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import ApiClient
from dangjian.rights import rules
from dangjian.rights.models import Opinion

ORIGIN_IP = "203.0.113.77"
ORIGIN_AGENT = "Mozilla/5.0 (iPhone; 张三的手机) Mobile Safari"


def snapshot() -> dict[str, dict]:
    """Every row of every table, as plain values, keyed by model and primary key."""
    rows = {}
    for model in apps.get_models():
        for row in model.objects.all().values():
            rows[f"{model._meta.label}:{row[model._meta.pk.attname]}"] = row
    return rows


def new_or_changed(before: dict, after: dict) -> dict[str, dict]:
    return {key: row for key, row in after.items() if before.get(key) != row}


def traces_of(member) -> list[str]:
    user = member.user
    return [member.name, user.username, user.display_name, member.number, ORIGIN_IP, ORIGIN_AGENT, "张三的手机"]


def assert_no_trace(rows: dict[str, dict], member, allowed: set[str] = frozenset()):
    """No added or changed row names the writer, their account or member id in a link, or the request's origin."""
    texts = [t for t in traces_of(member) if t]
    member_links = {
        (model._meta.label, f.attname)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model._meta.label in ("members.Member", "accounts.User")
    }
    for key, row in rows.items():
        if key.split(":")[0] in allowed:
            continue
        label = key.split(":")[0]
        for column, value in row.items():
            if (label, column) in member_links:
                assert value not in (member.pk, member.user.pk), f"{key}.{column} points at the writer"
            for text in texts:
                assert text not in str(value), f"{key}.{column} holds {text!r}"


@pytest.fixture
def writer_client(college) -> Client:
    client = Client(REMOTE_ADDR=ORIGIN_IP, HTTP_USER_AGENT=ORIGIN_AGENT)
    client.force_login(college.member.user)
    return client


def test_an_anonymous_opinion_through_the_page_leaves_no_trace_of_its_writer(college, writer_client):
    url = reverse("rights:opinion-create")
    before = snapshot()
    response = writer_client.post(
        url,
        {
            "kind": "criticism",
            "title": "支部会议走过场",
            "body": "近三个月的支部会议只念文件，没有讨论。",
            "anonymous": "on",
        },
    )
    assert response.status_code == 200
    after = snapshot()
    changed = new_or_changed(before, after)

    opinion = Opinion.objects.get()
    assert opinion.author is None
    assert opinion.org == college.committee
    assert isinstance(opinion.submitted_on, datetime.date)
    assert not any(isinstance(f, models.DateTimeField) and getattr(opinion, f.attname) for f in Opinion._meta.fields)

    # The audit row: no actor, no name, no address, no user agent.
    event = AuditEvent.objects.get(action="opinion.create")
    assert (event.actor_id, event.actor_name, event.ip_address, event.user_agent) == (None, "", None, "")
    assert event.changes == {"kind": "criticism", "org": college.committee.pk, "anonymous": True}

    # Its content hash covers what the row shows and nothing else (core.auditchain) ...
    assert event.content_hash == hashing.event_hash(**{name: getattr(event, name) for name in hashing.HASHED_FIELDS})
    # Nothing else added or changed in the request (the session, a notice, a message) leads back either.
    assert_no_trace(changed, college.member)
    # ... and sealing the day writes nothing that leads back to the writer.
    before_seal = snapshot()
    audit_seal(now=timezone.now() + datetime.timedelta(days=1, hours=2))
    sealed = new_or_changed(before_seal, snapshot())
    assert {key.split(":")[0] for key in sealed} == {"core.AuditSeal"}
    assert_no_trace(sealed, college.member)
    # The code was shown once, and is stored nowhere in the clear.
    code = response.context["code"]
    assert code in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert opinion.follow_up_hash == rules.code_hash(code)
    for row in after.values():
        assert all(code not in str(v) and rules.normalise_code(code) not in str(v) for v in row.values())


def test_an_anonymous_opinion_through_the_api_leaves_no_trace_either(college):
    client = ApiClient(college.member.user, REMOTE_ADDR=ORIGIN_IP, HTTP_USER_AGENT=ORIGIN_AGENT)
    client.get("/rights/")  # the token's first use is recorded now, not at the moment of sending
    before = snapshot()
    response = client.post(
        "/rights/opinions",
        {"kind": "suggestion", "target": "committee", "title": "建议", "body": "建议增加实践教学。", "anonymous": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["anonymous"] is True
    assert body["author"] is None
    assert body["follow_up_code"]
    changed = new_or_changed(before, snapshot())
    assert_no_trace(changed, college.member)
    event = AuditEvent.objects.get(action="opinion.create")
    assert (event.actor_id, event.ip_address, event.user_agent) == (None, None, "")


def test_a_named_opinion_is_audited_with_its_author_and_origin(college, writer_client):
    writer_client.post(
        reverse("rights:opinion-create"), {"kind": "suggestion", "target": "branch", "title": "建议", "body": "内容"}
    )
    event = AuditEvent.objects.get(action="opinion.create")
    assert (event.actor_id, event.ip_address) == (college.member.user.pk, ORIGIN_IP)


def test_the_origin_is_restored_after_an_anonymous_opinion(college, writer_client):
    """Later events of the same request (or thread) keep their origin: the reset is not left behind."""
    from dangjian.core import audit

    token = audit.set_origin(audit.RequestOrigin(ip_address=ORIGIN_IP, user_agent=ORIGIN_AGENT))
    try:
        from dangjian.rights.services import opinion_create

        opinion_create(actor=college.member.user, kind="suggestion", title="匿名", body="内容", anonymous=True)
        event = audit.record(actor=college.member.user, action="test.after")
        assert event.ip_address == ORIGIN_IP
    finally:
        audit.reset_origin(token)


def test_anonymous_opinions_do_not_show_in_the_writers_own_list(college, writer_client):
    writer_client.post(
        reverse("rights:opinion-create"),
        {"kind": "suggestion", "target": "branch", "title": "匿名建议", "body": "内容", "anonymous": "on"},
    )
    page = writer_client.get(reverse("rights:mine")).content.decode()
    assert "匿名建议" not in page
