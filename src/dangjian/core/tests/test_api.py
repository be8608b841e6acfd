import pytest
from django.test import Client
from ninja import Schema

from dangjian.care.tests.api_operations import OPERATIONS as CARE_OPERATIONS
from dangjian.compliance.tests.api_operations import OPERATIONS as COMPLIANCE_OPERATIONS
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import API, ApiClient, api_as
from dangjian.development.tests.api_operations import OPERATIONS as DEVELOPMENT_OPERATIONS
from dangjian.dues.tests.api_operations import OPERATIONS as DUES_OPERATIONS
from dangjian.evaluation.tests.api_operations import OPERATIONS as EVALUATION_OPERATIONS
from dangjian.rights.tests.api_operations import OPERATIONS as RIGHTS_OPERATIONS
from dangjian.study.tests.api_operations_committee_meetings import OPERATIONS as COMMITTEE_MEETING_OPERATIONS
from dangjian.study.tests.api_operations_records import OPERATIONS as RECORDS_OPERATIONS

OPERATIONS = {
    "notice_list",
    "notice_read",
    "notice_read_all",
    "inbox",
    "announcement_list",
    "announcement_get",
    "announcement_confirm",
    "announcement_create",
    "announcement_update",
    "announcement_withdraw",
    "announcement_reads",
    "digest_preference_get",
    "digest_preference_update",
    "dashboard_get",
    "dashboard_mine",
    "topic_list",
    "topic_get",
    "topic_create",
    "topic_update",
    "material_list",
    "material_get",
    "material_upload",
    "material_video_create",
    "material_update",
    "material_publish",
    "material_withdraw",
    "material_delete",
    "material_page_get",
    "reading_beat_create",
    "reading_position_get",
    "reading_position_update",
    "my_reading_get",
    "study_settings_get",
    "study_settings_update",
    "plan_item_schedule",
    "auth_token_create",
    "auth_token_list",
    "auth_token_revoke",
    "auth_password_change",
    "me_get",
    "org_list",
    "org_get",
    "org_create",
    "org_update",
    "member_list",
    "member_get",
    "member_reveal",
    "member_create",
    "member_update",
    "audit_list",
    "role_grant_list",
    "role_grant_create",
    "role_grant_end",
    # study: semesters and plans
    "semester_list",
    "semester_create",
    "study_plan_list",
    "study_plan_get",
    "study_plan_create",
    "plan_item_create",
    "study_plan_publish",
    # study: activities, attendance, leave and make-up
    "activity_list",
    "activity_get",
    "activity_create",
    "activity_publish",
    "calendar_link_create",
    "attendance_check_in",
    "attendance_mark",
    "leave_request_create",
    "leave_request_decide",
    "make_up_submit",
    "make_up_review",
    "past_record_import_preview",
    "past_record_import",
    # study: self-study, reading lists and the ledger
    "self_study_list",
    "self_study_create",
    "reading_list_list",
    "reading_list_create",
    "ledger_get",
    "my_hours_get",
}


# audit_list -------------------------------------------------------------------------------------


def test_audit_list_for_an_auditor_is_limited_to_their_subtree(college):
    AuditEvent.objects.create(action="settings.change", object_repr="global")  # no organisation
    response = api_as(college.user("auditor")).get("/audit", {"limit": 5})
    assert response.status_code == 200
    body = response.json()
    in_scope = AuditEvent.objects.exclude(org_path="").filter(org_path__startswith=college.committee.path).count()
    assert body["count"] == in_scope
    assert len(body["items"]) == min(5, in_scope)
    assert all(item["org_path"].startswith(college.committee.path) for item in body["items"])
    assert "global" not in {item["object_repr"] for item in body["items"]}


def test_audit_list_for_an_administrator_includes_global_events(college):
    AuditEvent.objects.create(action="settings.change", object_repr="global")
    body = api_as(college.user("admin")).get("/audit", {"q": "global"}).json()
    assert [item["action"] for item in body["items"]] == ["settings.change"]


def test_audit_list_filters_by_action(college):
    api_as(college.user("branch")).post(f"/members/{college.member.pk}/reveal")
    body = api_as(college.user("auditor")).get("/audit", {"action": "member."}).json()
    assert [item["action"] for item in body["items"]] == ["member.reveal"] + ["member.create"] * (body["count"] - 1)
    assert body["items"][0]["actor_name"] == college.user("branch").display_name


@pytest.mark.parametrize("role", ["committee", "branch", "group_leader", "member", "other_branch"])
def test_audit_list_without_the_permission_anywhere_is_404(college, role):
    response = api_as(college.user(role)).get("/audit")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_audit_list_anonymous_is_401(college):
    assert ApiClient().get("/audit").status_code == 401


# The OpenAPI document and the docs page ---------------------------------------------------------


@pytest.fixture
def openapi(db) -> dict:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(openapi: dict):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_openapi_lists_every_operation_once(openapi):
    ids = [operation["operationId"] for _, _, operation in operations(openapi)]
    expected = (
        OPERATIONS
        | CARE_OPERATIONS
        | RIGHTS_OPERATIONS
        | EVALUATION_OPERATIONS
        | COMPLIANCE_OPERATIONS
        | DEVELOPMENT_OPERATIONS
        | DUES_OPERATIONS
        | RECORDS_OPERATIONS
        | COMMITTEE_MEETING_OPERATIONS
    )
    assert sorted(ids) == sorted(expected)


def test_openapi_declares_error_responses_as_error_out(openapi):
    for path, method, operation in operations(openapi):
        responses = operation["responses"]
        codes = {int(code) for code in responses}
        errors = {code for code in codes if code >= 400}
        assert errors, f"{method} {path} declares no error response"
        if operation.get("security"):
            assert 401 in codes, f"{method} {path} does not declare 401"
        elif operation["operationId"] != "auth_token_create":  # 401 there is a wrong password
            # A public operation (a non-member's one-time code) asks no login.
            assert 401 not in codes, f"{method} {path} needs no login but declares 401"
        if operation.get("parameters") or operation.get("requestBody"):
            assert 422 in codes, f"{method} {path} takes input but does not declare 422"
        if operation.get("requestBody"):
            assert 400 in codes, f"{method} {path} takes a body but does not declare 400 (unreadable JSON)"
        if method in ("post", "patch") and operation.get("security"):
            assert 403 in codes, f"{method} {path} can fail its CSRF check but does not declare 403"
        if "{" in path:
            assert 404 in codes, f"{method} {path} reaches an object but does not declare 404"
        for code in errors:
            schema = responses[str(code)]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, f"{method} {path} {code}"


def test_openapi_names_schemas_by_operation(openapi):
    names = set(openapi["components"]["schemas"])
    assert {"ErrorOut", "MemberOut", "MemberCreateIn", "MemberUpdateIn", "OrgCreateIn", "OrgGetOut"} <= names
    assert all(name.endswith(("In", "Out")) for name in names), names


def test_docs_page_works_offline_under_the_csp(db):
    client = Client()
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # Every script the page runs is a file from our own origin; the settings block is JSON data.
    assert html.count("<script") == html.count('<script src="/static/') + html.count('type="application/json"')
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        served = client.get(f"/static/{asset}")
        assert served.status_code == 200, asset
        served.close()


# Every operation answers bad input with a status it declares ------------------------------------

BAD_IDS = ["999999", "abc", "-1"]
BAD_BODIES = [{}, {"unknown": 1}, {"name": None, "org": "x", "parent": [], "username": 1}]
BAD_QUERIES = [{}, {"limit": "x", "offset": "-1", "kind": "club", "sort": "?", "date_from": "no"}]


def fill(path: str, value: str) -> str:
    return "/".join(value if part.startswith("{") else part for part in path.split("/"))


def _answers_bad_input(client: ApiClient, who: str, openapi: dict, *, ids: list[str], queries, bodies) -> int:
    checked = 0
    for path, method, operation in operations(openapi):
        declared = {int(code) for code in operation["responses"]}
        for bad_id in ids if "{" in path else [None]:
            url = (fill(path, bad_id) if bad_id else path).removeprefix(API)
            if method == "get":
                cases = [client.get(url, query) for query in queries]
            else:
                cases = [getattr(client, method)(url, body) for body in bodies]
                cases.append(client.generic(method.upper(), API + url, b"{not json", content_type="application/json"))
            for response in cases:
                checked += 1
                assert response.status_code in declared, (
                    f"{who} {method.upper()} {url} → {response.status_code}, declared {sorted(declared)}"
                )
                if response.status_code >= 400:
                    assert response["Content-Type"].startswith("application/json"), url
                    assert response.json()["detail"], url
    return checked


# One test per signed-in role, so the two halves run side by side on parallel test processes.
@pytest.mark.parametrize("role", ["admin", "member"])
def test_every_operation_answers_bad_input_with_a_declared_status(college, openapi, role):
    client = api_as(college.user(role))
    checked = _answers_bad_input(client, role, openapi, ids=BAD_IDS, queries=BAD_QUERIES, bodies=BAD_BODIES)
    assert checked > 100


def test_every_operation_answers_a_visitor_without_a_token_with_a_declared_status(openapi, db):
    # Authentication comes before the input is read, so one bad input per operation is enough.
    checked = _answers_bad_input(
        ApiClient(), "anonymous", openapi, ids=BAD_IDS[:1], queries=BAD_QUERIES[-1:], bodies=[]
    )
    assert checked > 100


def _schema_classes(base: type) -> set[type]:
    found = set()
    for sub in base.__subclasses__():
        found.add(sub)
        found |= _schema_classes(sub)
    return found


def test_schema_names_are_unique_across_apps(openapi):
    """The spec names components by class name, so two classes of one name would share one entry
    and one operation would be documented with the other's body."""
    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes(Schema):
        if cls.__module__.startswith("dangjian.") and ".tests." not in cls.__module__:
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes


def test_study_plan_create_is_documented_with_its_own_body(openapi):
    body = openapi["paths"]["/api/v1/study/plans"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[1]
    assert "semester" in openapi["components"]["schemas"][name]["properties"]
