"""Journey: removing something asks first, in the page's own dialog; cancelling keeps it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.study.models import SelfStudy
from dangjian.study.services.selfstudy import self_study_log
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_removal_is_confirmed_in_a_dialog(phone_page: Page, college):
    entry = self_study_log(
        actor=college.user("member"),
        studied_on=timezone.localdate() - datetime.timedelta(days=1),
        minutes=45,
        title="自学《中国共产党章程》",
    )
    log_in(phone_page, college.user("member"))
    phone_page.goto(f"/study/self-study/{entry.pk}/edit/")
    remove = phone_page.get_by_role("button", name="删除此记录")
    dialog = phone_page.locator("#confirm-dialog")

    remove.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("删除这条自学记录？")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert SelfStudy.objects.filter(pk=entry.pk).exists()

    remove.click()
    dialog.get_by_role("button", name="确定").click()
    expect(phone_page.locator(".toast")).to_be_visible()
    assert not SelfStudy.objects.filter(pk=entry.pk).exists()
