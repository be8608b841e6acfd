import datetime

import pytest

from dangjian.accounts.models import User
from dangjian.demo import dues, generator
from dangjian.dues import rules
from dangjian.dues.models import DuesBase, LedgerLine, Relief
from dangjian.dues.selectors import arrears_list, member_dues
from dangjian.dues.todos import arrears_todos
from dangjian.members.models import Member

TODAY = datetime.date(2026, 11, 18)


@pytest.mark.django_db
def test_the_demo_college_gets_its_dues_once():
    generator.build_demo(today=TODAY)
    result = dues.dues_demo_ensure(today=TODAY)
    assert result.bases == DuesBase.objects.count() > 50
    assert LedgerLine.objects.count() == result.lines
    assert set(LedgerLine.objects.values_list("month", flat=True)) == {datetime.date(2026, m, 1) for m in range(5, 12)}
    assert dues.dues_demo_summary(result)
    committee = User.objects.get(username="demo-committee")
    levels = [item.arrears.level for item in arrears_list(actor=committee, today=TODAY)]
    assert levels.count(rules.WARNING) == 1
    assert levels.count(rules.REMINDER) >= 3
    relief = Relief.objects.get()
    assert relief.approved
    assert LedgerLine.objects.filter(member=relief.member, month=datetime.date(2026, 11, 1)).get().amount_due == 0
    me = Member.objects.get(user__username="demo-member")
    mine = member_dues(member=me, today=TODAY)
    assert mine.arrears.level == rules.REMINDER
    assert mine.expected is not None
    assert [t.kind for t in arrears_todos(me.user, TODAY)] == ["dues.own_arrears"]
    assert arrears_todos(User.objects.get(username="demo-branch"), TODAY)
    assert dues.dues_demo_ensure(today=TODAY).lines == 0
