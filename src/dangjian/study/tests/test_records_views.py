"""The record pages: the printable record reached from the activity, forms re-rendered with errors (400,
nothing saved), the 整改 list and reporting an item done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.study.models import RectificationStatus, VoteRecord
from dangjian.study.services import activities as activity_services
from dangjian.study.services import records as services
from dangjian.study.tests.factories_records import held_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(college):
    meeting = held_meeting(college.branch)
    for member in (college.secretary, college.member):
        activity_services.attendance_mark(
            actor=system_actor(), activity=meeting, member=member, status="present", reason="现场登记"
        )
    return meeting


@pytest.fixture
def life(college):
    return held_meeting(college.branch, form="life_meeting")


def test_the_activity_links_to_its_record(client, college, meeting):
    client.force_login(college.user("member"))
    body = client.get(reverse("study:activity-detail", args=[meeting.pk])).content.decode()
    assert reverse("study:meeting-record", args=[meeting.pk]) in body


def test_the_record_shows_minutes_and_a_tallied_vote(client, college, meeting):
    services.minutes_save(
        actor=system_actor(),
        activity=meeting,
        agenda="讨论接收预备党员",
        host=college.secretary,
        speeches=[services.Speech(gist="介绍考察情况", speaker=college.secretary)],
    )
    services.vote_record_add(
        actor=system_actor(), activity=meeting, item="接收李四", matter="admit", present=3, yes=3, adjust_reason="补签"
    )
    client.force_login(college.user("branch"))
    response = client.get(reverse("study:meeting-record", args=[meeting.pk]))
    body = response.content.decode()
    assert "讨论接收预备党员" in body
    assert "介绍考察情况" in body
    assert "补签" in body
    assert response.context["record"].votes[0].result.passed
    assert college.member.name in body  # officers see who came


def test_a_member_reads_the_record_without_names(client, college, meeting):
    client.force_login(college.user("member"))
    response = client.get(reverse("study:meeting-record", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.context["record"].attendees == []


def test_minutes_form_saves_speeches(client, college, meeting):
    client.force_login(college.user("branch"))
    url = reverse("study:meeting-minutes-edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    data = {
        "agenda": "一、学习\n二、表决",
        "host": college.secretary.pk,
        "speeches-TOTAL_FORMS": "2",
        "speeches-INITIAL_FORMS": "0",
        "speeches-0-speaker": college.member.pk,
        "speeches-0-gist": "结合教学谈体会",
        "speeches-1-gist": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert [s.gist for s in meeting.speeches.all()] == ["结合教学谈体会"]


def test_a_bad_vote_comes_back_with_a_chinese_error_and_nothing_saved(client, college, meeting):
    client.force_login(college.user("branch"))
    url = reverse("study:vote-add", args=[meeting.pk])
    form = client.get(url).context["form"]
    assert (form.initial["entitled"], form.initial["present"]) == (4, 2)
    data = {"item": "表彰", "matter": "other", "entitled": 4, "present": 2, "yes": 3, "no": 0, "abstain": 0}
    data |= {"written_yes": 0, "written_no": 0, "written_abstain": 0}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not VoteRecord.objects.exists()


def test_vote_pages_are_for_a_general_meeting_only(client, college, life):
    client.force_login(college.user("branch"))
    assert client.get(reverse("study:vote-add", args=[life.pk])).status_code == 404
    assert client.get(reverse("study:life-meeting-edit", args=[life.pk])).status_code == 200


def test_rectification_to_done_through_the_pages(client, college, life):
    client.force_login(college.user("branch"))
    due = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(
        reverse("study:rectification-add", args=[life.pk]),
        {"problem": "学习不深入", "measure": "每月精读原著", "owner": college.member.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    item = life.rectifications.get()
    listed = client.get(reverse("study:rectification-list"))
    assert [row[0] for row in listed.context["rows"]] == [item]
    client.force_login(college.user("member"))
    url = reverse("study:rectification-done", args=[item.pk])
    assert client.post(url, {"done_on": timezone.localdate().isoformat(), "note": ""}).status_code == 400
    response = client.post(url, {"done_on": timezone.localdate().isoformat(), "note": "已完成"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RectificationStatus.DONE
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "整改完成情况" in page  # not the shared 采取的措施, which reads like the measure itself
    assert "采取的措施" not in page


def test_the_record_and_the_list_read_in_a_fixed_number_of_queries(
    client, college, life, django_assert_max_num_queries
):
    """More speeches, votes and measures do not add queries (templates never query)."""
    due = timezone.localdate() + datetime.timedelta(days=5)
    for n in range(6):
        services.rectification_add(
            actor=system_actor(), activity=life, problem=f"问题{n}", measure="措施", owner=college.member, due_on=due
        )
    services.minutes_save(
        actor=system_actor(),
        activity=life,
        speeches=[services.Speech(gist=f"发言{n}", speaker=college.secretary) for n in range(5)],
    )
    client.force_login(college.user("branch"))
    client.get(reverse("study:meeting-record", args=[life.pk]))  # warm the scope and the session
    with django_assert_max_num_queries(30):  # of which about twenty the navigation's to-do count
        assert client.get(reverse("study:meeting-record", args=[life.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("study:rectification-list")).status_code == 200


def test_an_open_measure_past_its_due_day_shows_overdue(client, college, life):
    item = services.rectification_add(
        actor=system_actor(),
        activity=life,
        problem="学习不深入",
        measure="精读原著",
        owner=college.member,
        due_on=timezone.localdate(),
    )
    client.force_login(college.user("branch"))
    record = client.get(reverse("study:meeting-record", args=[life.pk])).context["record"]
    assert item.pk not in record.overdue_ids  # the due day itself is still in time
    item.due_on = timezone.localdate() - datetime.timedelta(days=1)
    item.save()
    record = client.get(reverse("study:meeting-record", args=[life.pk])).context["record"]
    assert item.pk in record.overdue_ids
