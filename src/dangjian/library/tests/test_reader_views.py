import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext

from dangjian.library.models import ReadingPosition
from dangjian.library.tests.test_reading_services import make_material
from dangjian.library.views.reader import FONT_SESSION_KEY
from dangjian.notices.tests.test_inbox import INBOX_QUERIES

PAGES = ("第一页\n\n第二段", "第二页 <script>alert(1)</script>\n\n次段", "第三页")

# A material of the faculty branch: its members and those above see it; the student branch does not.
ROLES = {
    "anonymous": 302,
    "admin": 200,
    "committee": 200,
    "branch": 200,
    "group_leader": 200,
    "member": 200,
    "auditor": 200,
    "other_branch": 404,
}


@pytest.fixture
def material(college):
    return make_material(college.branch, pages=PAGES)


@pytest.fixture
def with_file(material):
    material.original_name = "学习党章.pdf"
    material.kind = "pdf"
    material.file.save("reading.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    yield material
    material.file.delete(save=False)


def read_url(material, page=None) -> str:
    url = reverse("library:read", args=[material.pk])
    return f"{url}?page={page}" if page is not None else url


def login(client, college, role):
    if role != "anonymous":
        client.force_login(college.user(role))
    return client


@pytest.mark.parametrize(("role", "status"), ROLES.items())
def test_who_may_open_the_reader(client, college, material, role, status):
    assert login(client, college, role).get(read_url(material)).status_code == status


@pytest.mark.parametrize(("role", "status"), ROLES.items())
def test_who_may_download_the_original(client, college, with_file, role, status):
    response = login(client, college, role).get(reverse("library:download", args=[with_file.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "filename*=utf-8''%E5%AD%A6%E4%B9%A0%E5%85%9A%E7%AB%A0.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"  # read to the end: the client closes it


def test_a_missing_material_is_404(client, college):
    login(client, college, "member")
    assert client.get(reverse("library:read", args=[999999])).status_code == 404
    assert client.get(reverse("library:download", args=[999999])).status_code == 404


def test_no_download_when_not_allowed_or_without_a_file(client, college, material, with_file):
    login(client, college, "member")
    url = reverse("library:download", args=[material.pk])
    material.downloadable = False
    material.save()
    assert client.get(url).status_code == 404
    assert reverse("library:download", args=[material.pk]) not in client.get(read_url(material)).content.decode()
    bare = make_material(college.branch, title="无文件")
    assert client.get(reverse("library:download", args=[bare.pk])).status_code == 404


def test_the_download_link_shows_when_allowed(client, college, with_file):
    html = login(client, college, "member").get(read_url(with_file)).content.decode()
    assert reverse("library:download", args=[with_file.pk]) in html


def test_pages_turn_and_the_place_is_remembered(client, college, material):
    login(client, college, "member")
    response = client.get(read_url(material))
    html = response.content.decode()
    assert 'id="reader-page"' in html
    assert "<p>第一页</p>" in html
    assert "<p>第二段</p>" in html
    assert gettext("Page %(number)s / %(total)s") % {"number": 1, "total": 3} in html
    assert 'class="btn btn-primary reader-next"' in html
    assert "reader-prev" not in html
    assert ReadingPosition.objects.get().page == 1

    html = client.get(read_url(material, 2)).content.decode()
    assert "reader-prev" in html
    assert "reader-next" in html
    assert ReadingPosition.objects.get().page == 2
    # Coming back without a page number resumes where the member stopped.
    assert client.get(read_url(material)).context["reader"].number == 2
    html = client.get(read_url(material, 3)).content.decode()
    assert "reader-next" not in html
    assert ReadingPosition.objects.get(member=college.member).page == 3


@pytest.mark.parametrize(("asked", "shown"), [("0", 1), ("99", 3), ("x", 1), ("-2", 1)])
def test_a_page_out_of_range_shows_the_nearest(client, college, material, asked, shown):
    login(client, college, "member")
    assert client.get(f"{read_url(material)}?page={asked}").context["reader"].number == shown


def test_the_text_is_escaped(client, college, material):
    html = login(client, college, "member").get(read_url(material, 2)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_font_size_is_remembered_for_a_member(client, college, material):
    login(client, college, "member")
    html = client.get(read_url(material)).content.decode()
    assert "reader-font-18" in html
    assert 'value="16"' in html
    assert 'value="20"' in html
    response = client.post(reverse("library:read-font", args=[material.pk]), {"size": "22", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == read_url(material, 2)
    assert ReadingPosition.objects.get().font_size == 22
    assert "reader-font-22" in client.get(read_url(material)).content.decode()


@pytest.mark.parametrize("size", ["19", "", "big"])
def test_an_unknown_font_size_changes_nothing(client, college, material, size):
    login(client, college, "member")
    client.post(reverse("library:read-font", args=[material.pk]), {"size": size})
    assert ReadingPosition.objects.filter(member=college.member).exclude(font_size=18).count() == 0
    response = client.get(read_url(material))
    assert "reader-font-18" in response.content.decode()
    assert list(response.context["messages"])


def test_an_officer_without_a_member_record_reads_untimed(client, college, material):
    login(client, college, "auditor")
    html = client.get(read_url(material, 2)).content.decode()
    assert 'id="reader-page"' in html
    assert "data-beat-url" not in html
    assert 'id="reader-write-reflection"' not in html
    assert not ReadingPosition.objects.exists()
    # The font size is kept for the session instead.
    client.post(reverse("library:read-font", args=[material.pk]), {"size": "24"})
    assert client.session[FONT_SESSION_KEY] == 24
    assert "reader-font-24" in client.get(read_url(material)).content.decode()


def test_the_timer_and_the_reflection_button_are_for_members(client, college, material):
    html = login(client, college, "member").get(read_url(material)).content.decode()
    beat_url = reverse("api:reading_beat_create", kwargs={"material_id": material.pk})
    assert f'data-beat-url="{beat_url}"' in html
    assert 'data-active-window="60"' in html
    assert 'data-beat-interval="20"' in html
    match = re.search(r'id="reader-write-reflection"[^>]*href="([^"]+)"', html)
    assert match
    assert match.group(1) == reverse("study:selfstudy-list") + f"?material={material.pk}"


def test_the_page_runs_no_inline_script_under_the_csp(client, college, material):
    response = login(client, college, "member").get(read_url(material))
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>", html)
    assert any("library/reader.js" in tag for tag in scripts)
    assert all(" src=" in tag for tag in scripts)
    assert " style=" not in html
    assert all(' src="/' in tag for tag in scripts)  # served by the site itself, no CDN


def test_a_video_shows_its_description_duration_and_link(client, college):
    video = make_material(
        college.branch,
        kind="video",
        pages=(),
        summary="专题片简介",
        video_url="https://video.example.org/watch/1",
        duration_minutes=45,
    )
    html = login(client, college, "member").get(read_url(video)).content.decode()
    assert "专题片简介" in html
    assert "https://video.example.org/watch/1" in html
    assert "45" in html
    assert 'id="reader-page"' not in html
    assert "data-beat-url" not in html
    assert 'id="reader-write-reflection"' in html


def test_a_material_being_extracted_shows_its_progress(client, college):
    pending = make_material(college.branch, extraction="running", extraction_progress=40)
    html = login(client, college, "member").get(read_url(pending)).content.decode()
    assert gettext("Processing…") in html
    assert '<progress max="100" value="40">' in html
    assert 'id="reader-page"' not in html
    assert "data-beat-url" not in html


def test_a_failed_extraction_says_so(client, college):
    failed = make_material(college.branch, extraction="failed")
    html = login(client, college, "member").get(read_url(failed)).content.decode()
    assert gettext("This material cannot be read online.") in html
    assert 'id="reader-page"' not in html


def test_a_manager_previews_a_draft_but_members_do_not_see_it(client, college):
    draft = make_material(college.branch, status="draft")
    assert login(client, college, "branch").get(read_url(draft)).status_code == 200
    client.logout()
    assert login(client, college, "member").get(read_url(draft)).status_code == 404


def test_the_reader_keeps_its_queries_few(client, college, material, django_assert_max_num_queries):
    login(client, college, "member")
    client.get(read_url(material, 2))  # the position exists from here on
    with django_assert_max_num_queries(16 + INBOX_QUERIES):  # + the navigation's unread notices
        client.get(read_url(material, 3))


def test_the_static_files_are_served(client, db):
    for asset in ("library/reader.js", "library/reader.css"):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200, asset
        b"".join(response.streaming_content)  # read to the end: the client closes the file
