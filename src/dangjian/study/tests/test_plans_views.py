import datetime
import io

import docx
import pytest
from django.urls import reverse

from dangjian.accounts.system import system_actor
from dangjian.core.models import AuditEvent, CalendarDay
from dangjian.notices.tests.test_inbox import INBOX_QUERIES
from dangjian.study.models import Directive, PlanItem, Semester, StudyPlan
from dangjian.study.services import plans as services
from dangjian.study.tests.factories_plans import make_item, make_plan, make_semester

D = datetime.date
HTMX = {"HX-Request": "true"}


@pytest.fixture
def semester(college):
    return make_semester(college.committee)


def _login(client, college, role):
    client.force_login(college.user(role))
    return client


# --- Semesters ----------------------------------------------------------------------------------


def test_committee_defines_a_semester(client, college):
    _login(client, college, "committee")
    response = client.post(
        reverse("study:semester-create"),
        {
            "committee": college.committee.pk,
            "name": "2026—2027学年第一学期",
            "starts_on": "2026-09-01",
            "ends_on": "2027-01-31",
        },
    )
    assert response.status_code == 302
    assert Semester.objects.get().name == "2026—2027学年第一学期"
    assert "2026—2027学年第一学期" in client.get(reverse("study:semester-list")).content.decode()


def test_an_overlapping_semester_shows_the_error_and_saves_nothing(client, college, semester):
    _login(client, college, "committee")
    response = client.post(
        reverse("study:semester-create"),
        {"committee": college.committee.pk, "name": "重叠", "starts_on": "2026-12-01", "ends_on": "2027-06-30"},
    )
    assert response.status_code == 200
    assert "2026—2027学年第一学期" in str(response.context["form"].errors)
    assert Semester.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("branch", 404), ("member", 404), ("auditor", 404)])
def test_only_committee_officers_reach_the_semester_form(client, college, role, status):
    assert _login(client, college, role).get(reverse("study:semester-create")).status_code == status


def test_semester_edit(client, college, semester):
    _login(client, college, "committee")
    url = reverse("study:semester-edit", args=[semester.pk])
    assert client.get(url).status_code == 200
    data = {"name": "2026秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-20"}
    assert client.post(url, data).status_code == 302
    semester.refresh_from_db()
    assert semester.ends_on == D(2027, 1, 20)
    assert _login(client, college, "branch").get(url).status_code == 404


# --- Calendar -----------------------------------------------------------------------------------


def test_every_user_sees_the_calendar_with_the_shipped_holidays(client, college):
    response = _login(client, college, "member").get(reverse("study:calendar"), {"year": 2026})
    assert response.status_code == 200
    assert len(response.context["days"]) == 39
    assert response.context["can_edit"] is False
    assert reverse("study:calendar-day-set") not in response.content.decode()


def test_committee_sets_and_removes_a_day_with_htmx(client, college):
    _login(client, college, "committee")
    headers = {**HTMX, "HX-Target": "calendar-days"}
    response = client.post(
        reverse("study:calendar-day-set"),
        {"date": "2027-10-01", "kind": "holiday", "name": "国庆节", "year": 2027},
        headers=headers,
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "国庆节" in response.content.decode()
    assert CalendarDay.objects.get(date=D(2027, 10, 1)).kind == "holiday"
    response = client.post(reverse("study:calendar-day-remove", args=["2027-10-01"]), headers=headers)
    assert response.status_code == 200
    assert not CalendarDay.objects.filter(date=D(2027, 10, 1)).exists()


def test_a_weekday_make_up_day_is_refused(client, college):
    _login(client, college, "committee")
    response = client.post(reverse("study:calendar-day-set"), {"date": "2027-10-08", "kind": "workday"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not CalendarDay.objects.filter(date=D(2027, 10, 8)).exists()


@pytest.mark.parametrize("role", ["branch", "member", "auditor"])
def test_others_cannot_change_the_calendar(client, college, role):
    _login(client, college, role)
    assert client.post(reverse("study:calendar-day-set"), {"date": "2027-10-01", "kind": "holiday"}).status_code == 404
    assert client.post(reverse("study:calendar-day-remove", args=["2026-10-01"])).status_code == 404
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).exists()


# --- Directives ---------------------------------------------------------------------------------


def test_committee_records_a_directive_with_items(client, college, semester):
    _login(client, college, "committee")
    assert client.get(reverse("study:directive-create")).status_code == 200
    data = {
        "semester": semester.pk,
        "title": "关于开展主题教育的通知",
        "issued_by": "校党委",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-title": "专题学习",
        "items-0-form": "group_study",
        "items-0-audience": "all",
        "items-0-deadline": "2026-10-31",
        "items-1-title": "",
        "items-1-audience": "all",
        "items-2-title": "",
        "items-2-audience": "all",
    }
    response = client.post(reverse("study:directive-create"), data)
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert [i.title for i in directive.items.all()] == ["专题学习"]
    detail = client.get(reverse("study:directive-detail", args=[directive.pk]))
    assert "专题学习" in detail.content.decode()
    assert (
        _login(client, college, "branch").get(reverse("study:directive-detail", args=[directive.pk])).status_code == 200
    )
    assert (
        _login(client, college, "member").get(reverse("study:directive-detail", args=[directive.pk])).status_code == 404
    )


# --- Plans --------------------------------------------------------------------------------------


def test_branch_creates_a_plan_and_adds_items(client, college, semester):
    _login(client, college, "branch")
    response = client.post(reverse("study:plan-create"), {"org": college.branch.pk, "semester": semester.pk})
    plan = StudyPlan.objects.get()
    assert response.status_code == 302
    assert plan.org == college.branch
    add = reverse("study:plan-item-add", args=[plan.pk])
    item = {
        "month": "2026-10-01",
        "theme": "支部书记讲党课",
        "form": "lecture",
        "audience": "all",
        "planned_minutes": 90,
    }
    assert client.post(add, item).status_code == 302
    # A date outside the chosen month is refused with the rule's message.
    response = client.post(add, item | {"planned_on": "2026-11-05"})
    assert response.status_code == 200
    assert response.context["form"].errors["planned_on"]
    assert plan.items.count() == 1
    page = client.get(reverse("study:plan-detail", args=[plan.pk])).content.decode()
    assert "支部书记讲党课" in page


def test_committee_publishes_and_the_branch_sees_its_required_items(client, college, semester):
    plan = make_plan(college.committee, semester)
    make_item(plan, theme="学习贯彻全会精神", organiser="every_branch")
    _login(client, college, "committee")
    assert client.get(reverse("study:plan-publish", args=[plan.pk])).status_code == 200
    assert client.post(reverse("study:plan-publish", args=[plan.pk])).status_code == 302
    branch_plan = StudyPlan.objects.get(org=college.branch)
    response = _login(client, college, "branch").get(reverse("study:plan-detail", args=[branch_plan.pk]))
    assert response.status_code == 200
    (row,) = response.context["detail"].rows
    assert row.required
    assert "学习贯彻全会精神" in response.content.decode()
    # The branch cannot remove the required item.
    remove = reverse("study:plan-item-remove", args=[row.item.pk])
    response = client.post(remove, headers={**HTMX, "HX-Target": "plan-items"})
    assert response.status_code == 200
    assert PlanItem.objects.filter(pk=row.item.pk).exists()
    # …nor publish the committee's plan.
    assert client.post(reverse("study:plan-publish", args=[plan.pk])).status_code == 404


def test_removing_an_own_item_with_htmx_returns_the_items(client, college, semester):
    plan = make_plan(college.branch, semester)
    item = make_item(plan)
    _login(client, college, "branch")
    response = client.post(
        reverse("study:plan-item-remove", args=[item.pk]), headers={**HTMX, "HX-Target": "plan-items"}
    )
    assert response.status_code == 200
    assert 'id="plan-items"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert not PlanItem.objects.exists()
    assert AuditEvent.objects.filter(action="plan_item.remove").exists()


def test_plan_list_is_scoped_and_pins_its_queries(client, college, semester, django_assert_max_num_queries):
    committee_plan = make_plan(college.committee, semester)
    for n in range(5):
        make_item(committee_plan, theme=f"第{n}项", organiser="every_branch")
    services.study_plan_publish(actor=system_actor(), plan=committee_plan)
    _login(client, college, "branch")
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        response = client.get(reverse("study:plan-list"))
    assert {p.org.name for p in response.context["page_obj"]} == {"哲学与社会发展学院党委", "哲学系教工党支部"}
    partial = client.get(
        reverse("study:plan-list"), {"semester": semester.pk}, headers={**HTMX, "HX-Target": "plan-results"}
    )
    assert "<html" not in partial.content.decode()


def test_plan_detail_pins_its_queries(client, college, semester, django_assert_max_num_queries):
    plan = make_plan(college.committee, semester)
    for n in range(6):
        make_item(plan, theme=f"第{n}项", organiser="every_branch" if n % 2 else "self")
    services.study_plan_publish(actor=system_actor(), plan=plan)
    _login(client, college, "committee")
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        assert client.get(reverse("study:plan-detail", args=[plan.pk])).status_code == 200


def test_plan_export_is_a_word_document(client, college, semester):
    plan = make_plan(college.branch, semester)
    make_item(plan, theme="参观红色教育基地", form="visit")
    response = _login(client, college, "group_leader").get(reverse("study:plan-export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert "参观红色教育基地" in document.tables[0].rows[1].cells[2].text
    assert _login(client, college, "other_branch").get(reverse("study:plan-export", args=[plan.pk])).status_code == 404


def test_a_branch_edits_the_date_of_a_required_item_but_not_its_theme(client, college, semester):
    plan = make_plan(college.committee, semester)
    make_item(plan, theme="学习贯彻全会精神", organiser="every_branch", month=D(2026, 10, 1))
    services.study_plan_publish(actor=system_actor(), plan=plan)
    copy = PlanItem.objects.get(plan__org=college.branch)
    _login(client, college, "branch")
    url = reverse("study:plan-item-edit", args=[copy.pk])
    form = client.get(url).context["form"]
    assert form.fields["theme"].disabled
    assert not form.fields["planned_on"].disabled
    data = {"theme": "改掉", "month": "2026-11-01", "form": "film", "planned_on": "2026-10-09", "notes": "第二个周五"}
    assert client.post(url, data).status_code == 302
    copy.refresh_from_db()
    assert (copy.theme, copy.month, copy.planned_on) == ("学习贯彻全会精神", D(2026, 10, 1), D(2026, 10, 9))
