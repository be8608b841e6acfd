"""Notices about opinions and appeals name what they are about and what happened to it."""

import datetime

from dangjian.notices.models import Notice
from dangjian.rights import services

MONDAY = datetime.date(2026, 3, 2)
DECISION = "2026年度民主评议：基本合格"


def test_an_opinion_notice_names_the_opinion(college):
    services.opinion_create(actor=college.member.user, kind="suggestion", title="建议增加线上学习", body="……")
    notice = Notice.objects.get()
    assert "建议增加线上学习" in notice.title
    assert college.branch.name in notice.title


def test_every_appeal_notice_names_the_decision_and_what_happened(college, decisions):
    made = services.appeal_create(
        actor=college.member.user,
        kind=decisions.kind,
        object_id=decisions.add(college.member, college.branch),
        reasons="评议时未考虑我下乡支教一年的工作。",
        today=MONDAY,
    )
    officer = college.user("committee")
    services.appeal_accept(actor=officer, appeal=made)
    services.appeal_answer(actor=officer, appeal=made, answer="维持原决定。")
    sent = list(Notice.objects.order_by("pk"))
    assert [n.recipient for n in sent] == [officer, college.member.user, college.member.user]
    for notice in sent:
        assert DECISION in notice.title
    assert "张三" in sent[0].title
    assert "2026-03-30" in sent[0].title
    assert "受理" in sent[1].title
    assert "答复" in sent[2].title
    assert len({n.title for n in sent}) == 3
