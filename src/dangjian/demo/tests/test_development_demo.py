import datetime

import pytest

from dangjian.demo import development, generator
from dangjian.demo.plan import SMALL_SCALE
from dangjian.development import rules
from dangjian.development.models import Person
from dangjian.development.selectors import scope_clocks

TODAY = datetime.date(2026, 11, 18)


@pytest.mark.django_db
def test_the_demo_college_gets_people_at_every_stage_once():
    generator.build_demo(today=TODAY, scale=SMALL_SCALE)
    result = development.development_demo_ensure(today=TODAY)
    assert result.people == len(development.STORIES)
    assert {p.stage for p in Person.objects.all()} >= {
        rules.APPLY,
        rules.ACTIVIST,
        rules.CANDIDATE,
        rules.ADMISSION,
        rules.PROBATION,
    }
    assert Person.objects.filter(mentors__isnull=False).distinct().count() == 5
    assert development.development_demo_summary(result)
    from dangjian.accounts.models import User

    pipeline = scope_clocks(actor=User.objects.get(username="demo-student-branch"), today=TODAY)
    late = {c.state.clock.key for c in pipeline.late}
    assert {"talk_within_month", "review_half_year", "meeting_within_month_of_pre_review", "probation_one_year"} <= late
    assert development.development_demo_ensure(today=TODAY).people == 0
