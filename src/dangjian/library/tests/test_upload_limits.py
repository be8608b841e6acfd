"""Files built to exhaust the server are refused with a reason, and nothing of them is stored.

The bombs are built at test time, in a few MB: a highly compressible part is small on disk.
"""

from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.system import system_actor
from dangjian.core.files import ARCHIVE_MAX_ENTRIES
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import ApiClient
from dangjian.core.tests.bombs import MIB, lying_about, package_with
from dangjian.library import extraction
from dangjian.library.extraction import pipeline
from dangjian.library.models import Material
from dangjian.library.services import materials as services
from dangjian.library.tests.documents import docx_bytes, pdf_bytes, pptx_bytes

PARAGRAPH = "<w:p><w:r><w:t>学习党章党规，学习系列讲话。</w:t></w:r></w:p>".encode()


@cache
def xml_bomb_docx() -> bytes:
    """Under a megabyte, 300 MB of Word XML once unpacked."""
    body = PARAGRAPH * 20_000
    return package_with(docx_bytes(["引言"]), replace={"word/document.xml": (body, 300 * MIB)})


@cache
def zero_image_docx() -> bytes:
    """About 5 MB, holding a 1 GiB zero-filled image (a megabyte when deflated harder, which takes longer)."""
    return package_with(docx_bytes(["引言"]), add={"word/media/image1.png": (bytes(MIB), 1024 * MIB)}, level=1)


@cache
def lying_pptx() -> bytes:
    """A slide deck whose 64 MB zero-filled image declares 1 KB: only inflating it finds out."""
    deck = package_with(pptx_bytes([("标题", "正文")]), add={"ppt/media/image1.png": (bytes(MIB), 64 * MIB)})
    return lying_about(deck, "ppt/media/image1.png", 1024)


@cache
def crowded_docx() -> bytes:
    """A Word file of more entries than any document has."""
    extra = {f"word/extra/part{i}.xml": b"" for i in range(ARCHIVE_MAX_ENTRIES + 1)}
    return package_with(docx_bytes(["引言"]), add=extra)


BOMBS = {
    "xml-bomb.docx": (xml_bomb_docx, "300"),
    "zero-image.docx": (zero_image_docx, "256"),
    "lying.pptx": (lying_pptx, "100"),
    "crowded.docx": (crowded_docx, str(ARCHIVE_MAX_ENTRIES)),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def nothing_stored(media, audit_before: int) -> None:
    assert not Material.objects.exists()
    assert AuditEvent.objects.count() == audit_before
    assert not [path for path in media.rglob("*") if path.is_file()] if media.exists() else True


def chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_the_bombs_are_small_on_disk():
    assert len(zero_image_docx()) < 6 * MIB
    assert len(xml_bomb_docx()) < 2 * MIB


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_by_the_service(college, media, name):
    build, limit = BOMBS[name]
    before = AuditEvent.objects.count()
    with pytest.raises(extraction.TooDemanding) as caught:
        services.material_upload(actor=system_actor(), org=college.branch, file=SimpleUploadedFile(name, build()))
    assert caught.value.field == "file"
    assert chinese(caught.value.message)
    assert limit in caught.value.message or name == "xml-bomb.docx"
    nothing_stored(media, before)


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_by_the_upload_page(client, college, media, name):
    build, _limit = BOMBS[name]
    client.force_login(college.user("branch"))
    before = AuditEvent.objects.count()
    response = client.post(
        "/library/upload/",
        {"org": college.branch.pk, "area": "theory", "audience": "all", "file": SimpleUploadedFile(name, build())},
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["file"]
    assert chinese(error)
    nothing_stored(media, before)


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_by_the_api(college, media, name):
    build, _limit = BOMBS[name]
    client = ApiClient(college.user("branch"))
    before = AuditEvent.objects.count()
    response = client.post_form(
        "/library/materials", {"org": college.branch.pk, "area": "theory", "file": SimpleUploadedFile(name, build())}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "file"
    assert chinese(body["detail"])
    nothing_stored(media, before)


@pytest.mark.parametrize(
    ("reader", "setting", "value", "shown"),
    [
        ("spin", "DANGJIAN_READ_SECONDS", 1, "1 秒"),
        ("hog", "DANGJIAN_READ_MEMORY_MB", 300, "300 MB"),
    ],
)
def test_a_pdf_whose_reading_exceeds_its_limits_is_stopped(
    client, college, media, settings, monkeypatch, reader, setting, value, shown
):
    # The reader is swapped for one that misbehaves, in the same child process and under the same limits.
    monkeypatch.setattr(pipeline, "CHILD_READER", f"dangjian.core.tests.children:{reader}")
    setattr(settings, setting, value)
    before = AuditEvent.objects.count()
    pdf = pdf_bytes(["第一页：学习党史"])
    with pytest.raises(extraction.TooDemanding) as caught:
        services.material_upload(actor=system_actor(), org=college.branch, file=SimpleUploadedFile("慢.pdf", pdf))
    assert shown in caught.value.message
    nothing_stored(media, before)

    client.force_login(college.user("branch"))
    response = client.post(
        "/library/upload/",
        {"org": college.branch.pk, "area": "theory", "audience": "all", "file": SimpleUploadedFile("慢.pdf", pdf)},
    )
    assert response.status_code == 400
    assert chinese(response.context["form"].errors["file"][0])
    response = ApiClient(college.user("branch")).post_form(
        "/library/materials", {"org": college.branch.pk, "area": "theory", "file": SimpleUploadedFile("慢.pdf", pdf)}
    )
    assert response.status_code == 400
    assert chinese(response.json()["detail"])
    assert not Material.objects.exists()


def test_a_background_extraction_over_the_limits_fails_with_the_reason(
    college, media, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "READ_AT_ONCE_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=True):
        material = services.material_upload(
            actor=system_actor(), org=college.branch, file=SimpleUploadedFile("长篇.pptx", lying_pptx())
        )
    material.refresh_from_db()
    assert material.extraction == "failed"
    assert chinese(material.extraction_error)
    assert "100" in material.extraction_error
