"""Round trips through committee-meeting pages: publishing a committee-level meeting comes back to its own page
(its agenda and decisions come next), any other activity to the activity's page; the date pickers of the
decision forms are filled with ISO dates, the only ones a browser's date input shows (and sends back)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.study.forms.committee_meetings import CompleteForm, DecisionForm
from dangjian.study.models import ActivityStatus, AgendaItem
from dangjian.study.services import committee_meetings as services
from dangjian.study.tests.factories_activities import ActivityFactory

pytestmark = pytest.mark.django_db


def test_publishing_a_committee_meeting_returns_to_the_meeting(college):
    starts = timezone.now() + datetime.timedelta(days=2)
    meeting = services.committee_meeting_create(
        actor=college.user("committee"),
        org=college.committee,
        form="joint_meeting",
        theme="2026年第4次党政联席会议",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    client = Client()
    client.force_login(college.user("committee"))
    response = client.post(f"/study/activities/{meeting.pk}/publish/")
    assert response.status_code == 302
    assert response.url == f"/study/committee-meetings/{meeting.pk}/"
    meeting.refresh_from_db()
    assert meeting.status == ActivityStatus.PUBLISHED


def test_publishing_another_activity_returns_to_the_activity(client, college):
    activity = ActivityFactory(org=college.branch)
    client.force_login(college.user("branch"))
    response = client.post(f"/study/activities/{activity.pk}/publish/")
    assert response.url == f"/study/activities/{activity.pk}/"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_date_pickers_show_iso_dates_in_any_language(language):
    day = datetime.date(2026, 12, 8)
    with translation.override(language):
        done = str(CompleteForm(initial={"done_on": day})["done_on"])
        decision = DecisionForm(
            initial={"due_on": day},
            items=AgendaItem.objects.none(),
            members=Member.objects.none(),
            orgs=Organisation.objects.none(),
        )
        due = str(decision["due_on"])
    assert 'value="2026-12-08"' in done
    assert 'value="2026-12-08"' in due


def test_an_owner_in_a_branch_records_a_decision_done_without_a_link_to_the_meeting(client, college):
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = services.committee_meeting_create(
        actor=college.user("committee"),
        org=college.committee,
        form="joint_meeting",
        theme="2026年第5次党政联席会议",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    decision = services.decision_create(
        actor=college.user("committee"),
        activity=meeting,
        text="各支部完成案例征集",
        owner_side="party",
        owner=college.secretary,
        orgs=[college.branch],
    )
    client.force_login(college.user("branch"))
    body = client.get(f"/study/decisions/{decision.pk}/done/").content.decode()
    assert "2026年第5次党政联席会议" in body
    assert f"/study/committee-meetings/{meeting.pk}/" not in body
    assert client.get(f"/study/committee-meetings/{meeting.pk}/").status_code == 404
    client.force_login(college.user("committee"))
    assert (
        f"/study/committee-meetings/{meeting.pk}/"
        in client.get(f"/study/decisions/{decision.pk}/done/").content.decode()
    )
