import datetime

import pytest
from django.db import IntegrityError, transaction

from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.development import rules, services
from dangjian.development.models import Person, StepRecord
from dangjian.development.tests.factories import applicant_id, record, register, walk

D = datetime.date


def _wrong_check_digit(id_number: str) -> str:
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


def test_register_checks_the_id_number_and_keeps_it_masked_in_the_audit(college):
    secretary = college.user("branch")
    id_number = applicant_id(D(2004, 5, 6), "female")
    person = register(secretary, college.branch, name="孙申请", applied_on=D(2025, 3, 1), id_number=id_number)
    assert person.birth_date == D(2004, 5, 6)
    assert person.gender == "female"
    assert person.stage == rules.APPLY
    assert person.name_initials == "ssq"
    first = person.steps.get()
    assert (first.step, first.on, first.rule_version, first.recorded_by) == (
        "application",
        D(2025, 3, 1),
        "2014",
        secretary,
    )
    event = AuditEvent.objects.get(action="development.register")
    assert id_number not in str(event.changes)
    assert event.org_path == college.branch.path
    with pytest.raises(DomainError) as refused:
        register(secretary, college.branch, name="重复", applied_on=D(2025, 3, 1), id_number=id_number)
    assert refused.value.field == "id_number"
    with pytest.raises(DomainError) as bad:
        register(
            secretary,
            college.branch,
            name="错号",
            applied_on=D(2025, 3, 1),
            id_number=_wrong_check_digit(applicant_id()),
        )
    assert bad.value.field == "id_number"
    with pytest.raises(DomainError) as member:
        register(secretary, college.branch, name="党员", applied_on=D(2025, 3, 1), id_number=college.member.id_number)
    assert "id_number" in member.value.errors
    assert Person.objects.count() == 1


def test_register_refuses_a_future_date_an_other_branch_and_a_group(college):
    secretary = college.user("branch")
    with pytest.raises(DomainError) as future:
        register(secretary, college.branch, applied_on=D(2025, 3, 2), today=D(2025, 3, 1))
    assert future.value.field == "applied_on"
    with pytest.raises(Forbidden):
        register(secretary, college.other_branch, applied_on=D(2025, 3, 1))
    with pytest.raises(DomainError):
        register(secretary, college.group, applied_on=D(2025, 3, 1))
    assert not Person.objects.exists()


def test_an_applicant_under_18_is_registered_with_a_warning(college):
    done = services.person_register(
        actor=college.user("branch"), org=college.branch, name="小李", id_number=applicant_id(D(2008, 1, 1)),
        applied_on=D(2025, 3, 1), category="undergraduate", today=D(2025, 3, 1),
    )  # fmt: skip
    assert done.warnings
    assert "18" in done.warnings[0]


def test_a_step_too_early_is_saved_with_its_warning(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2024, 3, 1))
    walk(secretary, person, [("talk", D(2024, 3, 10)), ("activist", D(2024, 4, 1)), ("activist_filed", D(2024, 4, 10))])
    done = record(secretary, person, "candidate", D(2025, 1, 5))
    assert done.record.pk
    assert done.record.rule_version == "2014"
    assert any("2025-04-10" in w for w in done.warnings)
    person.refresh_from_db()
    assert person.stage == rules.CANDIDATE
    event = AuditEvent.objects.filter(action="development.step_record").latest("pk")
    assert event.changes["stage"] == [rules.ACTIVIST, rules.CANDIDATE]


def test_impossible_steps_are_refused_and_nothing_is_saved(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2025, 3, 1))
    count = StepRecord.objects.count()
    with pytest.raises(DomainError) as future:
        record(secretary, person, "talk", D(2025, 3, 20), today=D(2025, 3, 19))
    assert future.value.field == "on"
    with pytest.raises(DomainError) as before:
        record(secretary, person, "talk", D(2025, 2, 20))
    assert before.value.field == "on"
    with pytest.raises(DomainError) as twice:
        record(secretary, person, "application", D(2025, 3, 2))
    assert twice.value.field == "step"
    with pytest.raises(DomainError):
        record(secretary, person, "extension", D(2025, 3, 2), months=3)
    with pytest.raises(DomainError):
        record(secretary, person, "talk", D(2025, 3, 2), training_days=3)
    with pytest.raises(Forbidden):
        record(college.user("other_branch"), person, "talk", D(2025, 3, 2))
    assert StepRecord.objects.count() == count


def test_reviews_and_thought_reports_repeat(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2025, 3, 1))
    record(secretary, person, "thought_report", D(2025, 4, 1))
    record(secretary, person, "thought_report", D(2025, 7, 1))
    assert person.steps.filter(step="thought_report").count() == 2


def test_the_database_keeps_one_record_per_step_and_extensions_of_6_to_12_months(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2025, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StepRecord.objects.create(
            person=person, step="application", on=D(2025, 3, 1), recorded_by=secretary, rule_version="2014"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StepRecord.objects.create(
            person=person, step="extension", on=D(2025, 3, 1), recorded_by=secretary, rule_version="2014", months=13
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StepRecord.objects.create(
            person=person, step="talk", on=D(2025, 3, 1), recorded_by=secretary, rule_version="2014", months=6
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StepRecord.objects.create(
            person=person, step="talk", on=D(2025, 3, 1), recorded_by=secretary, rule_version="1990"
        )


def test_a_step_follows_the_version_in_force_on_its_day(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2026, 5, 17))
    talk = record(secretary, person, "talk", D(2026, 5, 18))
    assert person.steps.get(step="application").rule_version == "2014"
    assert talk.record.rule_version == "2026"


def test_mentors_are_one_or_two_full_members_of_the_branch(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2025, 3, 1))
    done = services.mentors_assign(
        actor=secretary,
        person=person,
        mentors=[college.member, college.secretary],
        on=D(2025, 4, 1),
        today=D(2025, 4, 1),
    )
    assert done is not None
    assert done.record.step == "mentors"
    assert set(person.mentors.all()) == {college.member, college.secretary}
    assert done.warnings  # before the activist was named
    again = services.mentors_assign(actor=secretary, person=person, mentors=[college.member], today=D(2025, 4, 2))
    assert again is None
    assert list(person.mentors.all()) == [college.member]
    with pytest.raises(DomainError):
        services.mentors_assign(actor=secretary, person=person, mentors=[])
    with pytest.raises(DomainError):
        services.mentors_assign(actor=secretary, person=person, mentors=[college.other_member])
    assert AuditEvent.objects.filter(action="development.mentors_assign").count() == 2


def test_reveal_is_audited_and_limited(college):
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    assert services.person_reveal(actor=college.user("committee"), person=person)["id_number"] == person.id_number
    assert AuditEvent.objects.filter(action="development.reveal").count() == 1
    with pytest.raises(Forbidden):
        services.person_reveal(actor=college.user("auditor"), person=person)


def test_the_probation_is_extended_once_by_6_to_12_months(college):
    secretary = college.user("branch")
    person = register(secretary, college.branch, applied_on=D(2023, 1, 1))
    walk(secretary, person, [("admission_meeting", D(2024, 3, 1)), ("approval", D(2024, 4, 1))])
    done = record(secretary, person, "extension", D(2025, 3, 5), months=6)
    assert done.record.months == 6
    with pytest.raises(DomainError) as twice:
        record(secretary, person, "extension", D(2025, 3, 6), months=6)
    assert twice.value.field == "step"
    assert person.steps.filter(step="extension").count() == 1
