"""The page crawl: the demo college served as in production, visited page by page as each demo role.

`demo_data_folder` builds the demo college once per test run (in a data folder shared by the
pytest-xdist processes, under a lock) and `DemoSite` serves a copy of it with granian, the
production settings and their Content Security Policy. `crawl` starts at the home page, follows
same-origin links (GET only: it never sends a form, so it never logs out), reduces each URL to a
pattern (numbers become `<id>`) and visits one URL per pattern. On every page it runs the checks
below and saves a screenshot; what they find comes back as `Finding`s, the test decides.

- axe-core (vendored in `vendor/`): violations of impact "serious" or "critical".
- English words a user sees: visible text, `placeholder`, `title`, `aria-label`, `alt` and the
  choices of a `<select>`, outside a short allow list of names (`ALLOWED_WORDS`).
- Layout: the page does not scroll sideways and no element sticks out of the viewport (a wide
  table inside a scrolling wrapper is fine); on a desktop, the last item of the sidebar can be
  scrolled to and clicked.
- The page answers below 400, and the browser reports no script error or CSP violation.
- Weight (when the test gives a budget): the page's HTML and every style sheet, script, font, image
  and icon sprite it uses, as transferred (compressed), within the budget — counted as if nothing
  were cached, so each page is judged as a first visit.

Run as `python -m tests.browser.crawl build <folder>` it builds the demo college into that data
folder (the test does this in a child process: the demo uses the production settings, not the test
database).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_PATH = "/static/crawl/axe.min.js"  # put among the site's static files: same origin (the CSP allows it), cached

DEMO_PASSWORD = "dangjian-demo"  # noqa: S105 - the demo's published password (dangjian.demo.plan)
MAX_PAGES = 160  # per role and size (a committee officer reaches about 125 patterns)
SCREENS_ENV = "DANGJIAN_CRAWL_SCREENS"  # where the screenshots go (default test-results/screens)
PREBUILT_ENV = "DANGJIAN_CRAWL_DEMO"  # a data folder that already holds the demo college: copied, not built
BUILD_TIMEOUT_S = 600
START_TIMEOUT_S = 60

# Paths the crawl does not visit: files, the API, what ends the session, and the check-in link of
# the QR code, which checks the visitor in (a write, though a GET).
SKIPPED = re.compile(r"^/(static|media|api|admin)/|logout|^/study/check-in/")

# Latin words a page may show: names of file formats, products and keys, and units. Single letters
# (a room "A307", the reader's "A+") and data (user names, file names, codes with digits) do not count.
ALLOWED_WORDS = frozenset({
    "API", "CSV", "Ctrl", "DOCX", "Excel", "GB", "htmx", "ID", "IP", "KB", "MB", "PDF", "PPT", "PPTX", "PowerPoint", "TXT",
    "URL", "Word", "XLSX", "iPhone", "Android", "Google",
})  # fmt: skip
_NOT_LATIN = r"(?<![A-Za-z0-9_.-])"  # where a piece of data starts: Chinese text, a space, punctuation
DATA_PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"https?://[^\s，。、）)]+"),  # addresses
    re.compile(
        r"[^\s/\\，。、（(]*\.(pdf|docx?|pptx?|xlsx?|csv|txt|md|png|jpe?g|gif|webp|mp4|zip)\b", re.IGNORECASE
    ),  # files
    re.compile(_NOT_LATIN + r"demo-[a-z-]+"),  # the demo's user names
    re.compile(_NOT_LATIN + r"DANGJIAN_[A-Z0-9_]+"),  # a setting's name, as the operator sets it (status page)
    re.compile(_NOT_LATIN + r"(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]+"),  # codes with digits: T100001, DEMO-B01, C303
]
LATIN_WORD = re.compile(r"[A-Za-z]{2,}(?:['’.-][A-Za-z]+)*")

# --- The checks, run in the page --------------------------------------------------------------------

# The rules axe runs by default (experimental ones stay off) that can find something serious or critical,
# the impacts reported: the others' findings would be dropped anyway, and running them took a third of
# axe's time. `rules` narrows further (below).
AXE_RUN = """async (rules) => {
  const serious = axe._audit.rules
    .filter(r => r.enabled && !r.tags.includes('experimental') && (r.impact === 'serious' || r.impact === 'critical'))
    .map(r => r.id);
  const result = await axe.run(document, {
    resultTypes: ['violations'],
    runOnly: {type: 'rule', values: rules || serious},
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')
      + (v.nodes.length > 3 ? ` (+${v.nodes.length - 3})` : ''));
}"""

TEXTS = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, template, noscript')) continue;
    if (parent.tagName !== 'OPTION' && !parent.checkVisibility({visibilityProperty: true})) continue;
    const text = node.data.trim();
    if (text) texts.push(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  for (const el of document.body.querySelectorAll('input[type=submit][value], input[type=button][value]')) {
    texts.push(el.value);
  }
  return texts;
}"""

LAYOUT = """([desktop, width]) => {
  const problems = [];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const scrollWidth = document.scrollingElement.scrollWidth;
  if (scrollWidth > width || window.innerWidth > width) {  // a phone zooms out to show a page too wide
    problems.push(`the page scrolls sideways: ${Math.max(scrollWidth, window.innerWidth)} px wide in a ${width} px window`);
  }
  const sticking = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || box.right <= 0) continue;  // empty, or hidden to the left
    if (box.right <= width + 1 && box.left >= -1) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (sticking.some(outer => outer.contains(el))) continue;
    let clipped = false;  // inside a box that scrolls or clips and itself fits
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') {
        const outer = up.getBoundingClientRect();
        if (outer.right <= width + 1 && outer.left >= -1) { clipped = true; break; }
      }
    }
    if (clipped) continue;
    sticking.push(el);
    problems.push(`${describe(el)} sticks out of the ${width} px viewport (${Math.round(box.left)} to ${Math.round(box.right)} px)`);
    if (sticking.length >= 5) break;
  }
  const sidebar = document.querySelector('nav.sidebar');
  if (desktop && sidebar && sidebar.checkVisibility()) {
    const items = sidebar.querySelectorAll('a[href], button');
    const last = items[items.length - 1];
    last.scrollIntoView({block: 'nearest'});
    const box = last.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (box.top < 0 || box.bottom > window.innerHeight || !hit || !(hit === last || last.contains(hit))) {
      problems.push(`the sidebar's last item ("${last.textContent.trim()}") cannot be reached `
        + `(${Math.round(box.top)} to ${Math.round(box.bottom)} px in a ${window.innerHeight} px window)`);
    }
    sidebar.scrollTop = 0;
    window.scrollTo(0, 0);
  }
  return problems;
}"""

LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"


# --- Patterns ---------------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<=/)\d+(?=/|$|\.)")
UUID = re.compile(r"(?<=/)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=/|$)")
TOKEN = re.compile(r"(?<=/)[\w.:-]{20,}(?=/|$)")  # signed tokens (a check-in link)


def pattern_of(path: str) -> str:
    """The URL pattern a path belongs to: numbers become <id>, UUIDs <uuid>, long tokens <token>;
    the query is left out."""
    return NUMBER.sub("<id>", TOKEN.sub("<token>", UUID.sub("<uuid>", path)))


def english_words(text: str) -> list[str]:
    """The Latin words in a text a user reads, once data and the allowed names are taken out."""
    for data in DATA_PATTERNS:
        text = data.sub(" ", text)
    return [word for word in LATIN_WORD.findall(text) if word not in ALLOWED_WORDS]


# --- The crawl --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    pattern: str
    kind: str  # "axe", "english", "layout", "status", "browser"
    detail: str

    def __str__(self) -> str:
        return f"{self.pattern}  [{self.kind}] {self.detail}"


@dataclass
class CrawlResult:
    visited: dict[str, str] = field(default_factory=dict)  # pattern → URL visited
    other: dict[str, str] = field(default_factory=dict)  # pattern → what it was (a download, an image)
    findings: list[Finding] = field(default_factory=list)
    truncated: bool = False


def crawl(
    page,
    *,
    base_url: str,
    desktop: bool,
    screens: Path | None,
    limit: int = MAX_PAGES,
    weight_budget: int | None = None,
    axe_rules: list[str] | None = None,
) -> CrawlResult:
    """Visit one URL per pattern reachable from the home page, checking each (see the module's notes).

    `axe_rules` limits axe to those rules (all that can find something serious or critical if None)."""
    from playwright.sync_api import Error as PlaywrightError

    origin = urlsplit(base_url)
    browser_messages: list[str] = []
    page.on("pageerror", lambda error: browser_messages.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            browser_messages.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    result = CrawlResult()
    queue = deque(["/"])
    queued = {pattern_of("/")}
    found_on = {"/": "the start"}  # path → the page that links to it
    transferred: dict[str, int] = {}  # static URL → its compressed size, as first fetched
    while queue:
        if len(result.visited) >= limit:
            result.truncated = True
            break
        path = queue.popleft()
        pattern = pattern_of(urlsplit(path).path)
        del browser_messages[:]
        try:
            response = page.goto(base_url + path, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error) or "net::ERR_ABORTED" in str(error):
                result.other[pattern] = "download"
                continue
            raise
        content_type = response.headers.get("content-type", "") if response else ""
        if not content_type.startswith("text/html"):
            result.other[pattern] = content_type or "no response"
            continue
        result.visited[pattern] = path
        findings: list[Finding] = []
        if response.status >= 400:
            findings.append(
                Finding(pattern, "status", f"{path} (linked from {found_on[path]}) answered {response.status}")
            )
        if urlsplit(page.url).path == "/accounts/login/":
            findings.append(Finding(pattern, "status", f"{path} (linked from {found_on[path]}) asked to log in"))
        findings += [
            Finding(pattern, "layout", problem)
            for problem in page.evaluate(LAYOUT, [desktop, page.viewport_size["width"]])
        ]
        if weight_budget is not None:
            html_size, resources, used = page.evaluate(WEIGHT)
            transferred.update({url: size for url, size in resources if size})
            weight = html_size + sum(transferred.get(url, 0) for url in set(used))
            if weight > weight_budget:
                findings.append(
                    Finding(
                        pattern,
                        "weight",
                        f"{weight // 1000} KB transferred, over the {weight_budget // 1000} KB budget",
                    )
                )
        words: dict[str, str] = {}
        for text in page.evaluate(TEXTS):
            for word in english_words(text):
                words.setdefault(word, text[:80])
        findings += [Finding(pattern, "english", f"{word!r} in {text!r}") for word, text in sorted(words.items())]
        page.add_script_tag(url=AXE_PATH)
        findings += [Finding(pattern, "axe", violation) for violation in page.evaluate(AXE_RUN, axe_rules)]
        findings += [Finding(pattern, "browser", message) for message in browser_messages]
        result.findings += findings
        if screens is not None:
            page.screenshot(path=screens / f"{screen_name(pattern)}.jpg", type="jpeg", quality=70)
        for href in page.evaluate(LINKS):
            link = urlsplit(href)
            if (link.scheme, link.netloc) != (origin.scheme, origin.netloc) or SKIPPED.search(link.path):
                continue
            target = pattern_of(link.path)
            if target not in queued:
                queued.add(target)
                target_path = link.path + (f"?{link.query}" if link.query else "")
                queue.append(target_path)
                found_on[target_path] = path
    return result


# The page's own size and what it uses, from the Resource Timing API (sizes as transferred, before
# decompression; a resource the browser had cached keeps the size it was first fetched with).
WEIGHT = """() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource')
    .filter(r => !r.name.includes('/static/crawl/')).map(r => [r.name.split('#')[0], r.encodedBodySize]);
  const used = [
    ...[...document.querySelectorAll('link[rel=stylesheet][href], link[rel=icon][href]')].map(e => e.href),
    ...[...document.querySelectorAll('script[src]')].map(e => e.src),
    ...[...document.querySelectorAll('img[src]')].map(e => e.currentSrc || e.src),
    ...[...document.querySelectorAll('use[href]')].map(e => new URL(e.getAttribute('href'), location.href).href),
  ].map(url => url.split('#')[0]).filter(url => !url.includes('/static/crawl/'));
  return [navigation ? navigation.encodedBodySize : 0, resources, used];
}"""


def screen_name(pattern: str) -> str:
    name = pattern.strip("/").replace("/", "__").replace("<", "").replace(">", "")
    return name or "home"


def screens_folder(name: str) -> Path:
    """A fresh folder for one crawl's screenshots, under DANGJIAN_CRAWL_SCREENS or test-results/screens."""
    folder = Path(os.environ.get(SCREENS_ENV) or ROOT / "test-results" / "screens") / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the form, as a person would, and wait for the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


# --- The demo college, built once and served ---------------------------------------------------------


def _site_env(data: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="dangjian.config.settings",
        DANGJIAN_DATA_DIR=str(data),
        DANGJIAN_LOG_LEVEL="ERROR",
        DANGJIAN_STATIC_FROM_APPS="1",  # WhiteNoise serves the apps' static files: no collectstatic
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def demo_data_folder(shared: Path) -> Path:
    """A data folder holding the demo college: built once in `shared` (the first process builds it
    while the others wait), or the one DANGJIAN_CRAWL_DEMO names."""
    if prebuilt := os.environ.get(PREBUILT_ENV):
        return Path(prebuilt)
    data = shared / "crawl-demo"
    done = shared / "crawl-demo.built"
    shared.mkdir(parents=True, exist_ok=True)
    with open(shared / "crawl-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(data, ignore_errors=True)
            log = shared / "crawl-demo.log"
            with open(log, "w") as out:
                status = subprocess.run(  # noqa: S603 - our own interpreter and module
                    [sys.executable, "-m", "tests.browser.crawl", "build", str(data)],
                    env=_site_env(data),
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=BUILD_TIMEOUT_S,
                    check=False,
                ).returncode
            if status:
                raise RuntimeError(f"building the demo college failed ({status}):\n{log.read_text()[-4000:]}")
            done.touch()
    return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSite:
    """A copy of the demo data folder served by granian (no background worker) on a free port."""

    def __init__(self, source: Path, folder: Path) -> None:
        self.data = folder / "data"
        shutil.copytree(source, self.data, ignore=shutil.ignore_patterns("static"))
        (self.data / "static" / "crawl").mkdir(parents=True)
        shutil.copy(AXE, self.data / "static" / "crawl" / "axe.min.js")  # served as AXE_PATH
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> DemoSite:
        from dangjian.ops.management.commands.serve import granian_argv

        argv = granian_argv(host="127.0.0.1", port=self.port, workers=1, threads=4)
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                argv, env=_site_env(self.data), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, process_group=0
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the demo site stopped at start:\n{self.log.read_text()[-4000:]}")
            with (
                contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5) as answer,  # noqa: S310
            ):
                if answer.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the demo site did not answer within {START_TIMEOUT_S} s:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def build(data: Path) -> None:
    """Build the small demo college (`dangjian demo --small`: every kind of page, in a fraction of the
    full demo's time) into a data folder, in a child process with the production settings."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("demo", "--no-serve", "--small")


if __name__ == "__main__":
    if sys.argv[1:2] != ["build"] or len(sys.argv) != 3:
        sys.exit("usage: python -m tests.browser.crawl build <data folder>")
    build(Path(sys.argv[2]))
