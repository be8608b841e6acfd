"""A roster workbook built to exhaust the server is refused with a reason, and nothing is imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from dangjian.core.files import ARCHIVE_MAX_ENTRIES
from dangjian.core.tests.bombs import MIB, lying_about, package_with
from dangjian.members import importing
from dangjian.members.tests.test_importing import counts, member_row, sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_XML = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def xml_bomb(base: bytes) -> bytes:
    """The roster with 300 MB of empty rows in its sheet, under a megabyte on disk."""
    rows = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>" * 20_000
    return package_with(base, replace={SHEET_XML: (b"<worksheet><sheetData>" + rows, 300 * MIB)})


def lying_bomb(base: bytes) -> bytes:
    """The roster holding a 64 MB zero-filled part that declares 1 KB: only inflating it finds out."""
    return lying_about(
        package_with(base, add={"xl/media/image1.png": (bytes(MIB), 64 * MIB)}), "xl/media/image1.png", 1024
    )


def crowded(base: bytes) -> bytes:
    return package_with(base, add={f"xl/extra/part{i}.xml": b"" for i in range(ARCHIVE_MAX_ENTRIES + 1)})


def chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.mark.parametrize(("build", "shown"), [(xml_bomb, "256 MB"), (crowded, str(ARCHIVE_MAX_ENTRIES))])
def test_a_bomb_is_refused_at_upload_and_nothing_is_stored(client, college, uploads, build, shown):
    client.force_login(college.user("committee"))
    data = build(sheet([member_row(college.group)]))
    assert len(data) < 2 * MIB
    before = counts()
    response = client.post(reverse("members:import-upload"), {"file": SimpleUploadedFile("花名册.xlsx", data, XLSX)})
    assert response.status_code == 400
    [error] = response.context["form"].errors["file"]
    assert chinese(error)
    assert shown in error
    assert not uploads.exists() or not list(uploads.iterdir())
    assert counts() == before


def test_a_bomb_that_lies_about_its_sizes_is_caught_while_reading(client, college, uploads):
    client.force_login(college.user("committee"))
    data = lying_bomb(sheet([member_row(college.group)]))
    assert importing.file_problem(data, "花名册.xlsx") is None  # its directory looks harmless
    before = counts()
    response = client.post(reverse("members:import-upload"), {"file": SimpleUploadedFile("花名册.xlsx", data, XLSX)})
    token = response.url.rstrip("/").split("/")[-1]
    preview = client.get(reverse("members:import-preview", args=[token]))
    assert preview.status_code == 200
    [problem] = preview.context["preview"].errors
    assert chinese(problem)
    assert "100" in problem
    assert escape(problem).encode() in preview.content
    confirmed = client.post(reverse("members:import-confirm", args=[token]))
    assert confirmed.status_code == 400
    assert counts() == before


def test_the_services_refuse_it_too(college):
    actor = college.user("committee")
    data = lying_bomb(sheet([member_row(college.group)]))
    before = counts()
    preview = importing.roster_import_preview(actor=actor, data=data, filename="x.xlsx")
    assert not preview.ok
    with pytest.raises(importing.ImportRejected):
        importing.roster_import_apply(actor=actor, data=data, filename="x.xlsx")
    assert counts() == before


def test_a_reader_over_its_time_is_stopped(college, settings, monkeypatch):
    from dangjian.members.importing import cells

    monkeypatch.setattr(cells, "SHEET_READER", "dangjian.core.tests.children:spin")
    settings.DANGJIAN_READ_SECONDS = 1
    preview = importing.roster_import_preview(
        actor=college.user("committee"), data=sheet([member_row(college.group)]), filename="x.xlsx"
    )
    [problem] = preview.errors
    assert "1 秒" in problem
