"""The pages: the rights, writing and answering opinions, the follow-up by code, appeals."""

import datetime

import pytest
from django.urls import reverse

from dangjian.accounts.system import system_actor
from dangjian.core.models import AuditEvent
from dangjian.members import services as member_services
from dangjian.notices.tests.test_inbox import INBOX_QUERIES
from dangjian.rights import services
from dangjian.rights.models import Appeal, AppealStatus, Opinion, OpinionStatus

PAGES = {
    "index": {"anonymous": 302, "admin": 200, "member": 200, "auditor": 200, "branch": 200},
    "mine": {"anonymous": 302, "admin": 200, "member": 200},
    "opinion-create": {"anonymous": 302, "admin": 200, "member": 200},
    "opinion-follow-up": {"anonymous": 302, "member": 200, "auditor": 200},
    "opinion-list": {"anonymous": 302, "member": 404, "group_leader": 404, "auditor": 404, "branch": 200},
    "appeal-create": {"anonymous": 302, "member": 200, "admin": 200},
    "appeal-list": {"anonymous": 302, "member": 404, "auditor": 404, "committee": 200, "other_branch": 200},
}


@pytest.mark.parametrize(
    ("name", "role", "status"), [(n, r, s) for n, roles in PAGES.items() for r, s in roles.items()]
)
def test_who_may_open_each_page(client, college, name, role, status):
    if role != "anonymous":
        client.force_login(college.user(role))
    assert client.get(reverse(f"rights:{name}")).status_code == status


def test_a_full_member_sees_eight_rights_with_ways_to_use_them(client, college):
    client.force_login(college.member.user)
    response = client.get(reverse("rights:index"))
    rows = response.context["overview"].rows
    assert len(rows) == 8
    assert all(row.held for row in rows)
    page = response.content.decode()
    assert reverse("rights:opinion-create") + "?kind=criticism" in page
    assert reverse("rights:appeal-create") in page
    assert reverse("study:my-study") in page
    assert reverse("library:index") in page


def test_a_probationary_member_sees_all_but_the_vote(client, college):
    member_services.member_update(actor=system_actor(), member=college.member, full_member_on=None)
    client.force_login(college.member.user)
    response = client.get(reverse("rights:index"))
    overview = response.context["overview"]
    assert overview.probationary
    assert [row.right.code for row in overview.rows if not row.held] == ["vote"]
    assert [row.links for row in overview.rows if not row.held] == [[]]
    assert "Article 7" in response.content.decode() or "第七条" in response.content.decode()


def test_the_vote_links_to_the_evaluation(client, college):
    url = reverse("evaluation:campaign-list")
    client.force_login(college.member.user)
    assert url in client.get(reverse("rights:index")).content.decode()


def test_an_account_without_a_member_record_sees_the_rights_without_ways(client, college):
    client.force_login(college.user("admin"))
    response = client.get(reverse("rights:index"))
    assert all(row.links == [] for row in response.context["overview"].rows)
    response = client.post(reverse("rights:opinion-create"), {"kind": "suggestion", "title": "t", "body": "b"})
    assert response.status_code == 400
    assert Opinion.objects.count() == 0


def test_a_member_sends_a_named_suggestion_and_reads_the_answer(client, college):
    client.force_login(college.member.user)
    response = client.get(reverse("rights:opinion-create") + "?kind=suggestion")
    assert response.context["form"].initial["kind"] == "suggestion"
    response = client.post(
        reverse("rights:opinion-create"),
        {"kind": "suggestion", "target": "committee", "title": "增加实践教学", "body": "建议组织参观考察。"},
    )
    opinion = Opinion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rights:opinion-detail", args=[opinion.pk])
    assert opinion.org == college.committee

    officer = college.user("committee")
    client.force_login(officer)
    detail = client.get(reverse("rights:opinion-detail", args=[opinion.pk]))
    assert detail.context["can_answer"]
    assert "张三" in detail.content.decode()
    response = client.post(reverse("rights:opinion-answer", args=[opinion.pk]), {"answer": "已列入下学期计划。"})
    assert response.status_code == 302
    assert Opinion.objects.get().status == OpinionStatus.ANSWERED

    client.force_login(college.member.user)
    page = client.get(reverse("rights:opinion-detail", args=[opinion.pk])).content.decode()
    assert "已列入下学期计划。" in page
    assert "增加实践教学" in client.get(reverse("rights:mine")).content.decode()


def test_bad_input_shows_the_form_again_with_the_message(client, college):
    client.force_login(college.member.user)
    response = client.post(reverse("rights:opinion-create"), {"kind": "criticism", "title": "  ", "body": "内容"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert Opinion.objects.count() == 0


def test_an_empty_answer_is_shown_again(client, college):
    opinion = services.opinion_create(actor=college.member.user, kind="suggestion", title="建议", body="内容").opinion
    client.force_login(college.secretary.user)
    response = client.post(reverse("rights:opinion-answer", args=[opinion.pk]), {"answer": " "})
    assert response.status_code == 400
    assert Opinion.objects.get().status == OpinionStatus.OPEN


def test_the_author_may_not_answer_and_others_do_not_see_it(client, college):
    opinion = services.opinion_create(actor=college.member.user, kind="suggestion", title="建议", body="内容").opinion
    client.force_login(college.member.user)
    assert client.post(reverse("rights:opinion-answer", args=[opinion.pk]), {"answer": "自答"}).status_code == 403
    client.force_login(college.user("other_branch"))
    assert client.get(reverse("rights:opinion-detail", args=[opinion.pk])).status_code == 404
    assert client.post(reverse("rights:opinion-answer", args=[opinion.pk]), {"answer": "x"}).status_code == 404


def test_an_anonymous_writer_follows_the_answer_with_the_code(client, college):
    client.force_login(college.member.user)
    response = client.post(
        reverse("rights:opinion-create"),
        {"kind": "criticism", "title": "会议走过场", "body": "请上级党委关注。", "anonymous": "on"},
    )
    code = response.context["code"]
    opinion = Opinion.objects.get()
    services.opinion_answer(actor=college.user("committee"), opinion=opinion, answer="党委已约谈支部书记。")

    url = reverse("rights:opinion-follow-up")
    wrong = client.post(url, {"code": "AAAA-AAAA-AAAA-AAAA"})
    assert wrong.status_code == 400
    assert wrong.context["opinion"] is None
    assert client.post(url, {"code": "nonsense"}).status_code == 400
    right = client.post(url, {"code": code.lower()})
    assert right.status_code == 200
    assert right.context["opinion"] == opinion
    assert "党委已约谈支部书记。" in right.content.decode()
    # The writer's own list does not show it; the receiving officer sees it as anonymous.
    client.force_login(college.user("committee"))
    page = client.get(reverse("rights:opinion-list")).content.decode()
    assert "会议走过场" in page
    assert "张三" not in page


def test_the_officers_lists_filter_and_hold_their_query_count(client, college, django_assert_max_num_queries):
    for i in range(12):
        services.opinion_create(actor=college.member.user, kind="suggestion", title=f"建议{i}", body="内容")
    services.opinion_create(actor=college.member.user, kind="suggestion", title="匿名", body="内容", anonymous=True)
    client.force_login(college.secretary.user)
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        response = client.get(reverse("rights:opinion-list"))
    assert len(response.context["page_obj"]) == 13
    response = client.get(reverse("rights:opinion-list"), {"status": "answered"})
    assert len(response.context["page_obj"]) == 0
    partial = client.get(reverse("rights:opinion-list"), headers={"HX-Request": "true", "HX-Target": "rights-results"})
    assert b"<html" not in partial.content


def _appeal(college, decisions):
    return services.appeal_create(
        actor=college.member.user,
        kind=decisions.kind,
        object_id=decisions.add(college.member, college.branch),
        reasons="理由",
    )


def test_a_member_appeals_from_the_form(client, college, decisions):
    pk = decisions.add(college.member, college.branch)
    client.force_login(college.member.user)
    page = client.get(reverse("rights:appeal-create"))
    assert page.status_code == 200
    key = f"{decisions.kind}:{pk}"
    assert key in page.content.decode()
    response = client.post(reverse("rights:appeal-create"), {"decision": key, "reasons": "评议未考虑支教经历。"})
    made = Appeal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rights:appeal-detail", args=[made.pk])
    page = client.get(response.url).content.decode()
    assert "评议未考虑支教经历。" in page
    assert made.due_on.isoformat() in page


def test_an_appeal_against_someone_elses_decision_is_refused_clearly(client, college, decisions):
    theirs = decisions.add(college.other_member, college.other_branch)
    client.force_login(college.member.user)
    decisions.add(college.member, college.branch)  # so that the form is offered
    response = client.post(
        reverse("rights:appeal-create"), {"decision": f"{decisions.kind}:{theirs}", "reasons": "理由"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["decision"]
    assert Appeal.objects.count() == 0
    response = client.post(reverse("rights:appeal-create"), {"decision": "nothing:1", "reasons": "理由"})
    assert response.status_code == 400
    assert Appeal.objects.count() == 0


def test_the_officer_accepts_and_answers_and_the_member_may_withdraw_only_while_open(client, college, decisions):
    made = _appeal(college, decisions)
    client.force_login(college.member.user)
    assert client.post(reverse("rights:appeal-accept", args=[made.pk])).status_code == 403
    client.force_login(college.user("committee"))
    assert client.get(reverse("rights:appeal-detail", args=[made.pk])).context["can_handle"]
    assert client.post(reverse("rights:appeal-accept", args=[made.pk])).status_code == 302
    assert client.post(reverse("rights:appeal-answer", args=[made.pk]), {"answer": ""}).status_code == 400
    assert client.post(reverse("rights:appeal-answer", args=[made.pk]), {"answer": "维持。"}).status_code == 302
    assert Appeal.objects.get().status == AppealStatus.ANSWERED
    assert client.post(reverse("rights:appeal-withdraw", args=[made.pk])).status_code == 403
    client.force_login(college.member.user)
    response = client.post(reverse("rights:appeal-withdraw", args=[made.pk]), follow=True)
    assert Appeal.objects.get().status == AppealStatus.ANSWERED
    assert "closed" in response.content.decode() or "已结束" in response.content.decode()


def test_an_overdue_appeal_is_marked_as_such(client, college, decisions):
    made = _appeal(college, decisions)
    Appeal.objects.filter(pk=made.pk).update(due_on=datetime.date(2020, 1, 1), submitted_on=datetime.date(2019, 12, 1))
    client.force_login(college.user("committee"))
    assert client.get(reverse("rights:appeal-detail", args=[made.pk])).context["overdue"]
    listed = client.get(reverse("rights:appeal-list"), {"status": "overdue"})
    assert list(listed.context["page_obj"]) == [Appeal.objects.get()]


def test_the_member_withdraws_an_open_appeal(client, college, decisions):
    made = _appeal(college, decisions)
    client.force_login(college.member.user)
    assert client.post(reverse("rights:appeal-withdraw", args=[made.pk])).status_code == 302
    assert Appeal.objects.get().status == AppealStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="appeal.withdraw").count() == 1


def test_mine_lists_the_members_appeals(client, college, decisions):
    made = _appeal(college, decisions)
    client.force_login(college.member.user)
    page = client.get(reverse("rights:mine")).content.decode()
    assert reverse("rights:appeal-detail", args=[made.pk]) in page
    # A list that fits a phone, not a table whose status column runs off the screen.
    appeals = page.split('id="my-appeals"')[1].split("</ul>")[0]
    assert reverse("rights:appeal-detail", args=[made.pk]) in appeals
    assert "<table" not in page
    assert 'class="badge' in appeals


def test_the_appeal_list_holds_its_query_count(client, college, decisions, django_assert_max_num_queries):
    for _i in range(8):
        _appeal(college, decisions)
    client.force_login(college.user("committee"))
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        response = client.get(reverse("rights:appeal-list"))
    assert len(response.context["page_obj"]) == 8
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        client.get(reverse("rights:mine"))
