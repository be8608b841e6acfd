"""Every page of the demo college, as each demo role, on a desktop and on a phone: accessibility
(axe-core), English words, layout, answers and browser errors (see `tests/browser/crawl.py`).

One test per role and size, so pytest-xdist spreads them. The demo college is built once per run
and served by each test process from a copy, with the production settings; the crawl does not
use the test database, so it runs in the SQLite pass only (marker `crawl`). Screenshots of every
page visited go to test-results/screens/<role>-<size>/ (or DANGJIAN_CRAWL_SCREENS).
"""

import os

import pytest

from tests.browser.crawl import MAX_PAGES, DemoSite, crawl, demo_data_folder, log_in, pattern_of, screens_folder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.crawl,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the crawl serves its own SQLite demo: run once, in the SQLite pass",
    ),
]

ROLES = {
    "committee": "demo-committee",  # secretary of the college Party committee
    "branch": "demo-branch",  # secretary of a faculty branch
    "member": "demo-member",  # a faculty member
    "student": "demo-student",  # an undergraduate, probationary member
    "admin": "demo-admin",  # the platform's administrator: the audit log, roles, the worker's status
}
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
    },
}

# Known problems not fixed yet, as (role, pattern, kind, a part of the finding with ids as <id>).
# This list must shrink, not grow: fix the page instead of adding to it. An entry that no longer
# matches anything fails the test, so a fixed problem leaves the list.
KNOWN: list[tuple[str, str, str, str]] = []


def matches(entry: tuple[str, str, str, str], role: str, finding) -> bool:
    who, pattern, kind, part = entry
    return who == role and pattern == finding.pattern and kind == finding.kind and part in pattern_of(finding.detail)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, worker_id):
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # one demo build for all xdist processes
    site = DemoSite(demo_data_folder(shared), tmp_path_factory.mktemp("crawl-site")).start()
    yield site
    site.stop()


# Each role is crawled whole at the size it mostly works at (officers at a desk, members and students
# on a phone). At the other size, and in dark mode, the crawl stops after the patterns nearest the
# home page (breadth first: the daily lists, forms and the pages they lead to): the pages are the same
# documents laid out or coloured differently, and what a layout or a colour gets wrong shows on the
# kit's pages the first patterns already cover. This keeps the CI run within its budget.
SECOND_SIZE_PAGES = 20
# The administrator sees every organisation's pages, which the officers' crawls already cover; theirs
# stops after the patterns nearest the home page, which hold what only they see, and runs on a desk.
ADMIN_PAGES = 40


# What a member's page may weigh, as transferred on a first visit: HTML, CSS, JS, fonts, images.
MEMBER_PAGE_BUDGET = 150_000
MEMBER_ROLES = ("member", "student")


# Each role's pages are checked by every axe rule at the size the role mostly works at (officers at a
# desk, members and students on a phone). At the other size, and in dark mode, the page is the same
# document laid out or coloured differently: what can change is the contrast, so axe checks only that,
# which halves its share of the crawl.
AXE_EVERY_SIZE = ["color-contrast"]
MAIN_SIZE = {"committee": "desktop", "branch": "desktop", "admin": "desktop", "member": "phone", "student": "phone"}


def axe_rules(role: str, size: str) -> list[str] | None:
    return None if MAIN_SIZE[role] == size else AXE_EVERY_SIZE


def page_limit(role: str, size: str) -> int:
    if role == "admin":
        return ADMIN_PAGES
    return MAX_PAGES if MAIN_SIZE[role] == size else SECOND_SIZE_PAGES


# Dark mode follows the system: a member's phone is crawled once more in it (the other roles share its pages' kit).
DARK_PHONE = {**SIZES["phone"], "color_scheme": "dark"}
CASES = [(role, size) for role in ROLES for size in SIZES if not (role == "admin" and size == "phone")]
CASES.append(("member", "phone-dark"))


@pytest.mark.parametrize(("role", "size"), CASES, ids=[f"{role}-{size}" for role, size in CASES])
def test_every_page_passes_the_checks(browser, demo_site, role, size):
    context = browser.new_context(**(DARK_PHONE if size == "phone-dark" else SIZES[size]))
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, demo_site.url, ROLES[role])
        result = crawl(
            page,
            base_url=demo_site.url,
            desktop=size == "desktop",
            screens=screens_folder(f"{role}-{size}"),
            limit=page_limit(role, size),
            weight_budget=MEMBER_PAGE_BUDGET if role in MEMBER_ROLES else None,
            axe_rules=axe_rules(role, size),
        )
    finally:
        context.close()

    print(f"{role} on a {size}: {len(result.visited)} patterns visited, {len(result.other)} not pages")
    if page_limit(role, size) == MAX_PAGES:
        assert not result.truncated, f"more than {MAX_PAGES} patterns: is a URL not reduced to its pattern?"
    assert len(result.visited) >= 5, result.visited  # the crawl got past the home page
    problems = [str(f) for f in result.findings if not any(matches(entry, role, f) for entry in KNOWN)]
    assert not problems, f"{len(problems)} problems as {role} on a {size}:\n" + "\n".join(problems)
    fixed = [e for e in KNOWN if e[0] == role and not any(matches(e, role, f) for f in result.findings)]
    assert not fixed, f"no longer found as {role} on a {size}, remove from KNOWN: {fixed}"
