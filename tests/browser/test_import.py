"""Journey: a branch secretary imports a roster from Excel; one bad row imports nothing, the fixed sheet imports."""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from dangjian.core.models import AuditEvent
from dangjian.members.models import Member
from dangjian.members.rules import id_check_code
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_COLUMNS = {"出生日期", "入党日期", "转正日期"}


def id_number(region: str, birth: datetime.date, order: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_code(first17)


def wrong_check_digit(value: str) -> str:
    return value[:17] + ("0" if value[17] != "0" else "1")


# Rows keyed by the sheet's headers.
ZHOU = {  # a man: the ID's 17th digit is odd
    "姓名": "周明远",
    "性别": "男",
    "民族": "汉族",
    "出生日期": datetime.date(1988, 4, 12),
    "身份证号": id_number("310104", datetime.date(1988, 4, 12), 123),
    "学历": "博士研究生",
    "人员类别": "教职工",
    "工号/学号": "T300001",
    "手机号": "13912345678",
    "入党日期": datetime.date(2010, 6, 1),
    "转正日期": datetime.date(2011, 6, 1),
    "所在党组织": "B01 哲学系教工党支部",  # as the template's drop-down writes it
}
LIN = {  # a woman, still a probationary member, in the branch's group
    "姓名": "林晓雯",
    "性别": "女",
    "民族": "回族",
    "出生日期": datetime.date(1995, 11, 3),
    "身份证号": id_number("310104", datetime.date(1995, 11, 3), 246),
    "学历": "硕士研究生",
    "人员类别": "教职工",
    "工号/学号": "T300002",
    "手机号": "13987654321",
    "入党日期": timezone.localdate() - datetime.timedelta(days=90),
    "转正日期": None,
    "所在党组织": "G01",
}
# The sheet's headers are a file format in Chinese (see `dangjian.members.exporting.COLUMNS`).
HEADERS = list(ZHOU)


def roster_sheet(rows: list[dict]) -> bytes:
    """An .xlsx roster as a committee would fill it in: text for numbers, real dates for dates."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("党员名册")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col, header)
    for row_index, row in enumerate(rows, start=1):
        for col, header in enumerate(HEADERS):
            value = row[header]
            if value is None:
                continue
            if header in DATE_COLUMNS:
                sheet.write_datetime(row_index, col, datetime.datetime.combine(value, datetime.time()), date_format)
            else:
                sheet.write_string(row_index, col, value)
    book.close()
    return buffer.getvalue()


def upload(page: Page, filename: str, content: bytes) -> None:
    page.goto("/members/import/")
    page.locator("input[name=file]").set_input_files(
        files=[{"name": filename, "mimeType": XLSX_TYPE, "buffer": content}]
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/members/import/[\w-]+/$"))


def test_import_with_a_bad_row_imports_nothing_then_the_fixed_sheet_imports(page: Page, college):
    log_in(page, college.user("branch"))
    page.goto("/members/import/")

    # The template downloads as an .xlsx roster.
    with page.expect_download() as info:
        page.locator("a[href='/members/import/template/']").first.click()
    template = info.value
    assert template.suggested_filename.endswith(".xlsx")
    content = template.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "xl/workbook.xml" in archive.namelist()
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    header = book.get_sheet_by_index(0).to_python()[0]
    assert {"姓名", "身份证号", "所在党组织"} <= set(header)

    # One row with a wrong check digit: the preview names the row and nothing is imported.
    before = Member.objects.count()
    bad_lin = LIN | {"身份证号": wrong_check_digit(LIN["身份证号"])}
    upload(page, "roster-bad.xlsx", roster_sheet([ZHOU, bad_lin]))
    problems = page.locator("#import-problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text(re.compile(r"Row 3\b|第\s*3\s*行"))
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    assert Member.objects.count() == before

    # The fixed sheet: preview, confirm, result.
    upload(page, "roster-fixed.xlsx", roster_sheet([ZHOU, LIN]))
    expect(page.locator("#import-problems")).to_have_count(0)
    assert Member.objects.count() == before  # previewing writes nothing
    confirm_url = page.url
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    expect(page).to_have_url(confirm_url)  # the result is shown where the preview was
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("roster-fixed.xlsx")

    assert Member.objects.count() == before + 2
    zhou = Member.objects.get(id_number=ZHOU["身份证号"])
    lin = Member.objects.get(id_number=LIN["身份证号"])
    assert (zhou.org_id, zhou.gender, zhou.number) == (college.branch.pk, "male", "T300001")
    assert (lin.org_id, lin.gender, lin.full_member_on) == (college.group.pk, "female", None)
    assert AuditEvent.objects.filter(action="member.import", actor=college.user("branch")).count() == 1

    # The new members are on the roster page.
    page.locator("main a[href='/members/']").first.click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    results = page.locator("#member-results")
    expect(results.get_by_role("link", name="周明远", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="林晓雯", exact=True)).to_be_visible()
