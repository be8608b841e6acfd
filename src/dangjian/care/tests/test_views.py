import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care import services
from dangjian.care.models import Need, NeedState, Talk, TalkTodo
from dangjian.care.tests.factories import fresh, pdf, raise_need
from dangjian.notices.tests.test_inbox import INBOX_QUERIES


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_raises_a_need_with_a_file_and_follows_it(college):
    client = _client(college.member.user)
    response = client.post(
        reverse("care:need-create"),
        {
            "category": "life",
            "title": "住房困难",
            "description": "租房到期，想了解周转房。",
            "visibility": "secretary",
            "files": pdf(),
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("care:need-detail", args=[need.pk])
    page = client.get(reverse("care:my-needs"))
    assert "住房困难" in page.content.decode()
    detail = client.get(response["Location"]).content.decode()
    assert "租房到期" in detail
    assert "证明.pdf" in detail
    download = client.get(reverse("care:need-attachment", args=[need.pk, need.attachments.get().pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    b"".join(download.streaming_content)


def test_bad_input_re_renders_the_form_with_400_and_changes_nothing(college):
    client = _client(college.member.user)
    response = client.post(reverse("care:need-create"), {"category": "life", "title": "", "description": ""})
    assert response.status_code == 400
    assert not Need.objects.exists()
    exe = pdf("病历.pdf")
    exe.file.write(b"")  # keep a name that looks fine ...
    exe = type(exe)("病历.pdf", b"\x7fELF\x02\x01\x01", content_type="application/pdf")  # ... but not the content
    response = client.post(
        reverse("care:need-create"),
        {"category": "health", "title": "看病", "description": "想请假看病", "visibility": "secretary", "files": exe},
    )
    assert response.status_code == 400
    assert not Need.objects.exists()
    assert "病历.pdf" in response.content.decode()


def test_the_secretary_accepts_and_answers_and_the_member_confirms(college):
    need = raise_need(college.member)
    secretary = _client(college.user("branch"))
    listing = secretary.get(reverse("care:need-list")).content.decode()
    assert need.title in listing
    assert secretary.post(reverse("care:need-accept", args=[need.pk])).status_code == 302
    refused = secretary.post(reverse("care:need-accept", args=[need.pk]))
    assert refused.status_code == 400
    assert secretary.post(reverse("care:need-answer", args=[need.pk]), {"answer": ""}).status_code == 400
    assert secretary.post(reverse("care:need-answer", args=[need.pk]), {"answer": "已安排。"}).status_code == 302
    member = _client(college.member.user)
    assert member.post(reverse("care:need-confirm", args=[need.pk]), {"rating": "9"}).status_code == 400
    assert member.post(reverse("care:need-confirm", args=[need.pk]), {"rating": "4"}).status_code == 302
    assert fresh(need).state == NeedState.CLOSED
    assert fresh(need).rating == 4


def test_the_committee_sees_an_escalated_branch_only_need_in_outline(college):
    need = raise_need(college.member, today=datetime.date(2025, 3, 3), uploads=[pdf()])
    services.need_escalate_overdue(today=datetime.date(2025, 3, 10))
    committee = _client(college.user("committee"))
    listing = committee.get(reverse("care:need-list"), {"state": "overdue"}).content.decode()
    assert f"#{need.pk}" in listing
    assert need.title not in listing
    assert "张三" not in listing
    detail = committee.get(reverse("care:need-detail", args=[need.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert need.title not in text
    assert need.description not in text
    assert "证明.pdf" not in text
    attachment = need.attachments.get()
    assert committee.get(reverse("care:need-attachment", args=[need.pk, attachment.pk])).status_code == 404
    assert committee.post(reverse("care:need-accept", args=[need.pk])).status_code == 404


def test_lists_pin_their_queries(college, django_assert_max_num_queries):
    for i in range(5):
        raise_need(college.member, title=f"诉求{i}")
    client = _client(college.user("branch"))
    client.get(reverse("care:need-list"))
    with django_assert_max_num_queries(15 + INBOX_QUERIES):
        client.get(reverse("care:need-list"))
    member = _client(college.member.user)
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        member.get(reverse("care:my-needs"))


def test_recording_a_talk_from_a_todo(college):
    todo = services.talk_todo_open(
        actor=system_actor(), member=college.member, reason="new_member", detail="新党员", source_key="membership:1"
    )
    client = _client(college.user("branch"))
    assert "新党员" in client.get(reverse("care:todo-list")).content.decode()
    form = client.get(reverse("care:talk-create"), {"todo": todo.pk})
    assert form.status_code == 200
    # Today is filled in as the browser's date picker reads it (ISO), not in the locale's display format.
    assert f'value="{timezone.localdate().isoformat()}"' in form.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    data = {"member": college.member.pk, "officer": college.secretary.pk, "kind": "required", "summary": "谈心"}
    assert client.post(reverse("care:talk-create") + f"?todo={todo.pk}", data | {"held_on": future}).status_code == 400
    assert not Talk.objects.exists()
    response = client.post(
        reverse("care:talk-create") + f"?todo={todo.pk}", data | {"held_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    assert TalkTodo.objects.get().talk == Talk.objects.get()


def test_a_talk_summary_is_confidential(college):
    talk = services.talk_record(
        actor=college.user("branch"),
        member=college.member,
        officer=college.secretary,
        held_on=timezone.localdate(),
        kind="reminder",
        summary="机密的谈话内容",
        follow_up="下月再谈",
    )
    assert (
        "机密的谈话内容"
        in _client(college.user("branch")).get(reverse("care:talk-detail", args=[talk.pk])).content.decode()
    )
    committee_page = (
        _client(college.user("committee")).get(reverse("care:talk-detail", args=[talk.pk])).content.decode()
    )
    assert "机密的谈话内容" not in committee_page
    assert "下月再谈" in committee_page
    mine = _client(college.member.user).get(reverse("care:my-talks")).content.decode()
    assert "李书记" in mine
    assert "机密的谈话内容" not in mine
    assert "下月再谈" not in mine


def test_coverage_page(college):
    client = _client(college.user("branch"))
    response = client.get(reverse("care:coverage"))
    assert response.status_code == 200
    assert "张三" in response.content.decode()  # the secretary has not talked with 张三 yet
    assert client.get(reverse("care:coverage"), {"org": college.group.pk}).status_code == 404


def test_settings_page(college):
    client = _client(college.user("branch"))
    url = reverse("care:settings", args=[college.branch.pk])
    assert client.post(url, {"accept_working_days": "20", "answer_working_days": "10"}).status_code == 400
    assert client.post(url, {"accept_working_days": "2", "answer_working_days": ""}).status_code == 302


def test_coverage_page_shows_the_actors_branch_this_year_without_asking(college):
    """A committee sees several branches; the page opens on its own branch and the current year, not blank."""
    client = _client(college.user("committee"))
    response = client.get(reverse("care:coverage"))
    assert response.status_code == 200
    assert len(response.context["branches"]) == 2
    coverage = response.context["coverage"]
    assert coverage is not None
    assert (coverage.branch, coverage.year) == (college.branch, timezone.localdate().year)
    assert 'id="coverage-table"' in response.content.decode()
    # Another branch on request still answers.
    other = client.get(reverse("care:coverage"), {"org": college.other_branch.pk})
    assert other.context["coverage"].branch == college.other_branch


def test_talks_and_needs_are_listed_a_page_at_a_time(college):
    """Lists that grow year by year show one page and a link to the next, not everything (or a cut-off)."""
    from dangjian.edge.paging import PER_PAGE

    for day in range(PER_PAGE + 1):
        services.talk_record(
            actor=college.user("branch"),
            member=college.member,
            officer=college.secretary,
            held_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            kind="reminder",
            summary="谈心",
            follow_up="",
        )
    client = _client(college.user("branch"))
    first = client.get(reverse("care:talk-list"), {"year": 2025})
    assert len(first.context["page_obj"]) == PER_PAGE
    assert "page=2" in first.content.decode()
    second = client.get(reverse("care:talk-list"), {"year": 2025, "page": "2"})
    assert len(second.context["page_obj"]) == 1
    # A page past the end or no number at all brings a page that exists, not an error.
    assert client.get(reverse("care:talk-list"), {"year": 2025, "page": "9999"}).context["page_obj"].number == 2
    assert client.get(reverse("care:talk-list"), {"year": 2025, "page": "abc"}).context["page_obj"].number == 1

    for i in range(PER_PAGE + 1):
        raise_need(college.member, title=f"诉求{i}")
    needs = client.get(reverse("care:need-list"), {"state": "all"})
    assert len(needs.context["page_obj"]) == PER_PAGE
    assert needs.context["page_obj"].paginator.count == PER_PAGE + 1
    assert "page=2" in needs.content.decode()
    assert client.get(reverse("care:todo-list")).status_code == 200


def test_list_filters_are_compact_filter_bars(college):
    """The care filters use the shared filter bar, not full-width controls."""
    client = _client(college.user("branch"))
    for name in ("care:talk-list", "care:coverage", "care:need-stats"):
        content = client.get(reverse(name)).content.decode()
        assert '<form method="get" class="filters">' in content, name
