"""The announcement pages: list, detail (reading it), the officers' form, withdrawal, read counts."""

import pytest
from django.urls import reverse

from dangjian.notices.models import Announcement, AnnouncementRead
from dangjian.notices.tests.factories import announce, png
from dangjian.notices.tests.test_inbox import INBOX_QUERIES


def test_the_list_marks_unread_and_pins_first(client, college, django_assert_max_num_queries):
    announce(college.committee, "置顶的学院通知", pinned=True)
    announce(college.branch, "支部通知")
    client.force_login(college.member.user)
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        response = client.get(reverse("notices:announcement-list"))
    page = response.content.decode()
    assert page.index("置顶的学院通知") < page.index("支部通知")
    assert page.count("announcement-unread") == 2
    assert "announcement-create" not in page


def test_opening_an_announcement_reads_it_and_offers_confirmation_when_asked(client, college):
    meeting = announce(college.branch, "支部党员大会通知", requires_confirmation=True, uploads=[png()])
    client.force_login(college.member.user)
    page = client.get(reverse("notices:announcement-detail", args=[meeting.pk])).content.decode()
    assert 'id="announcement-confirm"' in page
    assert "会场.png" in page
    assert AnnouncementRead.objects.filter(user=college.member.user, confirmed_at__isnull=True).exists()
    response = client.post(reverse("notices:announcement-confirm", args=[meeting.pk]))
    assert response.status_code == 302
    assert AnnouncementRead.objects.get(user=college.member.user).confirmed_at is not None
    page = client.get(reverse("notices:announcement-detail", args=[meeting.pk])).content.decode()
    assert 'id="announcement-confirm"' not in page


def test_an_attachment_downloads_for_readers_only(client, college):
    announcement = announce(college.branch, uploads=[png()])
    attachment = announcement.attachments.get()
    url = reverse("notices:announcement-attachment", args=[announcement.pk, attachment.pk])
    client.force_login(college.member.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # read to the end: the client closes the file
    client.force_login(college.user("other_branch"))
    assert client.get(url).status_code == 404


def test_an_officer_publishes_with_a_file(client, college):
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("notices:announcement-create"),
        {"org": college.branch.pk, "title": "主题党日通知", "body": "12月12日", "audience": "all", "files": [png()]},
    )
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:announcement-detail", args=[announcement.pk])
    assert announcement.attachments.count() == 1


def test_bad_input_shows_the_form_again_with_chinese_errors(client, college):
    client.force_login(college.user("committee"))
    response = client.post(
        reverse("notices:announcement-create"),
        {"org": college.committee.pk, "title": "通知", "body": "正文", "audience": "all", "expires_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "最后一天不能早于今天。" in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("role", ["member", "group_leader", "auditor"])
def test_only_officers_find_the_form(client, college, role):
    client.force_login(college.user(role))
    assert client.get(reverse("notices:announcement-create")).status_code == 404


def test_withdrawing_and_editing(client, college):
    announcement = announce(college.branch, "旧标题")
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("notices:announcement-edit", args=[announcement.pk]),
        {"title": "新标题", "body": "新内容", "audience": "faculty"},
    )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert (announcement.title, announcement.audience) == ("新标题", "faculty")
    page = client.get(reverse("notices:announcement-detail", args=[announcement.pk])).content.decode()
    assert "data-confirm" in page  # withdrawing asks first
    client.post(reverse("notices:announcement-withdraw", args=[announcement.pk]))
    announcement.refresh_from_db()
    assert announcement.withdrawn_at is not None
    client.force_login(college.member.user)
    assert client.get(reverse("notices:announcement-detail", args=[announcement.pk])).status_code == 404


def test_read_counts_page_names_nobody_unless_confirmation_is_asked(client, college):
    plain = announce(college.branch, "学习通知")
    meeting = announce(college.branch, "会议通知", requires_confirmation=True)
    client.force_login(college.user("branch"))
    page = client.get(reverse("notices:announcement-reads", args=[plain.pk])).content.decode()
    assert "张三" not in page
    assert "reads-not-confirmed" not in page
    page = client.get(reverse("notices:announcement-reads", args=[meeting.pk])).content.decode()
    assert "reads-not-confirmed" in page
    assert "张三" in page


def test_the_members_home_and_navigation_show_announcements(client, college):
    announce(college.committee, "学院置顶通知", pinned=True)
    client.force_login(college.member.user)
    page = client.get(reverse("web:home")).content.decode()
    assert "home-announcements" in page
    assert "学院置顶通知" in page
    assert reverse("notices:announcement-list") in page
