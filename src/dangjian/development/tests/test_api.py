import datetime

from django.utils import timezone

from dangjian.core.tests.apiclient import ApiClient
from dangjian.development.models import Person
from dangjian.development.tests.factories import applicant_id, register

D = datetime.date


def test_register_record_and_read_through_the_api(college):
    secretary = ApiClient(college.user("branch"))
    applied = timezone.localdate() - datetime.timedelta(days=45)
    created = secretary.post(
        "/development/people",
        {
            "org": college.branch.pk,
            "name": "孙申请",
            "id_number": applicant_id(),
            "applied_on": applied.isoformat(),
            "category": "undergraduate",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    person_id = body["person"]["id"]
    assert "*" in body["person"]["id_number"]
    assert [s["step"] for s in body["person"]["steps"]] == ["application"]
    assert [c["key"] for c in body["person"]["clocks"]] == ["talk_within_month"]
    assert body["person"]["clocks"][0]["state"] == "late"
    step = secretary.post(
        f"/development/people/{person_id}/steps", {"step": "activist", "on": timezone.localdate().isoformat()}
    )
    assert step.status_code == 201, step.content
    assert step.json()["warnings"]  # before the talk
    detail = secretary.get(f"/development/people/{person_id}").json()
    assert detail["stage"] == "activist"
    listed = secretary.get("/development/people", {"stage": "activist"}).json()
    assert [p["id"] for p in listed["items"]] == [person_id]
    clocks = secretary.get("/development/clocks").json()
    assert {"talk_within_month"} <= {c["key"] for c in clocks}
    assert all(c["person"] == person_id and c["why"] for c in clocks)
    mentors = secretary.put(f"/development/people/{person_id}/mentors", {"mentors": [college.member.pk]})
    assert mentors.status_code == 200, mentors.content
    assert [m["id"] for m in mentors.json()["mentors"]] == [college.member.pk]


def test_errors_are_4xx_json_and_change_nothing(college):
    secretary = ApiClient(college.user("branch"))
    bad = secretary.post(
        "/development/people",
        {
            "org": college.branch.pk,
            "name": "错",
            "id_number": "123",
            "applied_on": "2025-03-01",
            "category": "undergraduate",
        },
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "id_number"
    other = secretary.post(
        "/development/people",
        {
            "org": college.other_branch.pk,
            "name": "错",
            "id_number": applicant_id(),
            "applied_on": "2025-03-01",
            "category": "undergraduate",
        },
    )
    assert other.status_code == 400
    assert other.json()["field"] == "org"
    assert not Person.objects.exists()
    person = register(college.user("branch"), college.branch, applied_on=D(2025, 3, 1))
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = secretary.post(f"/development/people/{person.pk}/steps", {"step": "talk", "on": future})
    assert refused.status_code == 400
    assert refused.json()["field"] == "on"
    assert (
        secretary.post(f"/development/people/{person.pk}/steps", {"step": "nope", "on": "2025-03-02"}).status_code
        == 422
    )
    twice = secretary.post(f"/development/people/{person.pk}/steps", {"step": "application", "on": "2025-03-02"})
    assert twice.status_code == 400
    outsider = ApiClient(college.user("other_branch"))
    assert outsider.get(f"/development/people/{person.pk}").status_code == 404
    assert (
        outsider.post(f"/development/people/{person.pk}/steps", {"step": "talk", "on": "2025-03-02"}).status_code == 404
    )
    auditor = ApiClient(college.user("auditor"))
    assert (
        auditor.post(f"/development/people/{person.pk}/steps", {"step": "talk", "on": "2025-03-02"}).status_code == 403
    )
    assert ApiClient(college.user("member")).get("/development/clocks").status_code == 404
    assert person.steps.count() == 1
