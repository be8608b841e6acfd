"""Pages of committee-level meetings: list, create, the record with its agenda and decisions, print, the tracker."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.members.tests.factories import MemberFactory
from dangjian.study.models import AgendaItem, Decision, DecisionStatus, ExternalAttendee
from dangjian.study.services import activities as activity_services
from dangjian.study.services import committee_meetings as services

START = timezone.now() - datetime.timedelta(days=3)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def meeting(college):
    activity = services.committee_meeting_create(
        actor=college.user("committee"),
        org=college.committee,
        form="party_committee_meeting",
        theme="2026年第3次党委会",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=2),
        chair_name="吕书记",
        recorder_name="组织员",
    )
    activity_services.activity_publish(actor=college.user("committee"), activity=activity, now=START)
    return activity


@pytest.fixture
def item(college, meeting):
    item = services.agenda_item_add(
        actor=college.user("committee"), activity=meeting, title="审议学院师德建设方案", side="administration",
        proposer_name="孙院长", proposer_post="院长", materials="方案稿",
    )  # fmt: skip
    return services.agenda_item_update(actor=college.user("committee"), item=item, outcome="approved")


def test_the_committee_creates_a_meeting_and_bad_input_comes_back_in_chinese(college):
    client = client_for(college.user("committee"))
    page = client.get("/study/committee-meetings/new/")
    assert page.status_code == 200
    assert "党政联席会议" in page.content.decode()
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    body = {
        "org": college.committee.pk,
        "form": "joint_meeting",
        "theme": "2026年第4次党政联席会议",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": starts.strftime("%Y-%m-%dT%H:%M"),  # not after the start
    }
    bad = client.post("/study/committee-meetings/new/", body)
    assert bad.status_code == 400
    assert "活动结束时间必须晚于开始时间" in bad.content.decode() or "结束" in bad.content.decode()
    body["ends_at"] = (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    done = client.post("/study/committee-meetings/new/", body)
    assert done.status_code == 302
    assert done.url.startswith("/study/committee-meetings/")


def test_the_record_shows_agenda_attendance_and_decisions(college, meeting, item):
    services.external_attendee_add(
        actor=college.user("committee"), activity=meeting, name="周副院长", post="副院长", side="administration",
        sits_in=True,
    )  # fmt: skip
    services.decision_create(
        actor=college.user("committee"), activity=meeting, agenda_item=item, text="各支部组织学习师德建设方案",
        owner_side="party", owner=college.secretary, orgs=[college.branch],
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip
    client = client_for(college.user("committee"))
    page = client.get(f"/study/committee-meetings/{meeting.pk}/").content.decode()
    for text in ("审议学院师德建设方案", "孙院长", "周副院长", "各支部组织学习师德建设方案", "吕书记", "书记"):
        assert text in page
    printed = client.get(f"/study/committee-meetings/{meeting.pk}/print/").content.decode()
    assert "签字" in printed
    assert "审议学院师德建设方案" in printed
    listed = client.get("/study/committee-meetings/").content.decode()
    assert "2026年第3次党委会" in listed


def test_agenda_decision_and_done_through_the_pages(college, meeting, item):
    client = client_for(college.user("committee"))
    response = client.post(
        f"/study/committee-meetings/{meeting.pk}/agenda/new/",
        {"position": 2, "title": "研究发展党员工作", "side": "party", "proposer_name": "吕书记"},
    )
    assert response.status_code == 302
    assert AgendaItem.objects.filter(activity=meeting).count() == 2
    missing = client.post(
        f"/study/committee-meetings/{meeting.pk}/agenda/new/", {"position": 3, "title": "", "side": "party"}
    )
    assert missing.status_code == 400
    response = client.post(
        f"/study/committee-meetings/{meeting.pk}/decisions/new/",
        {
            "agenda_item": item.pk,
            "text": "修订师德考核办法",
            "owner_side": "administration",
            "owner_name": "孙院长",
            "owner_post": "院长",
            "due_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            "orgs": [college.branch.pk, college.other_branch.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    decision = Decision.objects.get(text="修订师德考核办法")
    assert set(decision.orgs.values_list("pk", flat=True)) == {college.branch.pk, college.other_branch.pk}
    no_owner = client.post(
        f"/study/committee-meetings/{meeting.pk}/decisions/new/", {"text": "无人负责", "owner_side": "party"}
    )
    assert no_owner.status_code == 400
    assert "负责" in no_owner.content.decode()

    member = client_for(college.user("member"))
    tracker = member.get("/study/decisions/?state=open").content.decode()
    assert "修订师德考核办法" in tracker
    assert member.get(f"/study/decisions/{decision.pk}/").status_code == 200
    assert member.get(f"/study/decisions/{decision.pk}/done/").status_code == 404

    done = client.post(
        f"/study/decisions/{decision.pk}/done/", {"done_on": timezone.localdate().isoformat(), "note": "已印发"}
    )
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    assert "修订师德考核办法" in member.get("/study/decisions/?state=done").content.decode()
    assert "修订师德考核办法" not in member.get("/study/decisions/?state=open").content.decode()
    reopen = client.post(f"/study/decisions/{decision.pk}/reopen/", {"reason": "未落实"})
    assert reopen.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN


def test_leaders_are_added_and_removed_through_the_pages(college, meeting):
    dean = MemberFactory(org=college.branch, name="孙院长")
    client = client_for(college.user("committee"))
    assert client.get(f"/study/committee-meetings/{meeting.pk}/leaders/new/").status_code == 200
    assert client.post(f"/study/committee-meetings/{meeting.pk}/leaders/new/", {"member": dean.pk}).status_code == 302
    assert meeting.attendances.filter(member=dean, expected=True).exists()
    response = client.post(
        f"/study/committee-meetings/{meeting.pk}/external/new/",
        {"name": "周副院长", "post": "副院长", "side": "administration", "present": "on"},
    )
    assert response.status_code == 302
    attendee = ExternalAttendee.objects.get(activity=meeting)
    assert client.post(f"/study/committee-meetings/external/{attendee.pk}/remove/").status_code == 302
    assert not ExternalAttendee.objects.filter(activity=meeting).exists()


def test_the_lists_read_the_same_number_of_queries_whatever_the_number_of_meetings(college, meeting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(college.user("committee"))

    def count(url: str) -> int:
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.decision_create(
        actor=college.user("committee"), activity=meeting, text="决定", owner_side="party", owner_name="吕书记",
        orgs=[college.branch],
    )  # fmt: skip
    before = {url: count(url) for url in ("/study/committee-meetings/", "/study/decisions/?state=all")}
    for n in range(3):
        other = services.committee_meeting_create(
            actor=college.user("committee"), org=college.committee, form="joint_meeting", theme=f"联席会议{n}",
            starts_at=START + datetime.timedelta(days=n + 1), ends_at=START + datetime.timedelta(days=n + 1, hours=1),
        )  # fmt: skip
        services.decision_create(
            actor=college.user("committee"), activity=other, text=f"决定{n}", owner_side="party",
            owner=college.secretary, orgs=[college.branch, college.other_branch],
        )  # fmt: skip
    after = {url: count(url) for url in before}
    assert after == before
    assert max(before.values()) <= 30


def test_the_activity_page_links_to_the_meeting_record(college, meeting):
    committee = client_for(college.user("committee"))
    link = f'href="/study/committee-meetings/{meeting.pk}/"'
    page = committee.get(f"/study/activities/{meeting.pk}/").content.decode()
    assert link in page
    assert 'id="meeting-record-link"' not in page  # not a branch's minutes: its record is the meeting's page
    lecture = activity_services.activity_create(
        actor=college.user("committee"), org=college.committee, form="lecture", theme="党课",
        starts_at=START, ends_at=START + datetime.timedelta(hours=1),
    )  # fmt: skip
    assert 'id="committee-meeting-link"' not in committee.get(f"/study/activities/{lecture.pk}/").content.decode()


@pytest.mark.parametrize(("role", "shown"), [("committee", True), ("branch", False), ("member", False)])
def test_the_activities_list_links_to_the_committee_meetings(college, role, shown):
    page = client_for(college.user(role)).get("/study/activities/").content.decode()
    assert ('href="/study/committee-meetings/"' in page) is shown


def test_meeting_pages_read_naturally_in_chinese(college, meeting, item):
    """Agenda outcome and decision labels carry their own context, not the shared 整改结果/处理结果/采取的措施."""
    decision = services.decision_create(
        actor=college.user("committee"), activity=meeting, agenda_item=item, text="各支部组织学习",
        owner_side="party", owner=college.secretary, orgs=[college.branch],
    )  # fmt: skip
    services.decision_complete(
        actor=college.user("committee"), decision=decision, done_on=timezone.localdate(), note="已组织学习"
    )
    client = client_for(college.user("committee"))
    record = client.get(f"/study/committee-meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "议定结果" in record
    assert "整改结果" not in record
    page = client.get(f"/study/decisions/{decision.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "决定事项" in page
    assert "落实情况" in page
    assert "处理结果" not in page
    assert "采取的措施" not in page


def test_editing_a_committee_meeting_offers_only_the_committee_meetings_forms(college, meeting):
    """The service refuses turning a 党委会 into a 党课 (and back): the page does not offer it."""
    page = client_for(college.user("committee")).get(f"/study/activities/{meeting.pk}/edit/")
    assert page.status_code == 200
    offered = [value for value, _label in page.context["form"].fields["form"].choices]
    assert sorted(offered) == ["joint_meeting", "party_committee_meeting"]


def test_editing_another_activity_of_the_committee_does_not_offer_the_committee_meetings(college):
    lecture = activity_services.activity_create(
        actor=college.user("committee"), org=college.committee, form="lecture", theme="专题党课",
        starts_at=START, ends_at=START + datetime.timedelta(hours=2),
    )  # fmt: skip
    page = client_for(college.user("committee")).get(f"/study/activities/{lecture.pk}/edit/")
    offered = [value for value, _label in page.context["form"].fields["form"].choices]
    assert "lecture" in offered
    assert not {"joint_meeting", "party_committee_meeting"} & set(offered)
