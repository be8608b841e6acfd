import datetime
import zoneinfo

import pytest

from dangjian.accounts.models import User
from dangjian.care.models import TalkTodo
from dangjian.compliance.models import WarningEntry
from dangjian.compliance.selectors import warning_list
from dangjian.core.models import AuditEvent
from dangjian.demo import generator, study
from dangjian.demo.compliance import compliance_demo_ensure, compliance_demo_summary
from dangjian.members.models import SpecialSituation
from dangjian.study.models import Attendance

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 18, 15, 5, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.mark.django_db
def test_a_few_demo_members_show_up_on_the_early_warning_for_different_reasons():
    generator.build_demo(today=TODAY)
    study.study_demo_ensure(now=NOW)
    result = compliance_demo_ensure(today=TODAY)
    assert result.built

    entries = list(WarningEntry.objects.open().select_related("member", "org"))
    assert 4 <= len(entries) <= 8  # a few, not the whole college
    assert result.entries == len(entries)
    by_signal = {reason["signal"]: entry for entry in entries for reason in entry.reasons}
    assert set(by_signal) == {"absences", "organisational_life", "study", "talk", "participation"}
    assert {e.level for e in entries} == {"warning", "alarm"}
    assert result.alarms == 1

    # The signals come from real data written through the services.
    absent = by_signal["absences"]
    manual = Attendance.objects.filter(member=absent.member, status="absent", method="manual")
    assert manual.count() >= 3
    assert TalkTodo.objects.filter(member=absent.member, reason="repeated_absence").exists()
    alarm = by_signal["organisational_life"]
    assert alarm.level == "alarm"
    assert alarm.suggested_action == "visit"
    assert Attendance.objects.filter(member=alarm.member, status="leave", method="manual").exists()
    frail = by_signal["talk"]
    assert frail.suggested_action == "study_at_home"
    assert SpecialSituation.objects.filter(member=frail.member, kind="frail", until__isnull=True).exists()

    # The demo branch secretary sees their branch's entries; members see none.
    secretary = User.objects.get(username="demo-branch")
    mine = list(warning_list(actor=secretary))
    assert len(mine) >= 3
    assert all(e.org_id == mine[0].org_id for e in mine)
    assert list(warning_list(actor=User.objects.get(username="demo-member"))) == []

    assert str(result.entries) in compliance_demo_summary(result)

    # Running again changes nothing.
    events = AuditEvent.objects.count()
    again = compliance_demo_ensure(today=TODAY)
    assert not again.built
    assert again.opened == 0
    assert again.entries == len(entries)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_without_the_demo_college_nothing_happens():
    result = compliance_demo_ensure(today=TODAY)
    assert result.entries == 0
    assert compliance_demo_summary(result) == ""
