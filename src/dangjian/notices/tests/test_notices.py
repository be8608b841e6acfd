from django.urls import reverse

from dangjian.core.tests.apiclient import ApiClient
from dangjian.notices.models import Notice
from dangjian.notices.selectors import notice_list, unread_count
from dangjian.notices.services import notice_mark_read, notice_send
from dangjian.notices.tests.test_inbox import INBOX_QUERIES


def test_send_leaves_one_notice_per_active_account(college):
    member_user, secretary_user = college.member.user, college.secretary.user
    college.other_member.user.is_active = False
    college.other_member.user.save()
    sent = notice_send(
        recipients=[member_user, secretary_user, member_user, None, college.other_member.user],
        title="诉求已逾期",
        url="/care/",
    )
    assert sorted(n.recipient_id for n in sent) == sorted([member_user.pk, secretary_user.pk])
    assert unread_count(actor=member_user) == 1


def test_a_keyed_notice_reaches_each_person_once(college):
    member_user, secretary_user = college.member.user, college.secretary.user
    first = notice_send(recipients=[member_user], title="提醒", key="life:1:lecture:quarter:2026-10-01")
    assert len(first) == 1
    again = notice_send(recipients=[member_user, secretary_user], title="提醒", key="life:1:lecture:quarter:2026-10-01")
    assert [n.recipient_id for n in again] == [secretary_user.pk]
    assert Notice.objects.filter(key="life:1:lecture:quarter:2026-10-01").count() == 2
    # Another key, or none, is another notice.
    assert len(notice_send(recipients=[member_user], title="提醒", key="life:1:lecture:quarter:2027-01-01")) == 1
    assert len(notice_send(recipients=[member_user], title="无键")) == 1
    assert len(notice_send(recipients=[member_user], title="无键")) == 1


def test_marking_read_touches_only_the_actors_notices(college):
    mine = notice_send(recipients=[college.member.user], title="一")[0]
    notice_send(recipients=[college.member.user], title="二")
    theirs = notice_send(recipients=[college.secretary.user], title="三")[0]
    assert notice_mark_read(actor=college.member.user, notice_id=mine.pk) == 1
    assert unread_count(actor=college.member.user) == 1
    assert notice_mark_read(actor=college.member.user) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert list(notice_list(actor=college.member.user, unread_only=True)) == []


def test_someone_elses_notice_looks_missing(client, college):
    theirs = notice_send(recipients=[college.secretary.user], title="三")[0]
    client.force_login(college.member.user)
    assert client.post(reverse("notices:read", args=[theirs.pk])).status_code == 404
    assert Notice.objects.get(pk=theirs.pk).read_at is None


def test_opening_a_notice_marks_it_read_and_follows_its_link_within_the_site(client, college):
    inside = notice_send(recipients=[college.member.user], title="内部", url="/study/my/")[0]
    outside = notice_send(recipients=[college.member.user], title="外部", url="https://example.com/")[0]
    client.force_login(college.member.user)
    assert client.post(reverse("notices:read", args=[inside.pk])).url == "/study/my/"
    assert client.post(reverse("notices:read", args=[outside.pk])).url == reverse("notices:list")
    assert unread_count(actor=college.member.user) == 0


def test_the_list_and_the_navigation_show_unread_notices(client, college, django_assert_max_num_queries):
    for number in range(3):
        notice_send(recipients=[college.member.user], title=f"通知{number}")
    client.force_login(college.member.user)
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        response = client.get(reverse("notices:list"))
    content = response.content.decode()
    assert "通知2" in content
    assert 'class="nav-badge"' in content


def test_api_lists_and_marks(college):
    notice = notice_send(recipients=[college.member.user], title="答复")[0]
    api = ApiClient(college.member.user)
    body = api.get("/notices/", {"unread": "true"}).json()
    assert body["unread"] == 1
    assert [item["title"] for item in body["items"]] == ["答复"]
    assert api.post(f"/notices/{notice.pk}/read").json() == {"marked": 1}
    assert api.post("/notices/read").json() == {"marked": 0}
    assert ApiClient(college.secretary.user).post(f"/notices/{notice.pk}/read").status_code == 404
