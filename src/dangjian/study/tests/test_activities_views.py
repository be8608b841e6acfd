"""Activity pages: scoped list, create and publish, attendance marking with HTMX, the check-in screen
and link, leave, make-up and 我的学习."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.accounts.system import system_actor
from dangjian.core.models import AuditEvent
from dangjian.notices.tests.test_inbox import INBOX_QUERIES
from dangjian.study import tokens
from dangjian.study.models import Activity, Attendance, LeaveRequest, MakeUp, RequestStatus
from dangjian.study.services import activities as services
from dangjian.study.tests.factories_activities import ActivityFactory, at
from dangjian.study.views.activities import SCAN_SESSION_KEY

HTMX = {"HX-Request": "true"}


@pytest.fixture
def soon(college) -> Activity:
    """A published branch activity starting in ten minutes: check-in is open."""
    return ActivityFactory(org=college.branch, theme="党章学习", starts_at=at(1 / 6), publish=True)


def check_in_url(activity: Activity, moment: datetime.datetime | None = None) -> str:
    return reverse("study:check-in", args=[activity.pk, tokens.current_token(activity.pk, moment or timezone.now())])


def attendance(activity, member) -> Attendance:
    return Attendance.objects.get(activity=activity, member=member)


# --- list, create, detail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [("committee", True), ("branch", True), ("member", True), ("auditor", True), ("other_branch", False)],
)
def test_list_is_scoped(client, college, soon, role, sees):
    client.force_login(college.user(role))
    response = client.get(reverse("study:activity-list"))
    assert response.status_code == 200
    assert ("党章学习" in response.content.decode()) is sees


def test_list_htmx_renders_the_results_only(client, college, soon, django_assert_max_num_queries):
    ActivityFactory.create_batch(5, org=college.branch, publish=True)
    client.force_login(college.user("branch"))
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("study:activity-list"), {"q": "党章"}, headers=HTMX | {"HX-Target": "activity-results"}
        )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="activity-results">')
    assert "党章学习" in body


def test_create_and_publish(client, college):
    client.force_login(college.user("branch"))
    assert client.get(reverse("study:activity-create")).status_code == 200
    starts = timezone.localtime(at(24))
    data = {
        "org": college.branch.pk,
        "form": "lecture",
        "theme": "书记讲党课",
        "audience": "all",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
        "place": "人文楼",
        "speaker_name": "李书记",
        "late_grace_minutes": 5,
        "credit_minutes": "",
    }
    response = client.post(reverse("study:activity-create"), data)
    activity = Activity.objects.get(theme="书记讲党课")
    assert response.status_code == 302
    assert response["Location"] == reverse("study:activity-detail", args=[activity.pk])
    assert activity.credit_minutes == 90
    assert activity.late_after - activity.starts_at == datetime.timedelta(minutes=5)
    response = client.post(reverse("study:activity-publish", args=[activity.pk]))
    assert response.status_code == 302
    assert activity.attendances.count() == 4


def test_create_refuses_bad_times_with_a_message(client, college):
    client.force_login(college.user("branch"))
    starts = timezone.localtime(at(24)).strftime("%Y-%m-%dT%H:%M")
    data = {"org": college.branch.pk, "form": "lecture", "theme": "x", "audience": "all", "starts_at": starts,
            "ends_at": starts, "late_grace_minutes": 10}  # fmt: skip
    response = client.post(reverse("study:activity-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"]
    assert not Activity.objects.filter(theme="x").exists()


def test_members_cannot_create(client, college):
    client.force_login(college.user("member"))
    assert client.get(reverse("study:activity-create")).status_code == 404


def test_detail_shows_attendance_to_officers_only(client, college, soon):
    client.force_login(college.user("branch"))
    body = client.get(reverse("study:activity-detail", args=[soon.pk])).content.decode()
    assert "王组长" in body
    assert reverse("study:check-in-screen", args=[soon.pk]) in body
    client.force_login(college.user("member"))
    body = client.get(reverse("study:activity-detail", args=[soon.pk])).content.decode()
    assert "王组长" not in body
    assert reverse("study:leave-create", args=[soon.pk]) in body
    client.force_login(college.user("other_branch"))
    assert client.get(reverse("study:activity-detail", args=[soon.pk])).status_code == 404


def test_detail_query_count(client, college, soon, django_assert_max_num_queries):
    client.force_login(college.user("branch"))
    with django_assert_max_num_queries(16 + INBOX_QUERIES):
        assert client.get(reverse("study:activity-detail", args=[soon.pk])).status_code == 200


def test_edit_cancel_record_close(client, college):
    draft = ActivityFactory(org=college.branch, starts_at=at(24))
    client.force_login(college.user("branch"))
    url = reverse("study:activity-edit", args=[draft.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data |= {"place": "新地点", "credit_minutes": "30"}
    data["starts_at"] = timezone.localtime(draft.starts_at).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = timezone.localtime(draft.ends_at).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.place, draft.credit_minutes, draft.credit_overridden) == ("新地点", 30, True)
    client.post(reverse("study:activity-cancel", args=[draft.pk]), {"reason": "改期"})
    draft.refresh_from_db()
    assert draft.status == "cancelled"

    past = ActivityFactory(org=college.branch, starts_at=at(-3), publish=True)
    response = client.post(reverse("study:activity-record", args=[past.pk]), {"minutes": "记录", "summary": "小结"})
    assert response.status_code == 302
    response = client.post(reverse("study:activity-close", args=[past.pk]))
    assert response.status_code == 302
    assert set(past.attendances.values_list("status", flat=True)) == {"absent"}
    assert MakeUp.objects.filter(attendance__activity=past).count() == 4
    # A member may not do any of it.
    client.force_login(college.user("member"))
    assert client.post(reverse("study:activity-close", args=[past.pk])).status_code == 404
    assert client.get(reverse("study:activity-record", args=[past.pk])).status_code == 404


# --- marking by hand --------------------------------------------------------------------------


def test_mark_with_htmx_swaps_the_row(client, college, soon):
    client.force_login(college.user("branch"))
    url = reverse("study:attendance-mark", args=[soon.pk, college.member.pk])
    response = client.post(url, {"status": "late", "reason": "堵车"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="attendance-{college.member.pk}">')
    assert attendance(soon, college.member).status == "late"
    assert AuditEvent.objects.filter(action="attendance.mark").count() == 1


def test_mark_without_a_reason_shows_the_error_in_the_row(client, college, soon):
    client.force_login(college.user("branch"))
    url = reverse("study:attendance-mark", args=[soon.pk, college.member.pk])
    response = client.post(url, {"status": "present", "reason": ""}, headers=HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'role="alert"' in response.content.decode()
    assert attendance(soon, college.member).status == "expected"


def test_mark_is_for_officers_of_the_organiser(client, college, soon):
    for role in ("member", "other_branch", "group_leader"):
        client.force_login(college.user(role))
        url = reverse("study:attendance-mark", args=[soon.pk, college.member.pk])
        assert client.post(url, {"status": "present", "reason": "x"}).status_code == 404
    assert attendance(soon, college.member).status == "expected"


# --- the check-in screen ----------------------------------------------------------------------


def test_check_in_screen_shows_a_fresh_code(client, college, soon):
    client.force_login(college.user("branch"))
    response = client.get(reverse("study:check-in-screen", args=[soon.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in body
    assert "<svg" in body
    assert 'hx-trigger="every 5s"' in body
    url = re.search(r'data-check-in-url="([^"]+)"', body).group(1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert tokens.token_period_of(soon.pk, token) is not None
    fragment = client.get(reverse("study:check-in-qr", args=[soon.pk]), headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="check-in-qr"')
    assert "<html" not in fragment


def test_check_in_screen_is_for_officers(client, college, soon):
    client.force_login(college.user("member"))
    assert client.get(reverse("study:check-in-screen", args=[soon.pk])).status_code == 404
    assert client.get(reverse("study:check-in-qr", args=[soon.pk])).status_code == 404


# --- the member's check-in link ---------------------------------------------------------------


def test_check_in_link(client, college, soon):
    client.force_login(college.user("member"))
    response = client.get(check_in_url(soon), HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    assert response.status_code == 200
    assert 'data-outcome="present"' in response.content.decode()
    row = attendance(soon, college.member)
    assert (row.status, row.method, row.device) == ("present", "qr", "Mozilla/5.0 (iPhone)")
    again = client.get(check_in_url(soon))
    assert again.status_code == 409
    assert 'data-outcome="already"' in again.content.decode()
    assert attendance(soon, college.member).checked_in_at == row.checked_in_at


@pytest.mark.parametrize(
    ("make_url", "outcome"),
    [
        (lambda a: check_in_url(a, timezone.now() - datetime.timedelta(seconds=90)), "expired_token"),
        (lambda a: reverse("study:check-in", args=[a.pk, "1.forged"]), "invalid_token"),
    ],
)
def test_check_in_link_refuses_bad_tokens(client, college, soon, make_url, outcome):
    client.force_login(college.user("member"))
    response = client.get(make_url(soon))
    assert response.status_code == 400
    assert f'data-outcome="{outcome}"' in response.content.decode()
    assert attendance(soon, college.member).status == "expected"


def test_check_in_link_for_another_organisation_says_so_without_details(client, college, soon):
    client.force_login(college.user("other_branch"))
    response = client.get(check_in_url(soon))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-outcome="not_for_you"' in body
    assert "党章学习" not in body


def test_check_in_link_outside_the_window(client, college):
    later = ActivityFactory(org=college.branch, starts_at=at(2), publish=True)
    client.force_login(college.user("member"))
    response = client.get(check_in_url(later))
    assert response.status_code == 400
    assert 'data-outcome="too_early"' in response.content.decode()


def test_a_scan_before_logging_in_is_honoured_after(client, college, soon):
    scanned = timezone.now()
    url = check_in_url(soon, scanned)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert str(soon.pk) in client.session[SCAN_SESSION_KEY]
    client.force_login(college.user("member"))
    # Logging in took two minutes: the token alone has expired, the scan still counts.
    with mock.patch.object(timezone, "now", return_value=scanned + datetime.timedelta(minutes=2)):
        response = client.get(url)
    assert 'data-outcome="present"' in response.content.decode()
    # Counted from the scan, not from the moment after logging in.
    assert attendance(soon, college.member).checked_in_at - scanned < datetime.timedelta(seconds=5)


def test_a_stale_scan_is_not_remembered(client, college, soon):
    url = check_in_url(soon, timezone.now() - datetime.timedelta(minutes=5))
    client.get(url)
    assert SCAN_SESSION_KEY not in client.session


# --- leave and make-up ------------------------------------------------------------------------


def test_leave_flow(client, college):
    activity = ActivityFactory(org=college.branch, starts_at=at(48), publish=True)
    client.force_login(college.user("member"))
    assert client.get(reverse("study:leave-create", args=[activity.pk])).status_code == 200
    response = client.post(reverse("study:leave-create", args=[activity.pk]), {"reason": "出差开会"})
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert client.get(reverse("study:leave-decide", args=[leave.pk])).status_code == 404
    client.force_login(college.user("branch"))
    assert leave.reason in client.get(reverse("study:review-list")).content.decode()
    response = client.post(reverse("study:leave-decide", args=[leave.pk]), {"decision": "refuse", "answer": ""})
    assert response.status_code == 200  # a refusal needs an answer
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING
    client.post(reverse("study:leave-decide", args=[leave.pk]), {"decision": "approve", "answer": ""})
    leave.refresh_from_db()
    assert leave.status == RequestStatus.APPROVED
    assert attendance(activity, college.member).status == "leave"


def test_make_up_flow(client, college):
    activity = ActivityFactory(org=college.branch, starts_at=at(-3), publish=True)
    services.activity_close(actor=college.user("branch"), activity=activity)
    make_up = MakeUp.objects.get(attendance__member=college.member)
    client.force_login(college.user("member"))
    body = client.get(reverse("study:my-study")).content.decode()
    assert reverse("study:make-up-submit", args=[make_up.pk]) in body
    response = client.post(reverse("study:make-up-submit", args=[make_up.pk]), {"reflection": "学习体会……"})
    assert response.status_code == 302
    assert client.get(reverse("study:make-up-review", args=[make_up.pk])).status_code == 404
    client.force_login(college.user("branch"))
    response = client.post(reverse("study:make-up-review", args=[make_up.pk]), {"decision": "accept", "note": ""})
    assert response.status_code == 302
    assert attendance(activity, college.member).status == "made_up"


def test_make_up_of_someone_else_is_hidden(client, college):
    activity = ActivityFactory(org=college.branch, starts_at=at(-3), publish=True)
    services.activity_close(actor=system_actor(), activity=activity)
    make_up = MakeUp.objects.get(attendance__member=college.secretary)
    client.force_login(college.user("member"))
    assert client.get(reverse("study:make-up-submit", args=[make_up.pk])).status_code == 404


# --- 我的学习 ----------------------------------------------------------------------------------


def test_my_study(client, college, soon, django_assert_max_num_queries):
    ActivityFactory(org=college.committee, theme="全院专题报告会", starts_at=at(72), publish=True)
    ActivityFactory(org=college.committee, theme="学生党课", audience="students", starts_at=at(72), publish=True)
    ActivityFactory(org=college.other_branch, theme="别的支部", starts_at=at(72), publish=True)
    ActivityFactory(org=college.branch, theme="草稿", starts_at=at(72))
    client.force_login(college.user("member"))
    with django_assert_max_num_queries(
        19 + INBOX_QUERIES
    ):  # the hours card includes the library reading sum; + unread notices
        response = client.get(reverse("study:my-study"))
    body = response.content.decode()
    today, upcoming = body.split('id="my-upcoming"')
    # Ten minutes from now is tomorrow in the last ten minutes of the day.
    assert "党章学习" in (today if timezone.localdate(soon.starts_at) == timezone.localdate() else upcoming)
    assert "全院专题报告会" in upcoming
    for hidden in ("学生党课", "别的支部", "草稿"):
        assert hidden not in body


def test_my_study_without_a_member_record(client, college):
    client.force_login(college.user("auditor"))
    assert client.get(reverse("study:my-study")).status_code == 200


def test_my_study_shows_the_members_hours_progress(client, college):
    client.force_login(college.user("member"))
    response = client.get("/study/my/")
    assert response.status_code == 200
    assert response.context["progress"].row.member == college.member
    assert 'id="my-hours"' in response.content.decode()


def test_a_draft_is_hidden_from_members_until_published(client, college):
    draft = ActivityFactory(org=college.branch, theme="尚未公布的活动", starts_at=at(24))
    client.force_login(college.user("member"))
    assert "尚未公布的活动" not in client.get(reverse("study:activity-list")).content.decode()
    assert client.get(reverse("study:activity-detail", args=[draft.pk])).status_code == 404
    client.force_login(college.user("branch"))
    assert "尚未公布的活动" in client.get(reverse("study:activity-list")).content.decode()


def test_check_in_query_count(client, college, soon, django_assert_max_num_queries):
    # Session, account, activity, the member's attendance row with the member, the conditional
    # UPDATE (one statement, no transaction around reads), and the role grants for the layout.
    client.force_login(college.user("member"))
    url = check_in_url(soon)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert 'data-outcome="present"' in response.content.decode()
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 409


# --- photos -----------------------------------------------------------------------------------


def _png(colour=(200, 30, 30)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_photos_are_checked_by_content_and_served_only_to_those_who_see_the_activity(college, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.study.models import ActivityPhoto
    from dangjian.study.tests.factories_activities import ActivityFactory, at

    activity = ActivityFactory(org=college.branch, starts_at=at(-3), ends_at=at(-2), publish=True)
    client.force_login(college.user("branch"))
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(f"/study/activities/{activity.pk}/photos/", {"image": fake})
    assert response.status_code == 400
    assert not ActivityPhoto.objects.exists()
    real = SimpleUploadedFile("合影.png", _png(), content_type="image/png")
    response = client.post(f"/study/activities/{activity.pk}/photos/", {"image": real, "caption": "合影"})
    assert response.status_code == 302
    photo = ActivityPhoto.objects.get()
    assert photo.image.name.endswith(".png")
    url = f"/study/activities/{activity.pk}/photos/{photo.pk}/"
    client.force_login(college.user("member"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _png()
    client.force_login(college.user("other_branch"))
    assert client.get(url).status_code == 404
    client.force_login(college.user("branch"))
    assert client.post(url + "remove/").status_code == 302
    assert not ActivityPhoto.objects.exists()


def test_the_activity_list_pages_and_exports_every_activity(client, college):
    """A year of activities runs past one page: the list links to the next, the export holds them all."""
    import io

    from python_calamine import CalamineWorkbook

    from dangjian.edge.paging import PER_PAGE
    from dangjian.study.tests.factories_selfstudy import attend, local, make_activity

    first_day = local(2025, 1, 6, 9)
    for n in range(PER_PAGE + 2):
        activity = make_activity(college.branch, first_day + datetime.timedelta(days=n), 60)
    attend(activity, college.member, "present")
    client.force_login(college.user("branch"))
    listing = client.get(reverse("study:activity-list"), {"when": "past"})
    content = listing.content.decode()
    assert len(listing.context["page_obj"]) == PER_PAGE
    assert "when=past&amp;page=2" in content
    export_url = reverse("study:activity-export") + "?when=past"
    assert export_url in content
    response = client.get(export_url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["开始时间", "主题", "形式", "组织"]
    assert len(sheet) == 1 + PER_PAGE + 2
    latest = sheet[1]  # the past runs latest first, as on the list
    assert latest[1] == activity.theme
    assert latest[3] == college.branch.name
    assert latest[7] == 1  # 张三 attended
    # A member of another branch exports only what they may see.
    client.force_login(college.user("other_branch"))
    other = client.get(export_url)
    other_sheet = CalamineWorkbook.from_filelike(io.BytesIO(other.content)).get_sheet_by_index(0).to_python()
    assert all(row[3] != college.branch.name for row in other_sheet[1:])


LEADERSHIP = {"party_committee_meeting", "joint_meeting"}


def _offered_forms(response) -> set[str]:
    return {value for value, _label in response.context["form"].fields["form"].choices}


def test_a_branch_officer_is_not_offered_the_committee_meetings(client, college):
    client.force_login(college.user("branch"))
    offered = _offered_forms(client.get(reverse("study:activity-create")))
    assert "lecture" in offered
    assert not offered & LEADERSHIP
    activity = ActivityFactory(org=college.branch, theme="党章学习", starts_at=at(24))
    assert not _offered_forms(client.get(reverse("study:activity-edit", args=[activity.pk]))) & LEADERSHIP


def test_an_officer_of_the_committee_and_its_branches_is_told_which_organiser_holds_it(client, college):
    """Offered, since the committee is among the organisers; a branch chosen with it gets a form error."""
    client.force_login(college.user("committee"))
    assert _offered_forms(client.get(reverse("study:activity-create"))) >= LEADERSHIP
    starts = timezone.localtime(at(24))
    data = {"org": college.branch.pk, "form": "party_committee_meeting", "theme": "党委会", "audience": "all",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    with translation.override("zh-hans"):
        response = client.post(reverse("study:activity-create"), data)
    assert response.status_code == 200
    assert "请选择党委作为组织单位" in response.context["form"].errors["form"][0]
    assert not Activity.objects.filter(theme="党委会").exists()
