"""Every action the code records has a name in the audit log, and the log shows names, not codes."""

import re
from pathlib import Path

from django.urls import reverse

from dangjian.accounts import audit_actions
from dangjian.accounts.models import TokenPurpose
from dangjian.accounts.services import _token_action
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from tests.browser.crawl import english_words

SRC = Path(__file__).resolve().parent.parent / "src" / "dangjian"
RECORDS = re.compile(r"audit\.record|event_fields|_audit\(")
CODE = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def recorded_codes() -> set[str]:
    """The action codes written as literals in modules that record audit events, and the token ones."""
    codes = set()
    for module in SRC.rglob("*.py"):
        if "tests" in module.parts:
            continue
        text = module.read_text()
        if RECORDS.search(text):
            codes |= set(CODE.findall(text))
    for purpose in TokenPurpose:
        codes |= {f"{_token_action(purpose)}.create", f"{_token_action(purpose)}.revoke"}
    return codes


def test_the_scan_finds_the_actions():
    codes = recorded_codes()
    assert {"attendance.mark", "need.accept", "member.reveal", "api_token.create"} <= codes
    assert len(codes) > 90


def test_every_recorded_action_has_a_label():
    missing = recorded_codes() - set(audit_actions.registered())
    assert not missing, f"add these to the app's audit_actions.py: {sorted(missing)}"


def test_every_group_and_label_is_chinese():
    for code, text in audit_actions.registered().items():
        assert not english_words(str(text)), (code, str(text))


def test_an_unknown_code_is_named_by_its_group_or_as_other():
    assert audit_actions.label("need.something_new") == "诉求（全部）"
    assert audit_actions.label("gone.away") == "其他操作"


def test_the_audit_log_page_and_api_name_actions_in_chinese(college, client):
    for code in ("attendance.mark", "need.accept", "gone.away"):
        AuditEvent.objects.create(action=code, actor_name="系统", object_repr="#1")
    client.force_login(college.user("admin"))
    html = client.get(reverse("accounts:audit-list")).content.decode()
    assert "登记出勤" in html
    assert "受理诉求" in html
    assert ">attendance.mark<" not in html  # the code only as the filter option's value
    body = api_as(college.user("admin")).get("/audit")
    labels = {item["action"]: item["action_label"] for item in body.json()["items"]}
    assert labels["need.accept"] == "受理诉求"
    assert labels["gone.away"] == "其他操作"
