import datetime
import zoneinfo

import pytest

from dangjian.accounts.models import User
from dangjian.care.models import Need, NeedState, NeedVisibility, Talk, TalkTodo, TodoReason
from dangjian.care.selectors import needs as need_selectors
from dangjian.demo import care, generator
from dangjian.demo.generator import Scale

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 18)
SMALL = Scale(committees=1, branches=6, members=80)


@pytest.mark.django_db
def test_the_demo_college_gets_needs_talks_and_todos():
    generator.build_demo(today=TODAY, scale=SMALL)
    result = care.care_demo_ensure(today=TODAY)
    assert result.built
    assert "needs" in care.care_demo_summary(result) or "诉求" in care.care_demo_summary(result)
    states = set(Need.objects.values_list("state", flat=True))
    assert states == set(NeedState.values)
    # One need overdue and escalated, kept for the branch secretary: the committee sees its outline only.
    [escalated] = Need.objects.filter(escalated_to__isnull=False)
    assert escalated.visibility == NeedVisibility.SECRETARY
    assert escalated.events.filter(kind="escalated").exists()
    committee_user = User.objects.get(username="demo-committee")
    assert need_selectors.access_need(committee_user, escalated.pk).access == need_selectors.Access.OUTLINE
    # The demo member follows needs in several states, with a reopened one.
    member = User.objects.get(username="demo-member")
    own = set(need_selectors.my_needs(member).values_list("state", flat=True))
    assert {"submitted", "in_progress", "answered", "closed"} <= own
    assert Need.objects.filter(events__kind="reopened").exists()
    assert Need.objects.filter(state="closed", rating__isnull=False).count() >= 4
    # Events are dated to their days, in order.
    for need in Need.objects.all()[:20]:
        ats = list(need.events.values_list("at", flat=True))
        assert ats == sorted(ats)
        assert ats[0].astimezone(SHANGHAI).date() == need.submitted_on
    assert Talk.objects.count() > 20
    reasons = set(TalkTodo.objects.values_list("reason", flat=True))
    assert TodoReason.HARDSHIP_NEED in reasons
    assert TodoReason.REPEATED_ABSENCE in reasons
    # Idempotent.
    counts = (Need.objects.count(), Talk.objects.count(), TalkTodo.objects.count())
    assert not care.care_demo_ensure(today=TODAY).built
    assert (Need.objects.count(), Talk.objects.count(), TalkTodo.objects.count()) == counts
