"""The demo library: enough varied, original material in every area and format, files that are
what they say they are, and a reading history that stays in the past and within each reader's
reach.

Rendering every PDF takes several seconds, so the PDF test renders the two most demanding
(the most pages, the fullest page) and checks the others' HTML has one page section per page.
"""

import datetime
import io
import random
import re
import zipfile
from collections import Counter, defaultdict
from types import SimpleNamespace

import pypdf
import pytest

from dangjian.demo.library import build, history
from dangjian.demo.library.content import SPECS
from dangjian.demo.library.spec import COMMITTEE, blocks, publication_date
from dangjian.demo.plan import build_plan
from dangjian.library.models import ContentArea, MaterialKind, MaterialStatus
from dangjian.members.audience import Audience

TODAY = datetime.date(2026, 11, 18)
TEXT_KINDS = (MaterialKind.DOCX, MaterialKind.TXT, MaterialKind.MD)


def chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def body_of(spec) -> str:
    if spec.kind == MaterialKind.PDF:
        return "\n".join(spec.pages)
    if spec.kind == MaterialKind.PPTX:
        return "\n".join(f"{title}\n{lines}" for title, lines in spec.slides)
    return spec.body or spec.summary


def test_the_library_covers_every_area_and_kind():
    assert len(SPECS) >= 60
    areas = Counter(spec.area for spec in SPECS)
    assert set(areas) == set(ContentArea)
    assert min(areas.values()) >= 5
    kinds = Counter(spec.kind for spec in SPECS)
    assert set(kinds) == set(MaterialKind)
    assert kinds[MaterialKind.PDF] >= 4
    assert sum(1 for spec in SPECS if spec.kind == MaterialKind.PDF and 5 <= len(spec.pages) <= 12) >= 3
    assert kinds[MaterialKind.PPTX] >= 2
    assert kinds[MaterialKind.VIDEO] >= 3
    assert set(Counter(spec.audience for spec in SPECS)) == set(Audience)
    assert Counter(spec.status for spec in SPECS)[MaterialStatus.PUBLISHED] >= 55
    assert any(not spec.downloadable for spec in SPECS)
    assert len({spec.title for spec in SPECS}) == len(SPECS)


def test_every_material_has_its_own_substantial_text():
    for spec in SPECS:
        assert spec.source, spec.title
        assert 20 <= len(spec.summary) <= 300, spec.title
        assert 2 <= len(spec.keywords) <= 8, spec.title
        assert 1 <= len(spec.tags) <= 4, spec.title
        assert all(len(tag) <= 32 for tag in spec.tags), spec.title
        assert spec.days_ago is None or spec.season is None, spec.title
        assert (spec.days_ago is None and spec.season is None) == (spec.status == MaterialStatus.DRAFT)
        if spec.kind in TEXT_KINDS:
            assert 700 <= chars(spec.body) <= 3000, (spec.title, chars(spec.body))
            assert not spec.pages
            assert not spec.slides
        elif spec.kind == MaterialKind.PDF:
            assert chars("".join(spec.pages)) >= 400, spec.title
            # One spec page must stay one printed page (checked by rendering the fullest below).
            assert all(chars(page) <= 700 for page in spec.pages), spec.title
        elif spec.kind == MaterialKind.PPTX:
            assert len(spec.slides) >= 5
            assert all(title and chars(lines) >= 20 for title, lines in spec.slides)
        else:
            assert spec.video_url.startswith("https://video.example.edu.cn/"), spec.title
            assert 5 <= spec.duration_minutes <= 90
            assert chars(spec.summary) >= 100
    bodies = [body_of(spec) for spec in SPECS]
    assert len(set(bodies)) == len(bodies)
    # No paragraph or bullet is shared by more than two materials.
    seen: dict[str, set[str]] = defaultdict(set)
    for spec in SPECS:
        for kind, text in blocks(body_of(spec)):
            if kind in ("paragraph", "bullet"):
                seen[text].add(spec.title)
    assert max(len(titles) for titles in seen.values()) <= 2


def test_dates_spread_over_two_years_and_owners_are_demo_branches():
    for today in (TODAY, datetime.date(2027, 1, 1), datetime.date(2028, 6, 20)):
        ages = [(today - day).days for spec in SPECS if (day := publication_date(spec, today))]
        assert max(ages) <= 731
        assert min(ages) >= 1
        assert sum(1 for age in ages if age > 365) >= 15
        assert sum(1 for age in ages if age <= 90) >= 5
    constitution_day = next(spec for spec in SPECS if spec.season == (11, 28))
    assert publication_date(constitution_day, TODAY) == datetime.date(2025, 11, 28)
    assert publication_date(constitution_day, datetime.date(2026, 11, 29)) == datetime.date(2026, 11, 28)
    branches = {org.name for org in build_plan(today=TODAY).orgs}
    assert {spec.owner for spec in SPECS} - {COMMITTEE} <= branches


def open_zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def test_documents_slides_and_texts_are_real_files():
    specs = [spec for spec in SPECS if spec.kind != MaterialKind.PDF]
    materials = [build.render(spec, TODAY) for spec in specs]
    assert len({m.filename for m in materials if m.filename}) == sum(1 for m in materials if m.filename)
    for spec, material in zip(specs, materials, strict=True):
        assert material.published_on == publication_date(spec, TODAY)
        if spec.kind == MaterialKind.VIDEO:
            assert material.data is None
            assert material.filename == ""
            continue
        assert material.filename.endswith(f".{spec.kind}")
        data = material.data
        if spec.kind == MaterialKind.DOCX:
            archive = open_zip(data)
            document = archive.read("word/document.xml").decode()
            assert spec.title in document
            assert blocks(spec.body)[-1][1] in document
            styles = archive.read("word/styles.xml").decode()
            assert 'w:eastAsia="宋体"' in styles
            assert "w:eastAsiaTheme" not in styles
        elif spec.kind == MaterialKind.PPTX:
            archive = open_zip(data)
            slides = [n for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
            assert "ppt/presentation.xml" in archive.namelist()
            assert len(slides) == material.page_count == len(spec.slides) + 1
            assert spec.slides[-1][0] in archive.read(f"ppt/slides/slide{len(slides)}.xml").decode()
        else:
            text = data.decode("utf-8")
            assert spec.title in text
            assert all(block in text for _kind, block in blocks(spec.body))
            if spec.kind == MaterialKind.MD:
                assert text.startswith(f"# {spec.title}\n")
    # The zip formats are reproducible: the same material gives the same bytes.
    docx = next(spec for spec in specs if spec.kind == MaterialKind.DOCX)
    assert build.render(docx, TODAY).data == build.render(docx, TODAY).data


def test_pdfs_have_one_printed_page_per_spec_page():
    pdfs = [spec for spec in SPECS if spec.kind == MaterialKind.PDF]
    for spec in pdfs:
        assert build.pdf_html(spec, None, TODAY).count("<section>") == len(spec.pages)
    most_pages = max(pdfs, key=lambda spec: len(spec.pages))
    fullest = max(pdfs, key=lambda spec: max(chars(page) for page in spec.pages))
    for spec in {most_pages.title: most_pages, fullest.title: fullest}.values():
        material = build.render(spec, TODAY)
        assert material.data.startswith(b"%PDF-")
        reader = pypdf.PdfReader(io.BytesIO(material.data))
        assert len(reader.pages) == material.page_count == len(spec.pages)
        last = blocks(spec.pages[-1])[-1][1]
        assert last[:12] in re.sub(r"\s", "", reader.pages[-1].extract_text())


# ---------------------------------------------------------------------------------------------
# Reading history


def library() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            pk=pk,
            kind=spec.kind,
            status=spec.status,
            audience=spec.audience,
            published_on=publication_date(spec, TODAY),
        )
        for pk, spec in enumerate(SPECS, start=1)
    ]


def people() -> list[SimpleNamespace]:
    categories = ["faculty"] * 30 + ["undergraduate"] * 30 + ["graduate"] * 20 + ["retired"] * 15
    members = [SimpleNamespace(pk=pk, category=c, number=f"N{pk}") for pk, c in enumerate(categories, start=1)]
    members[0].number = "demo-member"
    return members


def visible_to(member) -> set[str]:
    group = {"faculty": "faculty", "retired": "retired"}.get(member.category, "students")
    return {Audience.ALL, group} | ({Audience.OFFICERS} if member.pk % 7 == 0 else set())


@pytest.fixture(scope="module")
def sessions() -> tuple[list[dict], list[SimpleNamespace]]:
    materials, members = library(), people()
    calls = []

    def materials_for(member):
        calls.append(member.pk)
        return [m for m in materials if m.audience in visible_to(member)]

    rows = history.reading_sessions(members, materials_for, today=TODAY, rng=random.Random(7))
    assert sorted(calls) == [m.pk for m in members]
    return rows, members


def test_reading_stays_in_the_past_and_within_reach(sessions):
    rows, members = sessions
    by_pk = {m.pk: m for m in library()}
    member_of = {m.pk: m for m in members}
    start_of_today = datetime.datetime.combine(TODAY, datetime.time(), history.SHANGHAI)
    for row in rows:
        material = by_pk[row["material_id"]]
        assert material.audience in visible_to(member_of[row["member_id"]])
        assert material.status == MaterialStatus.PUBLISHED
        assert material.kind != MaterialKind.VIDEO
        assert material.published_on <= row["day"] < TODAY
        started, last = row["started_at"], row["last_beat_at"]
        assert started.utcoffset() == datetime.timedelta(hours=8)
        assert started.astimezone(history.SHANGHAI).date() == row["day"]
        assert 7 <= started.hour <= 23
        assert last.date() == row["day"]
        assert last < start_of_today
        assert 3 * 60 <= row["active_seconds"] <= 40 * 60
        assert last - started >= datetime.timedelta(seconds=row["active_seconds"])
        assert row["day"] >= TODAY - datetime.timedelta(days=history.DAYS_BACK)


def test_reading_habits_differ(sessions):
    rows, members = sessions
    days = defaultdict(set)
    for row in rows:
        days[row["member_id"]].add(row["day"])
    assert len(days) < len(members)  # some never read
    assert sum(1 for d in days.values() if len(d) <= 3) >= 5  # some rarely
    assert sum(1 for d in days.values() if len(d) >= 15) >= 5  # some often
    assert len(days[1]) >= 15  # the demo account has a history to show
    assert len({row["day"] for row in rows}) >= 150
    assert len({row["material_id"] for row in rows}) >= 30
    # One member's sittings on one day do not overlap.
    sittings = defaultdict(list)
    for row in rows:
        sittings[row["member_id"], row["day"]].append((row["started_at"], row["last_beat_at"]))
    for spans in sittings.values():
        spans.sort()
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_reading_history_is_deterministic_and_accepts_a_plain_list():
    materials, members = library(), people()[:10]
    first = history.reading_sessions(members, materials, today=TODAY, rng=random.Random(3))
    again = history.reading_sessions(members, materials, today=TODAY, rng=random.Random(3))
    assert first == again
    assert first
