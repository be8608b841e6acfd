import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.development.models import Person
from dangjian.development.tests.factories import applicant_id, register, walk

D = datetime.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_secretary_registers_an_applicant_and_records_a_step_with_its_warning(college):
    client = _client(college.user("branch"))
    form = client.get(reverse("development:person-create"))
    assert form.status_code == 200
    assert "申请" in form.content.decode()
    today = timezone.localdate()
    applied = today - datetime.timedelta(days=60)
    response = client.post(
        reverse("development:person-create"),
        {
            "org": college.branch.pk,
            "name": "孙申请",
            "id_number": applicant_id(),
            "category": "undergraduate",
            "applied_on": applied.isoformat(),
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("development:person-detail", args=[person.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "孙申请" in detail
    assert person.id_number not in detail
    assert "谈话" in detail  # the talk is late: a month has passed
    recorded = client.post(
        reverse("development:step-record", args=[person.pk]), {"step": "activist", "on": today.isoformat()}, follow=True
    )
    page = recorded.content.decode()
    assert recorded.status_code == 200
    assert person.steps.filter(step="activist").exists()
    assert "alert-warning" in page or "warning" in page


def test_bad_input_re_renders_with_400_and_saves_nothing(college):
    client = _client(college.user("branch"))
    response = client.post(
        reverse("development:person-create"),
        {
            "org": college.branch.pk,
            "name": "错号",
            "id_number": "123",
            "category": "undergraduate",
            "applied_on": "2025-03-01",
        },
    )
    assert response.status_code == 400
    assert "身份证号" in response.content.decode()
    assert not Person.objects.exists()
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(reverse("development:step-record", args=[person.pk]), {"step": "talk", "on": future})
    assert response.status_code == 400
    assert "日期在将来" in response.content.decode()
    assert person.steps.count() == 1


def test_the_pipeline_shows_the_stages_and_the_clocks(college, django_assert_max_num_queries):
    secretary = college.user("branch")
    person = register(secretary, college.branch, name="周积极", applied_on=D(2024, 1, 1))
    walk(secretary, person, [("talk", D(2024, 1, 20)), ("activist", D(2024, 3, 1))])
    client = _client(secretary)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("development:pipeline"))
    content = page.content.decode()
    assert page.status_code == 200
    assert "周积极" in content
    assert 'id="stage-activist"' in content
    assert "每半年对入党积极分子进行一次考察" in content


def test_reveal_shows_the_id_number_and_is_audited(college):
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    client = _client(college.user("branch"))
    page = client.post(reverse("development:person-reveal", args=[person.pk])).content.decode()
    assert person.id_number in page
    assert AuditEvent.objects.filter(action="development.reveal").exists()


def test_mentors_are_assigned_from_the_branch(college):
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    client = _client(college.user("branch"))
    options = client.get(reverse("development:mentor-options", args=[person.pk])).json()
    values = [str(o["value"]) for o in options["results"]]
    assert str(college.member.pk) in values
    assert str(college.other_member.pk) not in values
    refused = client.post(
        reverse("development:mentors-assign", args=[person.pk]),
        {"mentors": [college.other_member.pk], "on": "2025-04-01"},
    )
    assert refused.status_code == 400
    done = client.post(
        reverse("development:mentors-assign", args=[person.pk]), {"mentors": [college.member.pk], "on": "2025-04-01"}
    )
    assert done.status_code == 302
    assert list(person.mentors.all()) == [college.member]
