"""Journey: on a laptop, a branch secretary goes from 活动 to 导入以往会议, downloads the template and fills it in
(the organisation and form taken from the template's own drop-down lists); a file with one bad row shows that
row's problem in Chinese and imports nothing; the corrected file imports, and the meeting is marked 事后补录."""

import datetime
import io
import re

import pytest
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from dangjian.study.models import Activity
from tests.browser.conftest import _open, log_in

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THEME = "支部党员大会：讨论发展党员"


def _fill(template: bytes, rows: list[dict[str, object]]) -> bytes:
    """The template's sheet with `rows` under its own header, as a secretary would fill it in Excel."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(template))
    header = [str(title) for title in book.get_sheet_by_index(0).to_python()[0]]
    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer)
    sheet = out.add_worksheet(book.sheet_names[0])
    dates = out.add_format({"num_format": "yyyy-mm-dd"})
    for col, title in enumerate(header):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows, start=1):
        for col, title in enumerate(header):
            value = row.get(title)
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, col, datetime.datetime.combine(value, datetime.time()), dates)
            elif isinstance(value, int):
                sheet.write_number(r, col, value)
            elif value:
                sheet.write_string(r, col, str(value))
    out.close()
    return buffer.getvalue()


def _upload(page: Page, name: str, content: bytes) -> None:
    page.goto("/study/activities/import/")
    page.locator("input[name=file]").set_input_files(files=[{"name": name, "mimeType": XLSX_TYPE, "buffer": content}])
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/study/activities/import/[\w-]+/$"))


def test_the_secretary_imports_a_past_meeting_after_fixing_a_bad_row(new_context, browser_problems, college):
    page = _open(new_context(**LAPTOP), browser_problems)
    log_in(page, college.user("branch"))
    page.goto("/study/activities/")
    page.locator("main a[href='/study/activities/import/']").click()
    expect(page.locator("h1")).to_have_text("导入以往会议")

    with page.expect_download() as info:
        page.locator("main a[href='/study/activities/import/template/']").first.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    template = info.value.path().read_bytes()
    lists = CalamineWorkbook.from_filelike(io.BytesIO(template)).get_sheet_by_name("选项").to_python()
    org_word = next(row[0] for row in lists if str(row[0]).endswith(college.branch.name))
    assert "支部党员大会" in [row[1] for row in lists if len(row) > 1]

    day = timezone.localdate() - datetime.timedelta(days=400)
    meeting = {
        "组织": org_word,
        "形式": "支部党员大会",
        "主题": THEME,
        "日期": day,
        "开始时间": "14:30",
        "结束时间": "16:00",
        "地点": "人文楼101",
        "主讲人": "李书记",
        "会议内容/记录": "讨论接收张三为预备党员，全体到会党员表决同意。",
        "应到人数": 12,
        "实到人数": 10,
    }
    study = meeting | {"形式": "集中学习", "主题": "集中学习党章", "日期": day + datetime.timedelta(days=7)}

    # The second meeting ends before it starts: its row's problem, in Chinese, and nothing imported.
    before = Activity.objects.count()
    _upload(page, "以往会议.xlsx", _fill(template, [meeting, study | {"结束时间": "13:00"}]))
    problems = page.locator("#import-problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text(re.compile(r"第\s*3\s*行"))
    expect(problems.first).to_contain_text("结束时间")
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    assert Activity.objects.count() == before

    # Corrected: both meetings listed, then imported.
    _upload(page, "以往会议-修改.xlsx", _fill(template, [meeting, study]))
    expect(page.locator("#import-records tbody tr")).to_have_count(2)
    expect(page.locator("#import-records")).to_contain_text(THEME)
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("以往会议-修改.xlsx")
    assert Activity.objects.count() == before + 2

    page.locator("main a[href='/study/activities/?when=past']").click()
    row = page.locator("tr", has_text=THEME)
    expect(row).to_contain_text("事后补录")
    row.get_by_role("link", name=THEME).click()
    expect(page.locator("#recorded-afterwards")).to_contain_text("事后补录")
    expect(page.locator("main")).to_contain_text("讨论接收张三为预备党员")
