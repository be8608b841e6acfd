"""The to-do inbox (待办): the registry, its order, the page, the navigation count and the API."""

import datetime

import pytest
from django.urls import reverse

from dangjian.notices.inbox import (
    ToDo,
    inbox_for,
    inbox_rows,
    register_todo_source,
    todo_sources,
    unregister_todo_source,
)

TODAY = datetime.date(2026, 5, 11)
# At most what the to-do inbox reads, whatever the data: sixteen sources of one to three queries each,
# 23 for a branch secretary (measured; dues' arrears read one), outside the days a requirement falls due. The home, the menu and the inbox page pay it;
# other pages fetch the navigation's count after load. Page tests that pin their queries add it.
INBOX_QUERIES = 24


def todo(title, due=None, overdue=False):
    return ToDo(kind="test.fake", title=title, url="/x/", due=due, overdue=overdue, app="测试", icon="checks")


@pytest.fixture
def fake_source(monkeypatch):
    """A fake source that gives the same four to-dos to whoever asks, registered for the test only (the
    registry is swapped for a copy, so nothing a test registers outlives it)."""
    from dangjian.notices import inbox

    items = [
        todo("无期限"),
        todo("后天到期", due=TODAY + datetime.timedelta(days=2)),
        todo("下周到期", due=TODAY + datetime.timedelta(days=7)),
        todo("已逾期", due=TODAY - datetime.timedelta(days=1), overdue=True),
    ]
    monkeypatch.setattr(inbox, "_SOURCES", dict(inbox._SOURCES))
    register_todo_source("test.fake", lambda actor, today: list(items))
    return items


def _only_fake(monkeypatch):
    """Keep only the fake source, so what the apps register does not mix in."""
    from dangjian.notices import inbox

    monkeypatch.setattr(inbox, "_SOURCES", {"test.fake": inbox._SOURCES["test.fake"]})


def test_registered_sources_are_merged_most_urgent_first(college, fake_source, monkeypatch):
    _only_fake(monkeypatch)
    titles = [item.title for item in inbox_for(college.user("member"), TODAY)]
    assert titles == ["已逾期", "后天到期", "下周到期", "无期限"]


def test_unregistering_a_source_removes_its_items(college, fake_source):
    assert "test.fake" in todo_sources()
    unregister_todo_source("test.fake")
    assert "test.fake" not in todo_sources()
    assert all(item.kind != "test.fake" for item in inbox_for(college.user("member"), TODAY))


def test_apps_register_their_sources():
    assert {
        "study.review",
        "study.make_ups",
        "study.plans",
        "care.needs",
        "care.confirm",
        "care.talks",
        "rights.appeals",
        "evaluation.ballots",
        "evaluation.self_assessments",
        "compliance.warnings",
    } <= set(todo_sources())


def test_apps_register_their_sources_by_path_and_each_path_names_a_function():
    """The apps name their sources by dotted path, so starting a process imports none of them; each
    path must still lead to a function (a wrong one would only fail when an inbox is read)."""
    from dangjian.core.lazy import LazyFunction

    sources = todo_sources()
    assert all(isinstance(source, LazyFunction) for name, source in sources.items() if not name.startswith("test."))
    for source in sources.values():
        if isinstance(source, LazyFunction):
            assert callable(source.resolve()), source.path


def test_a_source_given_by_path_is_imported_when_the_inbox_is_read(college, monkeypatch):
    from dangjian.notices import inbox

    monkeypatch.setattr(inbox, "_SOURCES", {})
    register_todo_source("test.lazy", "dangjian.notices.tests.lazy_source.overdue_report")
    assert inbox._SOURCES["test.lazy"]._function is None  # nothing imported yet
    items = inbox_for(college.user("member"), TODAY)
    assert [(item.kind, item.overdue) for item in items] == [("test.lazy", True)]


def test_badges_overdue_is_a_problem_and_soon_a_warning(fake_source):
    rows = {row.item.title: row for row in inbox_rows(sorted(fake_source, key=lambda i: i.sort_key), TODAY)}
    assert (rows["已逾期"].tone, rows["已逾期"].label) == ("problem", "已逾期")
    assert rows["后天到期"].tone == "warning"
    assert rows["下周到期"].tone == ""
    assert rows["无期限"].label == ""


def test_an_anonymous_visitor_has_no_inbox(fake_source):
    from django.contrib.auth.models import AnonymousUser

    assert inbox_for(AnonymousUser(), TODAY) == []


def test_the_whole_inbox_reads_a_bounded_number_of_queries(college, django_assert_max_num_queries):
    # Every registered source together, for each role; the count must not grow with the data.
    for role in ("admin", "committee", "branch", "member"):
        user = college.user(role)
        inbox_for(user, TODAY)  # scope cached
        with django_assert_max_num_queries(INBOX_QUERIES):
            inbox_for(user, TODAY)


@pytest.mark.parametrize("role", ["branch", "member", "committee", "auditor"])
def test_the_page_lists_the_to_dos(client, college, fake_source, role):
    client.force_login(college.user(role))
    response = client.get(reverse("notices:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "待办" in html
    assert "已逾期" in html
    assert "下周到期" in html


def test_the_page_says_when_nothing_waits(client, college, monkeypatch):
    from dangjian.notices import inbox

    monkeypatch.setattr(inbox, "_SOURCES", {})
    client.force_login(college.user("member"))
    html = client.get(reverse("notices:inbox")).content.decode()
    assert "没有待办" in html


def test_the_navigation_shows_the_count_and_the_home_the_top_items(client, college, fake_source, monkeypatch):
    _only_fake(monkeypatch)
    client.force_login(college.user("member"))
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    nav = {item.key: item for item in response.context["nav_items"]}
    assert nav["notices:inbox"].badge == 4
    assert 'id="home-inbox"' in html
    assert "已逾期" in html


def test_the_inbox_is_read_once_per_request(client, college, fake_source, monkeypatch):
    calls = []
    register_todo_source("test.count", lambda actor, today: calls.append(1) or [])
    try:
        client.force_login(college.user("member"))
        client.get(reverse("web:home"))
    finally:
        unregister_todo_source("test.count")
    assert len(calls) == 1


def test_the_api_lists_the_callers_to_dos(client, college, fake_source, monkeypatch):
    _only_fake(monkeypatch)
    client.force_login(college.user("member"))
    body = client.get("/api/v1/me/inbox").json()
    assert body["count"] == 4
    first = body["items"][0]
    assert first == {"kind": "test.fake", "title": "已逾期", "url": "/x/", "due": first["due"], "overdue": True}


def test_the_api_refuses_an_anonymous_caller(client):
    response = client.get("/api/v1/me/inbox")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_page_asks_for_the_count_after_loading_without_reading_the_sources(client, college, monkeypatch):
    calls = []
    register_todo_source("test.count", lambda actor, today: calls.append(1) or [])
    try:
        client.force_login(college.user("member"))
        response = client.get(reverse("notices:list"))
    finally:
        unregister_todo_source("test.count")
    assert calls == []
    nav = {item.key: item for item in response.context["nav_items"]}
    assert nav["notices:inbox"].lazy_badge
    html = response.content.decode()
    assert f'hx-get="{reverse("notices:inbox-count")}" hx-trigger="load"' in html
    assert 'id="nav-todo-count-phone"' in html


def test_the_count_endpoint_answers_the_badges(client, college, fake_source, monkeypatch):
    _only_fake(monkeypatch)
    client.force_login(college.user("member"))
    html = client.get(reverse("notices:inbox-count")).content.decode()
    assert 'id="nav-todo-count"' in html
    assert 'id="nav-todo-count-phone" class="nav-badge" hx-swap-oob="true">4<' in html
    monkeypatch.setattr("dangjian.notices.inbox._SOURCES", {})
    html = client.get(reverse("notices:inbox-count")).content.decode()
    assert ">4<" not in html
    assert 'id="nav-todo-count-phone" hx-swap-oob="true"></span>' in html


def test_pages_that_read_the_inbox_show_the_count_at_once(client, college, fake_source, monkeypatch):
    _only_fake(monkeypatch)
    client.force_login(college.user("member"))
    for name in ("web:home", "web:menu", "notices:inbox"):
        response = client.get(reverse(name))
        nav = {item.key: item for item in response.context["nav_items"]}
        assert not nav["notices:inbox"].lazy_badge, name
        assert nav["notices:inbox"].badge == 4, name
        assert reverse("notices:inbox-count") not in response.content.decode(), name


def _more_pending_work(college, n: int) -> None:
    """`n` more open needs and `n` more required talks in the branch, for its secretary's inbox."""
    from dangjian.care.models import TalkTodo, TodoReason
    from dangjian.care.services.needs import need_submit
    from dangjian.members.tests.factories import MemberFactory

    for _ in range(n):
        need_submit(actor=college.user("member"), category="study", title="希望安排辅导", description="学习有困难。")
        member = MemberFactory(org=college.branch)
        TalkTodo.objects.create(
            org=college.branch,
            member=member,
            reason=TodoReason.NEW_MEMBER,
            source_key=f"test:{member.pk}",
            due_on=TODAY + datetime.timedelta(days=10),
        )


def test_the_inbox_reads_the_same_queries_whatever_the_pending_work(college, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secretary = college.user("branch")
    _more_pending_work(college, 1)
    inbox_for(secretary, TODAY)  # scope cached, as once per request
    with CaptureQueriesContext(connection) as captured:
        few = inbox_for(secretary, TODAY)
    _more_pending_work(college, 4)
    with django_assert_num_queries(len(captured.captured_queries)):
        many = inbox_for(secretary, TODAY)
    assert len(many) >= len(few) + 8  # four more needs and four more talks, in the same queries
