"""Uploading, extracting, publishing and finding materials: services, visibility, pages and the API."""

from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.system import system_actor
from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.library import extraction
from dangjian.library.models import Extraction, Material, MaterialPage, MaterialStatus
from dangjian.library.selectors.materials import MaterialFilters, material_find, visible_materials
from dangjian.library.services import materials as services
from dangjian.library.tests.documents import (
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
    scanned_pdf_bytes,
    text_bytes,
)

THEME_DAY = [
    "主题党日是党支部组织党员开展集中学习的固定形式，每月相对固定一天。",
    "本次主题党日围绕“三会一课”制度展开，支部书记讲党课，党员交流学习体会。",
    "党员要把学习党章党规与本职工作结合起来，做到学思用贯通、知信行统一。",
]


@cache
def theme_day_docx() -> bytes:
    """One file's bytes (a .docx built twice differs in its timestamps)."""
    return docx_bytes(THEME_DAY)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def theme_day_doc(college) -> Material:
    return services.material_upload(
        actor=college.user("branch"),
        org=college.branch,
        file=upload("主题党日学习材料.docx", theme_day_docx()),
        area="political",
        tags=["主题党日", "三会一课"],
    )


def test_an_upload_is_read_at_once_with_proposals(college, theme_day_doc):
    material = theme_day_doc
    assert material.kind == "docx"
    assert material.status == MaterialStatus.DRAFT
    assert material.extraction == Extraction.READY
    assert material.page_count == MaterialPage.objects.filter(material=material).count() >= 1
    assert material.title  # proposed from the file
    assert material.summary
    assert 1 <= len(material.keywords) <= services.KEYWORDS_MAX
    assert sorted(material.tags.values_list("name", flat=True)) == ["三会一课", "主题党日"]
    assert AuditEvent.objects.filter(action="material.upload", object_id=str(material.pk)).exists()


def test_the_type_is_judged_by_content(college):
    # A PDF named .docx is a PDF.
    material = services.material_upload(
        actor=system_actor(),
        org=college.branch,
        file=upload("名不副实.docx", pdf_bytes(["第一页：理想信念", "第二页：宗旨意识"])),
    )
    assert material.kind == "pdf"
    assert material.page_count == 2


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("空文件.txt", b"", extraction.EmptyFile),
        ("加密.pdf", encrypted_pdf_bytes(["保密内容"]), extraction.EncryptedFile),
        ("扫描件.pdf", scanned_pdf_bytes(), extraction.NoText),
        ("损坏.docx", b"PK\x03\x04 truncated", extraction.BrokenFile),
        ("程序.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff" * 40, extraction.UnsupportedType),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(college, name, data, error):
    with pytest.raises(error):
        services.material_upload(actor=system_actor(), org=college.branch, file=upload(name, data))
    assert not Material.objects.exists()
    assert not AuditEvent.objects.filter(action="material.upload").exists()


def test_the_same_file_twice_is_refused(college, theme_day_doc):
    with pytest.raises(Conflict) as caught:
        services.material_upload(
            actor=system_actor(), org=college.other_branch, file=upload("副本.docx", theme_day_docx())
        )
    assert theme_day_doc.title in caught.value.message
    assert Material.objects.count() == 1


def test_too_large_a_file_is_refused(college, settings):
    settings.DANGJIAN_LIBRARY_MAX_BYTES = 100
    with pytest.raises(DomainError) as caught:
        services.material_upload(
            actor=system_actor(), org=college.branch, file=upload("长文.txt", text_bytes("党" * 200))
        )
    assert caught.value.field == "file"


def test_a_large_file_is_read_in_the_background(college, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "READ_AT_ONCE_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=True):  # the test settings run tasks at once
        material = services.material_upload(
            actor=system_actor(),
            org=college.branch,
            file=upload("长篇.pdf", pdf_bytes([f"第{i}页：学习党史" for i in range(1, 6)])),
        )
        assert material.extraction == Extraction.PENDING
    material.refresh_from_db()
    assert material.extraction == Extraction.READY
    assert material.page_count == 5
    assert material.extraction_progress == 100


def test_only_managers_of_the_organisation_upload(college):
    with pytest.raises(Forbidden):
        services.material_upload(
            actor=college.user("member"), org=college.branch, file=upload("a.txt", text_bytes("学习党章"))
        )
    with pytest.raises(Forbidden):
        services.material_upload(
            actor=college.user("branch"), org=college.committee, file=upload("a.txt", text_bytes("学习党章"))
        )


def test_publishing_needs_keywords_and_makes_it_visible_to_the_audience(college, theme_day_doc):
    material = theme_day_doc
    member, other = college.user("member"), college.user("other_branch")
    assert material not in visible_materials(member)
    services.material_update(actor=system_actor(), material=material, keywords=["党课"])
    with pytest.raises(DomainError) as caught:
        services.material_publish(actor=system_actor(), material=material)
    assert caught.value.field == "keywords"
    services.material_update(
        actor=system_actor(), material=material, keywords=["主题党日", "三会一课", "党课", "党章", "学习"]
    )
    services.material_publish(actor=college.user("branch"), material=material)
    assert material in visible_materials(member)
    assert material not in visible_materials(other)  # another branch's member
    services.material_update(actor=system_actor(), material=material, audience="students")
    assert material not in visible_materials(member)  # 张三 is faculty


def test_committee_materials_reach_every_branch(college):
    material = services.material_upload(
        actor=college.user("committee"),
        org=college.committee,
        file=upload("全院.txt", text_bytes("\n".join(THEME_DAY))),
    )
    services.material_update(
        actor=system_actor(), material=material, keywords=["主题党日", "三会一课", "党课", "党章", "学习"]
    )
    services.material_publish(actor=system_actor(), material=material)
    for role in ("member", "other_branch", "branch", "auditor"):
        assert material in visible_materials(college.user(role)), role


def test_search_finds_two_character_words_only_in_what_one_may_see(college, theme_day_doc):
    services.material_update(
        actor=system_actor(), material=theme_day_doc, keywords=["主题党日", "三会一课", "党课", "党章", "学习"]
    )
    services.material_publish(actor=system_actor(), material=theme_day_doc)
    hidden = services.material_upload(
        actor=system_actor(),
        org=college.other_branch,
        file=upload("学生支部.txt", text_bytes("学生党支部的党日活动安排与党课计划。")),
    )
    services.material_update(actor=system_actor(), material=hidden, keywords=["党日", "党课", "学生", "支部", "安排"])
    services.material_publish(actor=system_actor(), material=hidden)
    found = material_find(college.user("member"), MaterialFilters(q="党日"))
    assert [row.material for row in found.rows] == [theme_day_doc]
    assert found.total == 1
    assert "<mark>" in found.rows[0].snippet
    assert material_find(college.user("admin"), MaterialFilters(q="党课")).total == 2


def test_a_published_material_is_withdrawn_not_deleted(college, theme_day_doc):
    services.material_update(
        actor=system_actor(), material=theme_day_doc, keywords=["主题党日", "三会一课", "党课", "党章", "学习"]
    )
    services.material_publish(actor=system_actor(), material=theme_day_doc)
    with pytest.raises(DomainError):
        services.material_delete(actor=system_actor(), material=theme_day_doc)
    services.material_withdraw(actor=system_actor(), material=theme_day_doc)
    assert theme_day_doc not in visible_materials(college.user("member"))
    assert theme_day_doc in visible_materials(college.user("branch"))


def test_a_draft_is_deleted_with_its_file(college, theme_day_doc, django_capture_on_commit_callbacks):
    storage, name = theme_day_doc.file.storage, theme_day_doc.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(actor=system_actor(), material=theme_day_doc)
    assert not Material.objects.exists()
    assert not storage.exists(name)


def test_a_film_is_an_entry_with_a_link(college):
    film = services.material_video_create(
        actor=system_actor(),
        org=college.committee,
        title="专题片《榜样》观后学习",
        video_url="https://video.example.edu.cn/bangyang",
        duration_minutes=45,
        summary="收看专题片，学习先进典型的事迹。",
        area="purpose",
    )
    assert film.is_video
    assert film.extraction == Extraction.READY
    with pytest.raises(DomainError):
        services.material_video_create(
            actor=system_actor(), org=college.committee, title="无链接", video_url="", duration_minutes=5
        )


# --- pages and API ---------------------------------------------------------------------------


def test_upload_page_re_renders_with_the_reason(client, college):
    client.force_login(college.user("branch"))
    response = client.post(
        "/library/upload/",
        {
            "org": college.branch.pk,
            "area": "theory",
            "audience": "all",
            "file": upload("加密.pdf", encrypted_pdf_bytes(["秘"])),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Material.objects.exists()
    response = client.post(
        "/library/upload/",
        {
            "org": college.branch.pk,
            "area": "theory",
            "audience": "all",
            "file": upload("学习.docx", theme_day_docx()),
        },
    )
    assert response.status_code == 302
    material = Material.objects.get()
    assert response.url == f"/library/{material.pk}/edit/"


def test_the_search_box_answers_htmx_with_the_results_only(client, college, theme_day_doc):
    services.material_update(
        actor=system_actor(), material=theme_day_doc, keywords=["主题党日", "三会一课", "党课", "党章", "学习"]
    )
    services.material_publish(actor=system_actor(), material=theme_day_doc)
    client.force_login(college.user("member"))
    response = client.get("/library/", {"q": "党课"}, headers={"HX-Request": "true", "HX-Target": "library-results"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="library-results"')
    assert theme_day_doc.title in body
    assert "<mark>" in body


def test_api_upload_refuses_a_duplicate_with_409(college, theme_day_doc):
    from dangjian.core.tests.apiclient import ApiClient

    client = ApiClient(college.user("branch"))
    found = client.get("/library/materials", {"q": "党日"}).json()
    assert [item["material"]["id"] for item in found["items"]] == [theme_day_doc.pk]  # drafts: managers see them
    response = client.post_form(
        "/library/materials",
        {"org": college.branch.pk, "area": "theory", "file": upload("again.docx", theme_day_docx())},
    )
    assert response.status_code == 409
    assert response.json()["detail"]
    assert Material.objects.count() == 1
    member = ApiClient(college.user("member"))
    assert member.get("/library/materials", {"q": "党日"}).json()["count"] == 0
    assert member.get(f"/library/materials/{theme_day_doc.pk}").status_code == 404


def test_search_rebuild_command_restores_a_lost_index(college, theme_day_doc):
    import io

    from django.core.management import call_command

    from dangjian.library import search

    everything = Material.objects.all()
    search.clear()
    assert search.search("主题党日", materials=everything).total == 0
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    assert search.search("主题党日", materials=everything).total == 1
    assert "1" in out.getvalue()
