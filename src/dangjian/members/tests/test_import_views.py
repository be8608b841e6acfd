"""The import wizard and the export through the pages, end to end."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from python_calamine import CalamineWorkbook

from dangjian.core.models import AuditEvent
from dangjian.members import importing
from dangjian.members.models import Member
from dangjian.members.tests.test_importing import counts, member_row, sheet
from dangjian.members.views.imports import UPLOADS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def upload(client, data: bytes, name: str = "花名册.xlsx"):
    return client.post(reverse("members:import-upload"), {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url.rstrip("/").split("/")[-1]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("committee", 200), ("branch", 200), ("group_leader", 404), ("member", 404), ("auditor", 404)],
)
def test_import_needs_the_right_to_manage_members_somewhere(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("members:import-upload")).status_code == status
    assert client.get(reverse("members:import-template")).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, college):
    response = client.get(reverse("members:import-upload"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_the_upload_page_offers_the_template_and_accepts_only_xlsx(client, college):
    client.force_login(college.user("branch"))
    response = client.get(reverse("members:import-upload"))
    assert b'accept=".xlsx"' in response.content
    assert reverse("members:import-template").encode() in response.content

    template = client.get(reverse("members:import-template"))
    assert template["Content-Type"] == XLSX
    assert "attachment" in template["Content-Disposition"]
    assert CalamineWorkbook.from_filelike(io.BytesIO(template.content)).sheet_names[0] == "党员名册"


def test_a_good_file_goes_from_upload_through_preview_to_the_result(client, college, uploads):
    client.force_login(college.user("branch"))
    rows = [member_row(college.group), member_row(college.branch, number=None)]
    before = counts()

    token = token_of(upload(client, sheet(rows)))
    assert UPLOADS.path(token).exists()
    preview = client.get(reverse("members:import-preview", args=[token]))
    assert preview.status_code == 200
    assert preview.context["preview"].creates == 2
    assert reverse("members:import-confirm", args=[token]).encode() in preview.content
    assert counts() == before  # nothing is written before the confirmation

    confirmed = client.post(reverse("members:import-confirm", args=[token]))
    assert confirmed.status_code == 302
    result = client.get(confirmed.url)
    assert result.status_code == 200
    assert result.context["result"]["created"] == 2
    assert result.context["result"]["accounts_created"] == 1
    assert b"alert-warning" in result.content  # the note that accounts need a one-time password
    assert Member.objects.filter(id_number__in=[r["id_number"] for r in rows]).count() == 2
    assert not UPLOADS.path(token).exists()

    again = client.post(reverse("members:import-confirm", args=[token]))  # a second click imports nothing more
    assert again.status_code == 302
    assert Member.objects.filter(id_number__in=[r["id_number"] for r in rows]).count() == 2


def test_a_file_with_a_bad_row_lists_it_and_cannot_be_confirmed(client, college):
    client.force_login(college.user("committee"))
    bad = member_row(college.group)
    bad["id_number"] = bad["id_number"][:17] + ("1" if bad["id_number"][17] == "0" else "0")
    data = sheet([member_row(college.group), bad])
    before = counts()
    expected = importing.roster_import_preview(actor=college.user("committee"), data=data, filename="x.xlsx").errors

    token = token_of(upload(client, data))
    preview = client.get(reverse("members:import-preview", args=[token]))
    assert preview.status_code == 200
    assert [str(problem.row) for problem in preview.context["preview"].problems] == ["3"]
    for error in expected:
        assert escape(error).encode() in preview.content
    assert reverse("members:import-confirm", args=[token]).encode() not in preview.content

    forced = client.post(reverse("members:import-confirm", args=[token]))
    assert forced.status_code == 400
    assert escape(expected[0]).encode() in forced.content
    assert counts() == before


def test_a_file_that_is_not_xlsx_is_refused_at_upload(client, college, uploads):
    client.force_login(college.user("committee"))
    before = counts()
    response = upload(client, "姓名,性别\n张三,男\n".encode(), "roster.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not list(uploads.glob("*.xlsx"))  # nothing was stored
    assert counts() == before


def test_an_upload_without_a_file_is_refused(client, college):
    client.force_login(college.user("committee"))
    response = client.post(reverse("members:import-upload"), {})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_a_file_over_the_limit_is_refused_at_upload(client, college, settings):
    settings.DANGJIAN_IMPORT_MAX_BYTES = 1000
    client.force_login(college.user("committee"))
    response = upload(client, sheet([member_row(college.group)]))
    assert response.status_code == 400
    assert importing.size_problem(2000) in response.context["form"].errors["file"]


def test_nobody_else_can_see_or_confirm_an_upload(client, college):
    client.force_login(college.user("committee"))
    token = token_of(upload(client, sheet([member_row(college.group)])))
    before = counts()

    client.force_login(college.user("other_branch"))
    assert client.get(reverse("members:import-preview", args=[token])).status_code == 404
    assert client.post(reverse("members:import-confirm", args=[token])).status_code == 404
    assert client.get(reverse("members:import-preview", args=["made-up-token"])).status_code == 404
    assert counts() == before


def test_a_token_in_the_session_of_another_account_is_refused(client, college):
    """The token is bound to the account too, not only to the browser session."""
    client.force_login(college.user("committee"))
    token = token_of(upload(client, sheet([member_row(college.group)])))
    session = client.session
    session[UPLOADS.session_key][token]["user"] = college.user("branch").pk
    session.save()
    assert client.get(reverse("members:import-preview", args=[token])).status_code == 404


def test_confirming_needs_a_post(client, college):
    client.force_login(college.user("committee"))
    token = token_of(upload(client, sheet([member_row(college.group)])))
    assert client.get(reverse("members:import-confirm", args=[token])).status_code == 405


def test_the_export_downloads_the_filtered_list_and_is_audited(client, college):
    client.force_login(college.user("auditor"))  # viewing the roster is enough to export it
    response = client.get(reverse("members:member-export"), {"category": "undergraduate", "sort": "name"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    cells = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert [row[0] for row in cells[1:]] == ["赵学生"]
    event = AuditEvent.objects.get(action="member.export")
    assert event.changes["count"] == 1
    assert event.changes["filters"]["category"] == "undergraduate"


@pytest.mark.parametrize(("role", "status"), [("member", 404), ("branch", 200), ("group_leader", 200)])
def test_the_export_needs_the_right_to_view_members(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("members:member-export")).status_code == status
