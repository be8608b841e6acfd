import datetime
import zoneinfo

import pytest

from dangjian.accounts.models import User
from dangjian.care.models import TalkTodo
from dangjian.compliance.models import WarningEntry
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.selectors import life_branches, life_matrix, warning_list
from dangjian.core.models import AuditEvent
from dangjian.demo import generator, study
from dangjian.demo.compliance import compliance_demo_ensure, compliance_demo_summary
from dangjian.members.models import SpecialSituation
from dangjian.orgs.models import OfficerTerm
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

    # Organisational life this year: every branch keeps the rhythm but two. One faculty branch missed
    # its 支委会 in the two months before this one; the student branch excused its summer theme days.
    branches = list(life_branches(User.objects.get(username="demo-committee")))
    rows = life_matrix(branches, req.period_of(req.PeriodKind.YEAR, TODAY), today=TODAY)
    found = {"overdue": set(), "excused": set()}
    for row in rows:
        for cell in row.cells:
            for check in cell.checks:
                if check.status in found:
                    found[check.status].add((check.org.name, cell.requirement.key, check.result.period.starts_on))
    by_branch: dict[str, list[datetime.date]] = {}
    for name, key, month in found["overdue"]:
        assert key == "committee_meeting"
        by_branch.setdefault(name, []).append(month)
    # Besides, the faculty branch that has never elected the 支委会 it needs misses it in every closed month.
    elected = set(OfficerTerm.objects.current(TODAY).exclude(position="secretary").values_list("org__name", flat=True))
    without = {name for name in by_branch if name not in elected}
    assert len(without) == 1
    assert len(by_branch[next(iter(without))]) == TODAY.month - 1
    short = {name: sorted(months) for name, months in by_branch.items() if name not in without}
    assert list(short.values()) == [[datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)]]
    assert found["excused"] == {
        ("硕士研究生第一党支部", "theme_day", datetime.date(2026, 7, 1)),
        ("硕士研究生第一党支部", "theme_day", datetime.date(2026, 8, 1)),
    }
    assert result.excused == 2

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
