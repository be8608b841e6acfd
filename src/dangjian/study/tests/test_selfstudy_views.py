import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from python_calamine import CalamineWorkbook

from dangjian.core.models import AuditEvent
from dangjian.notices.tests.test_inbox import INBOX_QUERIES
from dangjian.study.models import ReadingList, SelfStudy
from dangjian.study.tests.factories_selfstudy import (
    COPIED,
    REFLECTION,
    attend,
    local,
    make_activity,
    reading_list,
    self_study,
)

TODAY = timezone.localdate()
YEAR = TODAY.year

PAGES = {
    "selfstudy-list": {"anonymous": 302, "admin": 200, "member": 200, "auditor": 200, "branch": 200},
    "my-hours": {"anonymous": 302, "admin": 200, "member": 200, "auditor": 200},
    "readinglist-list": {"anonymous": 302, "member": 200, "branch": 200, "auditor": 200},
    "readinglist-create": {
        "anonymous": 302,
        "member": 404,
        "group_leader": 404,
        "auditor": 404,
        "branch": 200,
        "committee": 200,
    },
    "reflection-list": {"anonymous": 302, "member": 404, "group_leader": 200, "auditor": 200, "branch": 200},
    "ledger": {"anonymous": 302, "member": 404, "group_leader": 200, "auditor": 200, "committee": 200, "admin": 200},
    "ledger-export": {"anonymous": 302, "member": 404, "branch": 200},
}


@pytest.mark.parametrize(
    ("name", "role", "status"), [(n, r, s) for n, roles in PAGES.items() for r, s in roles.items()]
)
def test_who_may_open_each_page(client, college, name, role, status):
    if role != "anonymous":
        client.force_login(college.user(role))
    assert client.get(reverse(f"study:{name}")).status_code == status


def test_a_member_logs_self_study_from_the_phone_page(client, college):
    client.force_login(college.user("member"))
    url = reverse("study:selfstudy-list")
    response = client.post(
        url, {"studied_on": TODAY.isoformat(), "minutes": "45", "title": "学习党章", "reflection": ""}
    )
    assert response.status_code == 302
    entry = SelfStudy.objects.get()
    assert (entry.member, entry.minutes) == (college.member, 45)
    assert "学习党章" in client.get(url).content.decode()


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(client, college):
    client.force_login(college.user("member"))
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(
        reverse("study:selfstudy-list"), {"studied_on": tomorrow.isoformat(), "minutes": "30", "title": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["studied_on"]
    response = client.post(
        reverse("study:selfstudy-list"), {"studied_on": TODAY.isoformat(), "minutes": "1441", "title": "x"}
    )
    assert "minutes" in response.context["form"].errors
    assert not SelfStudy.objects.exists()


def test_edit_and_delete_own_entries_only(client, college):
    entry = self_study(college.member, TODAY, 30)
    client.force_login(college.user("branch"))
    assert client.get(reverse("study:selfstudy-edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("study:selfstudy-delete", args=[entry.pk])).status_code == 404
    client.force_login(college.user("member"))
    response = client.post(
        reverse("study:selfstudy-edit", args=[entry.pk]),
        {"studied_on": TODAY.isoformat(), "minutes": "50", "title": "改"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 50
    assert client.post(reverse("study:selfstudy-delete", args=[entry.pk])).status_code == 302
    assert not SelfStudy.objects.exists()


def test_the_member_never_sees_the_near_duplicate_flag_officers_do(client, college):
    original = self_study(college.secretary, TODAY, 30, REFLECTION)
    copy = self_study(college.member, TODAY, 30, COPIED, similar_to=original)
    client.force_login(college.user("member"))
    for name in ("selfstudy-list", "my-hours"):
        page = client.get(reverse(f"study:{name}")).content.decode()
        assert gettext("Near duplicate") not in page
        assert "李书记" not in page
    client.force_login(college.user("branch"))
    response = client.get(reverse("study:reflection-list"), {"flagged": "on"})
    assert [e.pk for e in response.context["page_obj"]] == [copy.pk]
    assert gettext("Near duplicate") in response.content.decode()
    client.force_login(college.user("other_branch"))
    assert not list(client.get(reverse("study:reflection-list")).context["page_obj"])


def test_officers_assign_a_reading_list_and_members_see_it_with_progress(client, college):
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("study:readinglist-create"),
        {
            "org": college.branch.pk,
            "title": "教师自学书目",
            "audience": "faculty",
            "required_items": "党章 | https://example.org/dz\n准则",
            "optional_items": "论党的建设",
        },
    )
    assert response.status_code == 302
    rl = ReadingList.objects.get()
    assert [(i.title, i.link, i.required) for i in rl.items.all()] == [
        ("党章", "https://example.org/dz", True),
        ("准则", "", True),
        ("论党的建设", "", False),
    ]
    first = rl.items.first()
    client.force_login(college.user("member"))
    client.post(
        reverse("study:selfstudy-list"), {"studied_on": TODAY.isoformat(), "minutes": "30", "reading_item": first.pk}
    )
    assert SelfStudy.objects.get().title == "党章"
    page = client.get(reverse("study:readinglist-list"))
    [progress] = page.context["assigned"]
    assert (progress.done, progress.total) == (1, 3)
    client.force_login(college.user("other_branch"))
    assert client.get(reverse("study:readinglist-list")).context["assigned"] == []
    assert client.get(reverse("study:readinglist-edit", args=[rl.pk])).status_code == 404


def test_editing_a_reading_list_keeps_progress(client, college):
    rl = reading_list(college.user("branch"), college.branch, titles=("党章", "准则"))
    entry = self_study(college.member, TODAY, 30, reading_item=rl.items.first())
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("study:readinglist-edit", args=[rl.pk]),
        {"title": "新", "audience": "all", "required_items": "党章\n条例", "optional_items": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.reading_item.title == "党章"
    assert [i.title for i in rl.items.all()] == ["党章", "条例"]


@pytest.fixture
def ledger_data(college):
    activity = make_activity(college.branch, local(YEAR, 1, 1, 9), 120)
    attend(activity, college.member, "present")
    attend(activity, college.secretary, "present")
    self_study(college.member, datetime.date(YEAR, 1, 1), 60)
    return activity


def test_ledger_page_shows_gaps_for_the_scope(client, college, ledger_data, django_assert_max_num_queries):
    client.force_login(college.user("branch"))
    with django_assert_max_num_queries(20 + INBOX_QUERIES):
        response = client.get(reverse("study:ledger"), {"year": YEAR})
    rows = {row.member.name: row for row in response.context["ledger"].rows}
    assert set(rows) == {"李书记", "王组长", "张三", "吕书记"}
    assert rows["张三"].total == 3
    assert "bg-red-lt" in response.content.decode()
    htmx = client.get(
        reverse("study:ledger"), {"year": YEAR}, headers={"HX-Request": "true", "HX-Target": "ledger-results"}
    )
    assert b"<html" not in htmx.content
    # Another branch is not a choice: the filter falls back to the actor's own scope, never wider.
    outside = client.get(reverse("study:ledger"), {"org": college.other_branch.pk})
    assert {row.member.name for row in outside.context["ledger"].rows} == set(rows)


def test_no_page_ranks_members(client, college, ledger_data):
    """Whatever is asked, the ledger lists by organisation and name."""
    client.force_login(college.user("committee"))
    for params in ({}, {"sort": "-total"}, {"order": "gap"}, {"year": YEAR}):
        rows = client.get(reverse("study:ledger"), params).context["ledger"].rows
        keys = [(r.member.org.path, r.member.name_initials, r.member.name) for r in rows]
        assert keys == sorted(keys)
    content = client.get(reverse("study:ledger")).content.decode()
    headers = content.split("<thead>")[1].split("</thead>")[0]
    assert "Rank" not in headers
    assert "排名" not in headers


def test_ledger_export_is_an_audited_workbook(client, college, ledger_data):
    client.force_login(college.user("branch"))
    response = client.get(reverse("study:ledger-export"), {"year": YEAR, "org": college.branch.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["组织", "姓名", "工号/学号", "集体学习学时"]
    by_name = {row[1]: row for row in sheet[1:]}
    assert set(by_name) == {"李书记", "王组长", "张三", "吕书记"}
    assert by_name["张三"][3:10] == [2.0, 1.0, 1.0, 0.0, 3.0, 32.0, 29.0]  # no reading in the library
    assert "书记、委员" in by_name["李书记"][10]
    event = AuditEvent.objects.get(action="study_ledger.export")
    assert (event.org_path, event.changes["count"]) == (college.branch.path, 4)


def test_my_hours_shows_the_members_own_numbers(client, college, ledger_data):
    client.force_login(college.user("member"))
    response = client.get(reverse("study:my-hours"), {"year": YEAR})
    progress = response.context["progress"]
    assert (progress.row.collective_hours, progress.row.self_study_hours, progress.row.required) == (2, 1, 32)
    assert [a.activity for a in response.context["credited"]] == [ledger_data]
    assert "hours-progress" in response.content.decode()


def test_ledger_pages_its_rows_and_exports_the_whole(client, college, ledger_data, monkeypatch):
    """A committee's ledger runs to hundreds of rows: one page at a time, with the export for all of them."""
    from dangjian.study.views import selfstudy as views

    monkeypatch.setattr(views, "LEDGER_PER_PAGE", 3)
    client.force_login(college.user("branch"))
    first = client.get(reverse("study:ledger"), {"year": YEAR})
    content = first.content.decode()
    assert len(first.context["page_obj"].object_list) == 3
    assert content.split("<tbody>")[1].count("<tr>") == 3
    assert len(first.context["ledger"].rows) == 4  # the summary counts the whole scope
    assert f"?year={YEAR}&amp;page=2" in content
    assert reverse("study:ledger-export") in content
    second = client.get(reverse("study:ledger"), {"year": YEAR, "page": "2"})
    on_first = {row.member.name for row in first.context["page_obj"]}
    on_second = {row.member.name for row in second.context["page_obj"]}
    assert len(on_second) == 1
    assert on_first.isdisjoint(on_second)
    # A page number that is no number, or far past the end, falls back to a page that exists.
    for bad in ("x", "-1", "99999999999999999999"):
        response = client.get(reverse("study:ledger"), {"year": YEAR, "page": bad})
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) >= 1


def test_ledger_names_and_badges_do_not_wrap(client, college, ledger_data):
    client.force_login(college.user("branch"))
    content = client.get(reverse("study:ledger"), {"year": YEAR}).content.decode()
    body = content.split("<tbody>")[1]
    assert body.count('<td class="text-nowrap">') >= 4
