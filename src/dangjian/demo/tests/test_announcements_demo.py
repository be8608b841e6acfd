import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.demo import generator
from dangjian.demo.announcements import (
    MEETING_TITLE,
    announcements_demo_ensure,
    announcements_demo_summary,
)
from dangjian.demo.plan import SMALL_SCALE
from dangjian.notices.models import Announcement, AnnouncementRead
from dangjian.notices.selectors import access_read_counts, read_counts
from dangjian.notices.todos import announcement_todos


@pytest.mark.django_db
def test_the_demo_publishes_announcements_once_with_real_work_in_the_inboxes():
    today = timezone.localdate()
    generator.build_demo(today=today, scale=SMALL_SCALE)
    result = announcements_demo_ensure(today=today)
    assert result.built
    assert result.announcements == 5
    assert result.reads > result.confirmed > 0
    assert announcements_demo_summary(result)
    assert Announcement.objects.filter(pinned=True, org__kind="committee").count() == 1
    assert not Announcement.objects.filter(published_at__gt=timezone.now()).exists()
    assert not AnnouncementRead.objects.filter(read_at__gt=timezone.now()).exists()

    # demo-member has not confirmed the branch meeting: it waits in their inbox; the secretary sees who.
    member = User.objects.get(username="demo-member")
    kinds = {todo.kind for todo in announcement_todos(member, today)}
    assert "notices.announcement_confirm" in kinds
    meeting = Announcement.objects.get(title=MEETING_TITLE)
    secretary = User.objects.get(username="demo-branch")
    [row] = read_counts(actor=secretary, announcement=access_read_counts(secretary, meeting.pk)).rows
    assert 0 < row.confirmed < row.addressed
    assert member.member.name in row.not_confirmed

    again = announcements_demo_ensure(today=today + datetime.timedelta(days=1))
    assert not again.built
    assert (again.announcements, again.reads) == (result.announcements, result.reads)
