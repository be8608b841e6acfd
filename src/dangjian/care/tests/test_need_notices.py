"""Notices about a need name it and say what happened: its subject and category to those who may read
it in full, its outline only to the organisation above."""

import datetime

from dangjian.care import services
from dangjian.care.tests.factories import raise_need
from dangjian.notices.models import Notice

MONDAY = datetime.date(2025, 3, 3)


def latest(user) -> Notice:
    return Notice.objects.filter(recipient=user).latest("pk")


def test_every_step_names_the_need_and_what_happened(college):
    secretary, member = college.user("branch"), college.user("member")
    need = raise_need(college.member, title="孩子入学咨询")
    told = latest(secretary)
    assert "孩子入学咨询" in told.title
    assert "张三" in told.title
    assert str(need.get_category_display()) in told.title

    services.need_accept(actor=secretary, need=need)
    accepted = latest(member)
    assert "孩子入学咨询" in accepted.title
    assert college.branch.name in accepted.title
    assert "受理" in accepted.title

    services.need_note(actor=secretary, need=need, text="已联系附小。")
    noted = latest(member)
    assert "孩子入学咨询" in noted.title
    assert noted.body == "已联系附小。"
    assert noted.title != accepted.title

    services.need_answer(actor=secretary, need=need, answer="附小接收教工子女。")
    answered = latest(member)
    assert "孩子入学咨询" in answered.title
    assert "答复" in answered.title

    services.need_reopen(actor=member, need=need, reason="材料清单还没收到。")
    reopened = latest(secretary)
    assert "孩子入学咨询" in reopened.title
    assert "材料清单还没收到。" in reopened.body
    titles = [accepted.title, noted.title, answered.title]
    assert len(set(titles)) == len(titles)


def test_the_organisation_above_reads_only_the_outline_of_an_overdue_need(college):
    need = raise_need(college.member, title="孩子入学咨询", today=MONDAY)
    assert services.need_escalate_overdue(today=datetime.date(2025, 3, 7)) == 1
    above = latest(college.user("committee"))
    assert "孩子" not in above.title + above.body
    assert college.branch.name in above.title
    assert str(need.get_category_display()) in above.title
    mine = latest(college.user("member"))
    assert "孩子入学咨询" in mine.title
    assert college.committee.name in mine.title
