"""Journey: a member files a need on a phone; the secretary accepts and answers it on a desktop;
the member confirms and rates the answer."""

import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.care.models import Need
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

TITLE = "租房合同到期，想了解周转房"
DESCRIPTION = "入职第二年，租住的房子下月到期，想了解学校青年教师周转房的申请条件。"
ANSWER = "青年教师周转房每学期受理一次，申请表和条件已发到你的邮箱，下周一前交给学院办公室即可。"


def test_a_member_files_a_need_on_a_phone_and_the_secretary_answers_it(page: Page, phone_page: Page, college, tmp_path):
    # 张三 files the need on his phone, with a photo of the contract.
    photo = tmp_path / "合同.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    log_in(phone_page, college.user("member"))
    phone_page.goto("/care/my/needs/")
    phone_page.locator("main a[href='/care/needs/new/']").first.click()
    expect(phone_page).to_have_url(re.compile(r"/care/needs/new/$"))
    phone_page.locator("select[name=category]").select_option("life")
    phone_page.locator("input[name=title]").fill(TITLE)
    phone_page.locator("textarea[name=description]").fill(DESCRIPTION)
    phone_page.locator("input[name=visibility][value=secretary]").check()
    phone_page.locator("input[name=files]").set_input_files(str(photo))
    # Nothing sticks out of a phone's screen.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    phone_page.locator("#need-form button[type=submit]").click()
    expect(phone_page).to_have_url(re.compile(r"/care/needs/\d+/$"))
    need = Need.objects.get()
    assert need.state == "submitted"
    assert need.org == college.branch
    expect(phone_page.locator("#need-description")).to_contain_text(DESCRIPTION)
    expect(phone_page.locator("main")).to_contain_text("合同.png")

    # The branch secretary finds it in the open needs, accepts and answers it.
    log_in(page, college.user("branch"))
    page.goto("/care/needs/")
    page.locator("#need-table a", has_text=TITLE).click()
    expect(page).to_have_url(re.compile(rf"/care/needs/{need.pk}/$"))
    expect(page.locator("#need-description")).to_contain_text(DESCRIPTION)
    page.locator("#accept-form button[type=submit]").click()
    expect(page.locator("#answer-form")).to_be_visible()
    page.locator("#answer-form textarea[name=answer]").fill(ANSWER)
    page.locator("#answer-form button[type=submit]").click()
    expect(page.locator("#need-answer")).to_contain_text(ANSWER)
    need.refresh_from_db()
    assert need.state == "answered"

    # 张三 reads the answer on his phone, confirms it and rates it 5.
    phone_page.goto("/care/my/needs/")
    phone_page.locator("#my-needs a", has_text=TITLE).click()
    expect(phone_page.locator("#need-answer")).to_contain_text(ANSWER)
    phone_page.locator("#confirm-form input[name=rating][value='5']").check()
    phone_page.locator("#confirm-form button[type=submit]").click()
    expect(phone_page.locator("#confirm-form")).to_have_count(0)
    expect(phone_page.locator("#need-history li")).to_have_count(4)
    need.refresh_from_db()
    assert need.state == "closed"
    assert need.rating == 5
    assert list(need.events.values_list("kind", flat=True)) == ["submitted", "accepted", "answered", "confirmed"]
