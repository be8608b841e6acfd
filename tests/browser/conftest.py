"""Fixtures for the browser journeys: pages on the live server, desktop or phone-sized, and logging in.

Locators prefer what survives the translation of the interface: URLs, form field names, ids and
roles whose names match both the English msgid and the Chinese. Assertions about content use data
values (member names, ID numbers), not interface labels.
"""

import re
import threading
import time
from collections.abc import Iterator
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PASSWORD
from playwright.sync_api import BrowserContext, Page, expect

from dangjian.accounts.models import User

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000  # a failing journey stops here instead of at Playwright's 30 s

expect.set_options(timeout=TIMEOUT_MS)

LOG_IN_BUTTON = re.compile(r"^\s*(Log in|登录)\s*$", re.IGNORECASE)


@pytest.fixture(scope="session")
def base_url(django_db_setup, live_server) -> Iterator[str]:
    """Relative URLs in `page.goto` go to the live server (pytest-playwright reads this fixture).

    The test database comes first: a live server started before it would not share SQLite's
    in-memory database connection and would leave a connection open per request thread.

    That one connection is all the live server's threads have on SQLite, and two requests using it
    at once break it ("bad parameter or other API misuse"): a page's to-do count loading while the
    reader sends its beat, and the request after it finds no session. So on SQLite the server's
    threads answer one request at a time (as one database connection can); they still read and
    keep connections open side by side.
    """
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    if connection.vendor != "sqlite":
        yield live_server.url
        return
    one_at_a_time = threading.Lock()
    answer = WSGIHandler.__call__

    def answer_alone(handler, environ, start_response):
        with one_at_a_time:
            return answer(handler, environ, start_response)

    with mock.patch.object(WSGIHandler, "__call__", answer_alone):
        yield live_server.url


class BrowserProblems:
    """Uncaught script errors and Content Security Policy violations seen by a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.listening = True  # off once the test has ended and its pages are being quietened

    def watch(self, page: Page) -> Page:
        page.on("pageerror", lambda error: self._add(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                self._add(f"console: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    def _add(self, message: str) -> None:
        if self.listening:
            self.messages.append(message)


def _open(context: BrowserContext, problems: BrowserProblems) -> Page:
    page = problems.watch(context.new_page())
    page.set_default_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def browser_problems() -> Iterator[BrowserProblems]:
    problems = BrowserProblems()
    yield problems
    assert not problems.messages, "the browser reported problems:\n" + "\n".join(problems.messages)


# How long the requests a page still has under way at the end of a test may take. A passing test waits
# only as long as they need; one still running after this is reported, not left to break the next test.
SETTLE_SECONDS = 30


@pytest.fixture
def new_context(new_context, browser_problems: BrowserProblems, request: pytest.FixtureRequest):
    """pytest-playwright's, and the browser falls quiet before the test's database is emptied.

    A page still talks to the live server after the test's last step: the to-do count a page
    loads after it has shown, a check-in screen's refresh, the reader's beat. A request the
    server answers while the database is being emptied after the test deadlocks PostgreSQL's
    flush, and the next test finds the last one's data. So the database is set up before this
    fixture (and emptied after it), and when the test ends every further request is refused in
    the browser and those under way are waited for. The pages stay open for pytest-playwright's
    screenshot of a failed test.
    """
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    contexts: list[tuple[BrowserContext, set]] = []

    def open_context(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        under_way: set = set()
        context.on("request", lambda sent: under_way.add(sent))
        context.on("requestfinished", lambda done: under_way.discard(done))
        context.on("requestfailed", lambda failed: under_way.discard(failed))
        contexts.append((context, under_way))
        return context

    yield open_context
    browser_problems.listening = False
    lingering: list[str] = []
    for context, under_way in contexts:
        if not context.pages:
            continue
        context.route("**/*", lambda route: route.abort())
        deadline = time.monotonic() + SETTLE_SECONDS
        while under_way and time.monotonic() < deadline:
            context.pages[0].wait_for_timeout(20)
        lingering += [f"{sent.method} {sent.url}" for sent in under_way]
    assert not lingering, f"requests still under way {SETTLE_SECONDS} s after the test: {lingering}"


# Through pytest-playwright's `new_context`, so that --screenshot and --tracing keep working.
@pytest.fixture
def page(new_context, browser_problems: BrowserProblems) -> Page:
    """A desktop-sized page; fails the test on a script error or a CSP violation."""
    return _open(new_context(**DESKTOP), browser_problems)


@pytest.fixture
def phone_page(new_context, browser_problems: BrowserProblems) -> Page:
    """A phone-sized page (390×844, touch), as a member would use the platform."""
    return _open(new_context(**PHONE), browser_problems)


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill in and send the log-in form on the current page."""
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=LOG_IN_BUTTON).click()


def log_in(page: Page, user: User, password: str = PASSWORD) -> Page:
    """Log in through the form, as a person would, and wait for the home page."""
    page.goto("/accounts/login/")
    submit_login(page, user.username, password)
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    return page


def pick(page: Page, field: str, typed: str, option: str) -> None:
    """Choose in a search select (`dangjian.edge.widgets`) the way a person does: type, then click.

    The click waits for the server's answer to all that was typed and for the box to draw it.
    Clicking sooner races the redraw: the press lands on an option of an earlier answer, the
    release on its replacement, and nothing is chosen.
    """
    control = page.locator(f"#id_{field}-ts-control")
    control.click()
    with page.expect_response(lambda response: parse_qs(urlsplit(response.url).query).get("q") == [typed]):
        control.press_sequentially(typed, delay=50)
    expect(page.locator(f".ts-wrapper:has(#id_{field}-ts-control)")).not_to_have_class(re.compile(r"\bloading\b"))
    page.locator(f"#id_{field}-ts-dropdown .option", has_text=option).first.click()
