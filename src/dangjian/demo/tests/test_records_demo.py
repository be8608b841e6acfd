import datetime
import zoneinfo

import pytest

from dangjian.accounts.models import User
from dangjian.demo import generator, study
from dangjian.demo.plan import SMALL_SCALE
from dangjian.demo.records import records_demo_ensure, records_demo_summary
from dangjian.notices.inbox import inbox_for
from dangjian.study.models import RectificationItem, VoteRecord
from dangjian.study.selectors.records import tallied

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 18, 15, 5, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.mark.django_db
def test_the_demo_life_meeting_has_its_record_and_half_of_its_measures_done():
    generator.build_demo(today=TODAY, scale=SMALL_SCALE)
    study.study_demo_ensure(now=NOW)
    result = records_demo_ensure(now=NOW)
    assert result.built
    life = result.life_meeting
    assert life.meeting_minutes.agenda_items
    assert life.speeches.count() >= 2
    assert life.life_meeting.problem_list
    items = list(RectificationItem.objects.filter(activity=life))
    done = [i for i in items if i.status == "done"]
    assert len(items) == 6
    assert len(done) == 3
    assert all(i.done_on <= TODAY for i in done)

    demo_member = User.objects.get(username="demo-member")
    todos = [t for t in inbox_for(demo_member, TODAY) if t.kind == "study.rectification"]
    assert len(todos) == 1
    assert not todos[0].overdue

    vote = VoteRecord.objects.get(activity=result.general_meeting)
    assert vote.entitled == vote.entitled_default
    assert tallied(vote).result is not None
    assert records_demo_summary(result)

    again = records_demo_ensure(now=NOW)
    assert not again.built
    assert RectificationItem.objects.filter(activity=life).count() == 6
