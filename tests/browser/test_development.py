"""Journey: a branch secretary registers an applicant, records the steps up to 积极分子 and sees the
clocks' warnings; the same pages on a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.development.models import Person
from dangjian.development.tests.factories import applicant_id
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_secretary_takes_an_applicant_to_activist_and_sees_the_clocks(page: Page, phone_page: Page, college):
    today = timezone.localdate()
    applied = today - datetime.timedelta(days=70)
    talked = applied + datetime.timedelta(days=40)  # later than the month the rule allows

    log_in(page, college.user("branch"))
    page.locator("nav a[href='/development/']").first.click()
    expect(page).to_have_url(re.compile(r"/development/$"))
    page.get_by_role("link", name="登记入党申请").click()
    expect(page).to_have_url(re.compile(r"/development/new/$"))
    page.locator("input[name=name]").fill("孙申请")
    page.locator("input[name=id_number]").fill("12345")  # a mistake first: shown in Chinese, nothing saved
    page.locator("select[name=category]").select_option("undergraduate")
    page.locator("input[name=applied_on]").fill(applied.isoformat())
    page.locator("#person-form button[type=submit]").click()
    expect(page.locator("#person-form .errorlist")).to_contain_text("身份证号")
    assert not Person.objects.exists()
    page.locator("input[name=id_number]").fill(applicant_id())
    page.locator("#person-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/development/\d+/$"))
    person = Person.objects.get()
    assert person.org == college.branch
    # The talk is late: the file says why and what to do.
    expect(page.locator("#clocks")).to_contain_text("收到入党申请书后1个月内派人谈话")
    expect(page.locator("#clocks")).to_contain_text("派人同入党申请人谈话")

    # The talk, late: saved with its warning.
    page.get_by_role("link", name="记录步骤").first.click()
    page.locator("select[name=step]").select_option("talk")
    page.locator("input[name=on]").fill(talked.isoformat())
    page.locator("#step-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/development/{person.pk}/$"))
    expect(page.locator("main")).to_contain_text("晚于")
    # The activist, named today, and the filing: the stage moves and the review clock starts.
    for step in ("activist", "activist_filed"):
        page.get_by_role("link", name="记录步骤").first.click()
        page.locator("select[name=step]").select_option(step)
        page.locator("input[name=on]").fill(today.isoformat())
        page.locator("#step-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/development/{person.pk}/$"))
    expect(page.locator("h1")).to_contain_text("入党积极分子")
    expect(page.locator("#stage-activist")).to_contain_text("每半年对入党积极分子进行一次考察")
    person.refresh_from_db()
    assert person.stage == "activist"
    assert list(person.steps.values_list("step", flat=True)) == ["application", "talk", "activist", "activist_filed"]

    # Too early to be a candidate: saved, with the rule's warning.
    page.get_by_role("link", name="记录步骤").first.click()
    page.locator("select[name=step]").select_option("candidate")
    page.locator("input[name=on]").fill(today.isoformat())
    page.locator("#step-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("不满12个月")

    # The pipeline on a phone: the person in the candidates' column, nothing sticks out.
    log_in(phone_page, college.user("branch"))
    phone_page.goto("/development/")
    expect(phone_page.locator("#stage-candidate")).to_contain_text("孙申请")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    phone_page.goto(f"/development/{person.pk}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
