import datetime

import pytest

from dangjian.accounts.models import User
from dangjian.care.models import TalkTodo
from dangjian.core.models import AuditEvent
from dangjian.demo import evaluation, generator
from dangjian.demo.generator import Scale
from dangjian.evaluation import selectors
from dangjian.evaluation.models import Ballot, Campaign, ImprovementPlan, Participant, Recognition, Result
from dangjian.evaluation.rules import Grade, Phase

TODAY = datetime.date(2026, 11, 18)
SMALL = Scale(committees=1, branches=6, members=60)


@pytest.mark.django_db
def test_the_demo_branch_has_a_closed_and_an_open_campaign():
    generator.build_demo(today=TODAY, scale=SMALL)
    result = evaluation.evaluation_demo_ensure(today=TODAY)
    assert result.built
    member_user = User.objects.get(username="demo-member")

    closed = result.closed
    assert (closed.year, closed.phase) == (2025, Phase.CLOSED)
    assert closed.meeting_on == datetime.date(2026, 1, 12)
    results = list(closed.results.all())
    assert results
    assert all(r.decided_grade for r in results)
    basic = Result.objects.get(campaign=closed, decided_grade=Grade.BASIC)
    plan = ImprovementPlan.objects.get(result=basic)
    assert plan.deadline <= closed.meeting_on.replace(year=closed.meeting_on.year + 1)
    assert TalkTodo.objects.filter(source_key=f"evaluation:{basic.pk}", member=basic.member).exists()
    assert selectors.tally(campaign=closed).verdict.allowed
    mine = selectors.my_results(actor=member_user)
    assert [r.campaign for r in mine] == [closed]

    open_ = result.open
    assert (open_.year, open_.phase) == (2026, Phase.MUTUAL)
    me = Participant.objects.get(campaign=open_, member=member_user.member)
    assert me.is_full
    assert not me.has_voted
    assert selectors.ballot_form(actor=member_user, campaign=open_).can_vote
    assert Ballot.objects.filter(campaign=open_).count() >= 1
    assert (
        AuditEvent.objects.filter(action="evaluation.vote", object_id=str(open_.pk)).count()
        == Ballot.objects.filter(campaign=open_).count()
    )
    assert Recognition.objects.filter(member=member_user.member).exists()
    assert Recognition.objects.values("kind").distinct().count() == 4
    assert "demo-member" in evaluation.evaluation_demo_summary(result)

    # Idempotent.
    again = evaluation.evaluation_demo_ensure(today=TODAY)
    assert not again.built
    assert again.open == open_
    assert Campaign.objects.count() == 2


@pytest.mark.django_db
def test_nothing_without_the_demo_college():
    assert not evaluation.evaluation_demo_ensure(today=TODAY).built
