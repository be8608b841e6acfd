"""Journey: on a laptop, a committee officer creates a 党政联席会议, publishes it, records the dean (not a
member here) by name and post, adds an agenda item from the 行政 side, approves it and records a decision owned
by the branch secretary concerning the branch; the secretary finds it in 待办 and in 学院决定事项 and records it
done, and it leaves the inbox."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.study.models import Decision, DecisionStatus
from tests.browser.conftest import _open, log_in, pick

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
THEME = "2026年第3次党政联席会议"
DECISION = "各支部于月底前完成本学期课程思政教学案例征集"


def _save(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def test_a_joint_meeting_decision_reaches_the_branch_secretary(new_context, browser_problems, college):
    starts = timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    due = timezone.localdate() + datetime.timedelta(days=20)

    page = _open(new_context(**LAPTOP), browser_problems)
    log_in(page, college.user("committee"))
    page.locator("a[href='/study/decisions/']").first.click()
    expect(page.locator("h1")).to_have_text("学院决定事项")
    page.locator("main a[href='/study/committee-meetings/']").click()
    page.locator("main a[href='/study/committee-meetings/new/']").click()
    expect(page.locator("h1")).to_have_text("新建党委会或党政联席会议")

    page.locator("select[name=form]").select_option("joint_meeting")
    page.locator("input[name=theme]").fill(THEME)
    page.locator("input[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=ends_at]").fill((starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=place]").fill("人文楼会议室")
    _save(page)
    expect(page).to_have_url(re.compile(r"/study/committee-meetings/\d+/$"))
    detail = page.url
    expect(page.locator("h1")).to_contain_text(THEME)
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#attendance")).to_contain_text("吕书记")  # the committee's officers are expected

    # The dean, a leader who is not a member here, by name and post.
    page.get_by_role("link", name="登记非本平台党员的领导").click()
    page.locator("input[name=name]").fill("周院长")
    page.locator("input[name=post]").fill("院长")
    page.get_by_role("radio", name="行政").check()
    _save(page)
    expect(page).to_have_url(detail)
    expect(page.locator("#attendance")).to_contain_text("周院长（院长）")

    # An agenda item the administration puts forward, approved at the meeting.
    page.get_by_role("link", name="添加议题").click()
    page.locator("input[name=title]").fill("关于课程思政教学案例征集的方案")
    page.get_by_role("radio", name="行政").check()
    page.locator("input[name=proposer_name]").fill("周院长")
    page.locator("input[name=proposer_post]").fill("院长")
    _save(page)
    expect(page).to_have_url(detail)
    item = page.locator("#agenda li", has_text="关于课程思政教学案例征集的方案")
    expect(item).to_contain_text("周院长（院长）")
    item.get_by_role("link", name="修改议题或登记议定结果").click()
    page.locator("select[name=outcome]").select_option("approved")
    page.locator("textarea[name=resolution]").fill("同意方案，由各支部组织落实。")
    _save(page)
    expect(page).to_have_url(detail)

    # The decision: carried out by the Party side, owned by the branch secretary, concerning the branch.
    item.get_by_role("link", name="登记决定事项").click()
    page.locator("textarea[name=text]").fill(DECISION)
    page.get_by_role("radio", name="党委").check()
    pick(page, "owner", "李书记", "李书记")
    expect(page.locator("select[name=owner]")).to_have_value(str(college.secretary.pk))
    page.locator("input[name=due_on]").fill(due.isoformat())
    page.get_by_role("checkbox", name=college.branch.name).check()
    _save(page)
    expect(page).to_have_url(detail)
    expect(item.locator(".decision-list")).to_contain_text(DECISION)
    expect(item.locator(".decision-list")).to_contain_text("李书记")

    # The branch secretary: in 待办, and among the college's decisions.
    secretary = _open(new_context(**LAPTOP), browser_problems)
    log_in(secretary, college.user("branch"))
    secretary.goto("/notices/todo/")
    todo = secretary.locator(".inbox-item[data-kind='study.decision_carry_out']")
    expect(todo).to_contain_text(DECISION[:20])
    expect(todo).to_contain_text(THEME)
    secretary.locator("a[href='/study/decisions/']").first.click()
    row = secretary.locator("#decision-results tr", has_text=DECISION)
    expect(row).to_contain_text(college.branch.name)
    expect(row).to_contain_text(due.isoformat())
    expect(row).to_contain_text("未办结")
    row.get_by_role("link").click()
    expect(secretary.locator("main")).to_contain_text(DECISION)
    secretary.get_by_role("link", name="登记办结").click()
    expect(secretary.locator("input[name=done_on]")).to_have_value(timezone.localdate().isoformat())
    expect(secretary.locator("main")).to_contain_text(THEME)
    expect(secretary.locator("main a[href^='/study/committee-meetings/']")).to_have_count(0)  # not theirs to see
    secretary.locator("textarea[name=note]").fill("已收集案例12个并报学院")
    _save(secretary)
    expect(secretary).to_have_url(re.compile(r"/study/decisions/\d+/$"))
    expect(secretary.locator("main")).to_contain_text("已收集案例12个并报学院")
    expect(secretary.locator("h1 .badge")).to_have_text("已完成")
    assert Decision.objects.get().status == DecisionStatus.DONE

    secretary.goto("/notices/todo/")
    expect(secretary.locator("#inbox")).to_be_visible()
    expect(secretary.locator(".inbox-item[data-kind='study.decision_carry_out']")).to_have_count(0)
