import datetime
import zoneinfo

import pytest

from dangjian.accounts.models import User
from dangjian.core.models import AuditEvent
from dangjian.demo import generator
from dangjian.demo.committee_meetings import committee_meetings_demo_ensure, committee_meetings_demo_summary
from dangjian.demo.plan import SMALL_SCALE
from dangjian.notices.inbox import inbox_for
from dangjian.study.models import AgendaItem, Decision, ExternalAttendee
from dangjian.study.selectors.committee_meetings import DecisionFilters, decision_list

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 18)


@pytest.mark.django_db
def test_the_demo_committee_has_met_this_year_with_decisions_some_done_one_overdue():
    generator.build_demo(today=TODAY, scale=SMALL_SCALE)
    result = committee_meetings_demo_ensure(today=TODAY)
    assert result.built
    assert result.meetings == 4
    assert result.done == 4
    assert result.overdue == 1
    assert str(result.meetings) in committee_meetings_demo_summary(result)

    sides = set(AgendaItem.objects.values_list("side", flat=True))
    assert sides == {"party", "administration"}
    assert ExternalAttendee.objects.filter(name="王建国", post="院长").exists()

    # The overdue one waits in the demo branch secretary's inbox; the faculty member sees it in the list.
    overdue = Decision.objects.get(status="open", due_on__lt=TODAY)
    secretary = User.objects.get(username="demo-branch")
    [todo] = [t for t in inbox_for(secretary, TODAY) if t.kind == "study.decision_carry_out"]
    assert todo.overdue
    member = User.objects.get(username="demo-member")
    seen = decision_list(actor=member, filters=DecisionFilters(state="all"), today=TODAY)
    assert overdue in seen

    # Running again changes nothing.
    events = AuditEvent.objects.count()
    again = committee_meetings_demo_ensure(today=TODAY)
    assert not again.built
    assert AuditEvent.objects.count() == events
    assert committee_meetings_demo_summary(again) == ""
