import datetime
import zoneinfo

import pytest

from dangjian.accounts.models import User
from dangjian.core.models import AuditEvent
from dangjian.demo import generator, rights
from dangjian.demo.plan import SMALL_SCALE
from dangjian.rights import rules, selectors
from dangjian.rights.models import Appeal, AppealStatus, Opinion, OpinionStatus
from dangjian.rights.tests.fakes import FakeDecisions

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 18, 15, 5, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_the_demo_college_gets_opinions_and_an_appeal_once():
    generator.build_demo(today=NOW.date(), scale=SMALL_SCALE)
    result = rights.rights_demo_ensure(now=NOW)
    assert (result.opinions, result.answered, result.appeals) == (5, 4, 0)  # no kind of decision yet: no appeal

    opinions = Opinion.objects.all()
    assert opinions.filter(author__isnull=True).count() == 2
    assert opinions.filter(status=OpinionStatus.OPEN).count() == 1
    assert {o.kind for o in opinions} == {"suggestion", "criticism"}
    assert all(o.answered_at is None or o.answered_at.date() > o.submitted_on for o in opinions)
    member = User.objects.get(username="demo-member").member
    assert Opinion.objects.filter(author=member, status=OpinionStatus.ANSWERED).exists()
    # The code printed for the demo opens an answered anonymous opinion.
    followed = selectors.opinion_by_code(result.follow_up_code)
    assert followed.anonymous
    assert followed.status == OpinionStatus.ANSWERED
    assert followed.follow_up_hash == rules.code_hash(result.follow_up_code)
    assert result.follow_up_code in rights.rights_demo_summary(result)
    # Anonymous ones were audited without actor.
    anonymous_ids = [str(o.pk) for o in opinions if o.anonymous]
    assert set(
        AuditEvent.objects.filter(action="opinion.create", object_id__in=anonymous_ids).values_list("actor", flat=True)
    ) == {None}

    # A second run adds no opinion; once a decision about a demo member exists, it adds the appeal.
    fake = FakeDecisions().register()
    try:
        again = rights.rights_demo_ensure(now=NOW)
        assert (again.opinions, again.appeals) == (0, 0)
        fake.add(member, member.org, "2026年度民主评议：基本合格", NOW.date())
        with_grade = rights.rights_demo_ensure(now=NOW)
        assert (with_grade.opinions, with_grade.appeals) == (0, 1)
        appeal = Appeal.objects.get()
        assert appeal.appellant == member
        assert appeal.status == AppealStatus.SUBMITTED
        assert rights.rights_demo_ensure(now=NOW).appeals == 0
        assert rights.rights_demo_summary(rights.rights_demo_ensure(now=NOW)) == ""
    finally:
        fake.unregister()


@pytest.mark.django_db
def test_without_the_demo_college_nothing_is_built():
    assert rights.rights_demo_ensure(now=NOW) == rights.RightsDemoResult()
