"""A committee's settings of organisational life: validation, storing, resolution for its branches, the
page and the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.compliance import selectors, services
from dangjian.compliance.models import LifeSettings
from dangjian.compliance.rules import reminders
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.tests.factories import held
from dangjian.core.errors import DomainError, NotFound
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.orgs.tests.factories import OrganisationFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save(college, **values):
    data = {"variant": "", "overrides": {}, "reminder_working_days": 3} | values
    return services.life_settings_update(actor=college.user("committee"), org=college.committee, **data)


# --- Rules ---------------------------------------------------------------------------------------------


def test_valid_settings_have_no_errors():
    assert reminders.settings_errors("university", {"committee_meeting": {"times": 2}}, 3) == {}
    assert reminders.settings_errors("", {}, 0) == {}
    assert reminders.settings_errors("", {}, reminders.MAX_REMINDER_WORKING_DAYS) == {}


@pytest.mark.parametrize(
    ("variant", "overrides", "days", "field"),
    [
        ("regional", {}, 3, "variant"),
        ("", {"no_such_meeting": {"times": 1}}, 3, "overrides"),
        ("", {"lecture": {"times": 0}}, 3, "overrides"),
        ("", {"lecture": {"times": reminders.MAX_TIMES + 1}}, 3, "overrides"),
        ("", {"lecture": {"times": "two"}}, 3, "overrides"),
        ("", {"lecture": {"period": "week"}}, 3, "overrides"),
        ("", {"lecture": {"citation": "x"}}, 3, "overrides"),
        ("", {"lecture": {"forms": ["dance"]}}, 3, "overrides"),
        ("", {"lecture": {"forms": 3}}, 3, "overrides"),
        ("", {"committee_meeting": {"min_full_members": reminders.MAX_MIN_FULL_MEMBERS + 1}}, 3, "overrides"),
        ("", {"lecture": 2}, 3, "overrides"),
        ("", {}, reminders.MAX_REMINDER_WORKING_DAYS + 1, "reminder_working_days"),
        ("", {}, -1, "reminder_working_days"),
        ("", {}, True, "reminder_working_days"),
    ],
)
def test_bad_settings_name_the_field(variant, overrides, days, field):
    errors = reminders.settings_errors(variant, overrides, days)
    assert field in errors
    assert errors[field]


def test_changed_requirements_name_what_differs_from_the_regulations():
    changed = reminders.changed_requirements(req.requirement_set("2018", "university", {"theme_day": {"times": 2}}))
    assert [(new.key, old.times, new.times) for new, old in changed] == [("lecture", 1, 2), ("theme_day", 1, 2)]
    assert reminders.changed_requirements(req.requirement_set()) == []


# --- Service -------------------------------------------------------------------------------------------


def test_a_committee_officer_saves_the_settings_and_it_is_audited(college):
    settings = save(college, variant="university", overrides={"committee_meeting": {"times": "2"}})
    settings.refresh_from_db()
    assert settings.variant == "university"
    assert settings.overrides == {"committee_meeting": {"times": 2}}
    assert settings.reminder_working_days == 3
    event = AuditEvent.objects.get(action="life_settings.update")
    assert event.org_path == college.committee.path
    assert event.changes["variant"] == ["", "university"]
    save(college, variant="university", overrides={"committee_meeting": {"times": 2}})
    assert AuditEvent.objects.filter(action="life_settings.update").count() == 1  # nothing changed


def test_a_bad_override_is_refused_and_nothing_is_stored(college):
    save(college, overrides={"lecture": {"times": 2}})
    with pytest.raises(DomainError) as caught:
        save(college, overrides={"lecture": {"times": 0}})
    assert caught.value.field == "overrides"
    assert LifeSettings.objects.get(org=college.committee).overrides == {"lecture": {"times": 2}}


def test_only_a_committee_officer_over_a_committee_may_change_it(college):
    with pytest.raises(NotFound):
        services.life_settings_update(
            actor=college.user("branch"), org=college.committee, variant="", overrides={}, reminder_working_days=3
        )
    with pytest.raises(NotFound):  # a branch has no settings of its own
        services.life_settings_update(
            actor=college.user("committee"), org=college.branch, variant="", overrides={}, reminder_working_days=3
        )
    assert not LifeSettings.objects.exists()


# --- Resolution ----------------------------------------------------------------------------------------


def test_a_branch_follows_its_committee(college):
    assert selectors.life_requirements(college.branch).get("lecture").period == "quarter"
    assert selectors.life_in_force(college.branch).committee is None
    save(college, variant="university", overrides={"theme_day": {"times": 2}}, reminder_working_days=5)
    in_force = selectors.life_in_force(college.branch)
    assert in_force.committee == college.committee
    assert in_force.reminder_working_days == 5
    assert in_force.requirements.get("lecture").period == "semester"
    assert in_force.requirements.get("lecture").times == 2
    assert in_force.requirements.get("theme_day").times == 2
    assert selectors.life_requirements(college.group).get("theme_day").times == 2
    assert selectors.life_requirements().get("theme_day").times == 1  # no organisation: the regulations


def test_the_nearest_committee_with_settings_applies(college):
    inner = OrganisationFactory(parent=college.committee, kind="committee", name="研究院党委", code="C02")
    branch = OrganisationFactory(parent=inner, name="研究院支部", code="B09")
    save(college, overrides={"theme_day": {"times": 2}})
    assert selectors.life_requirements(branch).get("theme_day").times == 2
    services.life_settings_update(
        actor=system_actor(), org=inner, variant="", overrides={"theme_day": {"times": 3}}, reminder_working_days=1
    )
    found = selectors.life_settings_for([branch, college.branch])
    assert found[branch.pk].requirements.get("theme_day").times == 3
    assert found[college.branch.pk].requirements.get("theme_day").times == 2


def test_the_matrix_checks_each_branch_against_its_committees_set(college):
    month = req.period_of("month", timezone.localdate()).previous()
    ago = (timezone.localdate() - (month.starts_on + datetime.timedelta(days=3))).days
    held(college.branch, ago, form="theme_day")
    rows = selectors.life_matrix([college.branch], month)
    assert next(c for c in rows[0].cells if c.requirement.key == "theme_day").status == req.Status.MET
    save(college, overrides={"theme_day": {"times": 2}})
    rows = selectors.life_matrix([college.branch], month)
    cell = next(c for c in rows[0].cells if c.requirement.key == "theme_day")
    assert cell.requirement.times == 2
    assert cell.status == req.Status.OVERDUE


def test_an_excuse_follows_the_committees_periods(college):
    save(college, variant="university")
    semester = req.period_of("semester", timezone.localdate()).previous()
    excuse = services.requirement_excuse(
        actor=college.user("committee"), org=college.branch, requirement="lecture", period=semester, reason="寒假"
    )
    assert excuse.period_kind == "semester"
    with pytest.raises(DomainError):
        services.requirement_excuse(
            actor=college.user("committee"),
            org=college.branch,
            requirement="lecture",
            period=req.period_of("quarter", timezone.localdate()),
            reason="寒假",
        )


# --- Page and API --------------------------------------------------------------------------------------


def test_the_settings_page_saves_and_refuses_in_chinese(college):
    client = client_for(college.user("committee"))
    url = reverse("compliance:life-settings", args=[college.committee.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"variant": "", "reminder_working_days": "3", "theme_day__times": "0"})
    assert bad.status_code == 400
    assert not LifeSettings.objects.exists()
    good = client.post(url, {"variant": "university", "reminder_working_days": "4", "committee_meeting__times": "2"})
    assert good.status_code == 302
    settings = LifeSettings.objects.get(org=college.committee)
    assert settings.overrides == {"committee_meeting": {"times": 2}}
    assert settings.reminder_working_days == 4
    refused = client.post(url, {"variant": "", "reminder_working_days": "99"})
    assert refused.status_code == 400
    assert "20" in refused.content.decode()
    assert LifeSettings.objects.get(org=college.committee).reminder_working_days == 4


def test_the_pages_show_what_is_in_force(college):
    save(college, variant="university", overrides={"committee_meeting": {"times": 2}})
    client = client_for(college.user("committee"))
    life = client.get(reverse("compliance:life")).content.decode()
    assert reverse("compliance:life-settings", args=[college.committee.pk]) in life
    detail = client_for(college.user("branch")).get(reverse("compliance:life-branch", args=[college.branch.pk]))
    text = detail.content.decode()
    assert college.committee.name in text
    assert req.UNIVERSITY_LECTURE_CITATION in text
    # A branch officer may not change the committee's settings: no link.
    assert reverse("compliance:life-settings", args=[college.committee.pk]) not in text


def test_the_settings_api(college):
    api = api_as(college.user("committee"))
    url = f"/compliance/life/settings/{college.committee.pk}"
    got = api.get(url)
    assert got.status_code == 200
    assert got.json()["reminder_working_days"] == reminders.DEFAULT_REMINDER_WORKING_DAYS
    put = api.put(url, {"variant": "university", "overrides": {"theme_day": {"times": 2}}, "reminder_working_days": 2})
    assert put.status_code == 200, put.json()
    body = put.json()
    assert body["overrides"] == {"theme_day": {"times": 2}}
    assert next(r for r in body["requirements"] if r["key"] == "lecture")["period"] == "semester"
    bad = api.put(url, {"overrides": {"theme_day": {"times": 0}}})
    assert bad.status_code == 400
    assert bad.json()["field"] == "overrides"
    assert LifeSettings.objects.get().overrides == {"theme_day": {"times": 2}}
    assert api_as(college.user("branch")).get(url).status_code == 404
    assert api.get(f"/compliance/life/settings/{college.branch.pk}").status_code == 404
