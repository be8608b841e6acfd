"""Managing role grants: the selector's scope, the services' refusals, the pages and the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import selectors, services
from dangjian.accounts.models import Role, RoleGrant
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.accounts.system import system_actor
from dangjian.accounts.tests.factories import UserFactory
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import ApiClient

YESTERDAY = datetime.timedelta(days=1)


def office_grant(college, org):
    return RoleGrant.objects.get(org=org, note__startswith="officer_term:")


SINCE = datetime.date(2025, 1, 1)


@pytest.fixture
def auditor_grant(college):
    """A branch-level auditor: a role no office brings, and only an administrator may confer."""
    user = UserFactory(username="A300001")
    return services.role_grant(actor=system_actor(), user=user, role=Role.AUDITOR, org=college.branch, since=SINCE)


@pytest.fixture
def officer_grant(college):
    """A branch officer's role for someone without an office: the branch secretary may confer it."""
    user = UserFactory(username="T300009")
    return services.role_grant(
        actor=system_actor(), user=user, role=Role.BRANCH_OFFICER, org=college.branch, since=SINCE
    )


# Selector ---------------------------------------------------------------------------------------


def test_list_is_limited_to_where_the_actor_manages_accounts(college, auditor_grant):
    branch = set(selectors.role_grant_list(actor=college.user("branch")))
    assert auditor_grant in branch
    assert office_grant(college, college.group) in branch  # the group below
    assert office_grant(college, college.committee) not in branch
    assert office_grant(college, college.other_branch) not in branch
    assert not any(grant.org_id is None for grant in branch)

    committee = set(selectors.role_grant_list(actor=college.user("committee")))
    assert office_grant(college, college.other_branch) in committee
    assert not any(grant.org_id is None for grant in committee)  # global admin grants are the admins' business

    everything = set(selectors.role_grant_list(actor=college.user("admin")))
    assert everything == set(RoleGrant.objects.current())
    assert college.user("admin").role_grants.get() in everything

    for role in ("group_leader", "member", "auditor"):
        assert not selectors.role_grant_list(actor=college.user(role)).exists()


def test_list_leaves_out_ended_grants_unless_asked(college, auditor_grant):
    services.role_end(actor=system_actor(), grant=auditor_grant, until=timezone.localdate() - YESTERDAY)
    actor = college.user("branch")
    assert auditor_grant not in selectors.role_grant_list(actor=actor)
    assert auditor_grant in selectors.role_grant_list(actor=actor, include_ended=True)


def test_list_fetches_user_and_org(college, auditor_grant, django_assert_num_queries):
    grants = list(selectors.role_grant_list(actor=college.user("admin")))
    with django_assert_num_queries(0):
        [(grant.user.username, grant.org and grant.org.name) for grant in grants]


# Services ---------------------------------------------------------------------------------------


def test_grant_refuses_what_the_actor_does_not_hold(college):
    user = UserFactory()
    # A branch secretary has no audit right, so cannot make an auditor, nor a committee officer.
    for role in (Role.AUDITOR, Role.COMMITTEE_OFFICER, Role.ADMIN):
        with pytest.raises(Forbidden):
            services.role_grant(actor=college.user("branch"), user=user, role=role, org=college.branch)
    with pytest.raises(Forbidden):  # outside their branch
        services.role_grant(actor=college.user("branch"), user=user, role=Role.GROUP_LEADER, org=college.other_branch)
    assert not user.role_grants.exists()
    services.role_grant(actor=college.user("branch"), user=user, role=Role.GROUP_LEADER, org=college.group)
    assert scope_for(user).allows(Perm.VIEW_MEMBERS, college.group.path)


def test_grant_refuses_an_end_before_the_start(college):
    since = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        services.role_grant(
            actor=college.user("admin"),
            user=UserFactory(),
            role=Role.AUDITOR,
            org=college.committee,
            since=since,
            until=since - YESTERDAY,
        )
    assert exc.value.field == "until"


def test_end_checks_the_actor_may_confer_the_role(college, auditor_grant, officer_grant):
    until = timezone.localdate() - YESTERDAY
    with pytest.raises(Forbidden):  # only administrators hold the audit right a committee secretary would confer
        services.role_end(actor=college.user("committee"), grant=auditor_grant, until=until)
    with pytest.raises(Forbidden):  # the auditor's role brings the audit right a branch secretary lacks
        services.role_end(actor=college.user("branch"), grant=auditor_grant, until=until)
    with pytest.raises(Forbidden):  # another branch's secretary
        services.role_end(actor=college.user("other_branch"), grant=auditor_grant, until=until)
    admin_grant = college.user("admin").role_grants.get()
    with pytest.raises(Forbidden):
        services.role_end(actor=college.user("committee"), grant=admin_grant, until=until)
    auditor_grant.refresh_from_db()
    assert auditor_grant.until is None
    services.role_end(actor=college.user("admin"), grant=auditor_grant, until=until)
    assert auditor_grant.until == max(until, auditor_grant.since)
    assert AuditEvent.objects.filter(action="role.end", actor=college.user("admin")).exists()
    services.role_end(actor=college.user("branch"), grant=officer_grant, until=until)
    assert not scope_for(officer_grant.user).has_anywhere(Perm.MANAGE_MEMBERS)


def test_end_refuses_a_role_that_came_with_an_office(college):
    grant = office_grant(college, college.group)
    with pytest.raises(DomainError) as exc:
        services.role_end(actor=college.user("admin"), grant=grant, until=timezone.localdate())
    assert not isinstance(exc.value, Forbidden)
    grant.refresh_from_db()
    assert grant.until is None


def test_end_refuses_a_role_already_ended(college, auditor_grant):
    services.role_end(actor=system_actor(), grant=auditor_grant, until=timezone.localdate() - YESTERDAY)
    with pytest.raises(DomainError) as exc:
        services.role_end(actor=college.user("admin"), grant=auditor_grant, until=timezone.localdate())
    assert exc.value.field == "until"


def test_officer_end_still_ends_the_office_role(college):
    from dangjian.orgs import services as org_services

    term = college.group.officer_terms.get()
    org_services.officer_end(actor=college.user("committee"), term=term, until=timezone.localdate() - YESTERDAY)
    assert office_grant(college, college.group).until == timezone.localdate() - YESTERDAY


# Pages ------------------------------------------------------------------------------------------


def test_role_list_page(client, college, auditor_grant, officer_grant):
    client.force_login(college.user("branch"))
    response = client.get(reverse("accounts:role-list"))
    assert response.status_code == 200
    rows = {grant.pk: grant for grant in response.context["page_obj"]}
    assert auditor_grant.pk in rows
    assert rows[auditor_grant.pk].can_end is False  # a branch secretary cannot confer the audit right
    assert rows[office_grant(college, college.group).pk].can_end is False  # ends with the term
    html = response.content.decode()
    assert "A300001" in html
    assert reverse("accounts:role-end", args=[auditor_grant.pk]) not in html
    assert reverse("accounts:role-end", args=[officer_grant.pk]) in html
    assert reverse("accounts:role-end", args=[office_grant(college, college.group).pk]) not in html

    client.force_login(college.user("admin"))
    html = client.get(reverse("accounts:role-list")).content.decode()
    assert reverse("accounts:role-end", args=[auditor_grant.pk]) in html


def test_role_list_is_in_the_navigation_for_account_managers(client, college):
    url = reverse("accounts:role-list")
    client.force_login(college.user("branch"))
    assert url in [item.url for item in client.get(reverse("web:home")).context["nav_items"]]
    client.force_login(college.user("auditor"))
    assert url not in [item.url for item in client.get(reverse("web:home")).context["nav_items"]]


def test_role_grant_page_offers_only_what_the_actor_may_confer(client, college):
    client.force_login(college.user("branch"))
    form = client.get(reverse("accounts:role-grant")).context["form"]
    assert [value for value, _ in form.fields["role"].choices] == [Role.BRANCH_OFFICER, Role.GROUP_LEADER]
    assert {value for value, _ in form.fields["org"].choices} == {"", str(college.branch.pk), str(college.group.pk)}


def test_role_grant_page_grants(client, college):
    user = UserFactory(username="T300001")
    client.force_login(college.user("committee"))
    response = client.post(
        reverse("accounts:role-grant"),
        {"username": " T300001 ", "role": Role.COMMITTEE_OFFICER, "org": college.committee.pk, "since": "2025-01-01"},
    )
    assert response.status_code == 302
    grant = user.role_grants.get()
    assert (grant.role, grant.org, grant.since) == (
        Role.COMMITTEE_OFFICER,
        college.committee,
        datetime.date(2025, 1, 1),
    )
    assert AuditEvent.objects.filter(action="role.grant", actor=college.user("committee")).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "nobody", "role": Role.COMMITTEE_OFFICER}, "username"),
        ({"username": "T300001", "role": Role.ADMIN}, "role"),  # not offered to a committee secretary
        ({"username": "T300001", "role": Role.COMMITTEE_OFFICER, "org": ""}, "org"),
        ({"username": "T300001", "role": Role.COMMITTEE_OFFICER, "until": "2024-12-31"}, "until"),
    ],
)
def test_role_grant_page_shows_problems(client, college, data, field):
    UserFactory(username="T300001")
    client.force_login(college.user("committee"))
    response = client.post(reverse("accounts:role-grant"), {"org": college.committee.pk, "since": "2025-01-01"} | data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not RoleGrant.objects.filter(user__username="T300001").exists()


def test_role_grant_page_shows_a_refusal(client, college, monkeypatch):
    # Should the choices let something through, the service's refusal is shown on the form.
    def refuse(**kwargs):
        raise Forbidden()

    monkeypatch.setattr(services, "role_grant", refuse)
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("accounts:role-grant"),
        {"username": college.member.user.username, "role": Role.GROUP_LEADER, "org": college.group.pk, "since": SINCE},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_role_end_page(client, college, officer_grant):
    client.force_login(college.user("branch"))
    url = reverse("accounts:role-end", args=[officer_grant.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["can_end"] is True
    assert response.context["form"]["until"].value() == timezone.localdate() - YESTERDAY
    response = client.post(url, {"until": (timezone.localdate() - YESTERDAY).isoformat()})
    assert response.status_code == 302
    officer_grant.refresh_from_db()
    assert officer_grant.until == timezone.localdate() - YESTERDAY
    assert not scope_for(officer_grant.user).has_anywhere(Perm.MANAGE_MEMBERS)


def test_role_end_page_refuses_an_office_role(client, college):
    grant = office_grant(college, college.group)
    client.force_login(college.user("committee"))
    url = reverse("accounts:role-end", args=[grant.pk])
    assert b'name="until"' not in client.get(url).content  # no form, an explanation instead
    response = client.post(url, {"until": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    grant.refresh_from_db()
    assert grant.until is None


def test_role_end_page_refuses_what_the_actor_may_not_confer(client, college, auditor_grant):
    client.force_login(college.user("branch"))
    url = reverse("accounts:role-end", args=[auditor_grant.pk])
    response = client.get(url)
    assert response.context["can_end"] is False
    assert b'name="until"' not in response.content
    response = client.post(url, {"until": timezone.localdate().isoformat()})
    assert response.status_code == 200
    auditor_grant.refresh_from_db()
    assert auditor_grant.until is None


def test_role_end_page_hides_grants_out_of_scope(client, college, auditor_grant):
    client.force_login(college.user("other_branch"))
    assert client.get(reverse("accounts:role-end", args=[auditor_grant.pk])).status_code == 404
    client.force_login(college.user("committee"))
    admin_grant = college.user("admin").role_grants.get()
    assert client.get(reverse("accounts:role-end", args=[admin_grant.pk])).status_code == 404
    client.force_login(college.user("admin"))
    assert client.get(reverse("accounts:role-end", args=[admin_grant.pk])).context["can_end"] is True


# API --------------------------------------------------------------------------------------------


def test_api_lists_grants_in_scope(college, auditor_grant):
    body = ApiClient(college.user("branch")).get("/roles").json()
    ids = {item["id"] for item in body["items"]}
    assert auditor_grant.pk in ids
    assert office_grant(college, college.other_branch).pk not in ids
    item = next(item for item in body["items"] if item["id"] == office_grant(college, college.group).pk)
    assert item["officer_term_id"] == college.group.officer_terms.get().pk
    assert item["org"]["id"] == college.group.pk
    assert item["role_display"]


def test_api_grant_and_end(college):
    client = ApiClient(college.user("admin"))
    user = UserFactory(username="A300002")
    response = client.post(
        "/roles", {"username": "A300002", "role": "auditor", "org": college.branch.pk, "since": "2025-01-01"}
    )
    assert response.status_code == 201, response.content
    grant_id = response.json()["id"]
    assert scope_for(user).allows(Perm.VIEW_AUDIT, college.group.path)

    response = client.post(f"/roles/{grant_id}/end", {})
    assert response.status_code == 200
    assert response.json()["until"] is not None
    assert not RoleGrant.objects.filter(pk=grant_id).current().exists()
    assert client.post(f"/roles/{grant_id}/end", {}).status_code == 400  # already ended

    response = client.post("/roles", {"username": "A300002", "role": "admin"})
    assert response.status_code == 201
    assert response.json()["org"] is None


@pytest.mark.parametrize(
    ("role", "body", "status", "field"),
    [
        ("branch", {"role": "auditor", "org": "branch"}, 403, None),
        ("branch", {"role": "group_leader", "org": "other_branch"}, 404, "org"),
        ("committee", {"role": "admin"}, 403, None),
        ("committee", {"role": "auditor"}, 400, "org"),
        ("committee", {"role": "auditor", "org": "committee", "username": "nobody"}, 400, "username"),
        ("committee", {"role": "nonsense", "org": "committee"}, 422, None),
        ("auditor", {"role": "auditor", "org": "branch"}, 404, None),
    ],
)
def test_api_grant_refusals(college, role, body, status, field):
    user = UserFactory(username="A300003")
    if "org" in body:
        body["org"] = getattr(college, body["org"]).pk
    response = ApiClient(college.user(role)).post("/roles", {"username": "A300003"} | body)
    assert response.status_code == status, response.content
    assert response.json().get("field") == field
    assert not user.role_grants.exists()


def test_api_end_refusals(college, auditor_grant):
    assert ApiClient(college.user("branch")).post(f"/roles/{auditor_grant.pk}/end", {}).status_code == 403
    assert ApiClient(college.user("committee")).post(f"/roles/{auditor_grant.pk}/end", {}).status_code == 403
    assert ApiClient(college.user("other_branch")).post(f"/roles/{auditor_grant.pk}/end", {}).status_code == 404
    office = office_grant(college, college.group)
    response = ApiClient(college.user("committee")).post(f"/roles/{office.pk}/end", {})
    assert response.status_code == 400
    assert ApiClient(college.user("admin")).post("/roles/999999/end", {}).status_code == 404
    auditor_grant.refresh_from_db()
    office.refresh_from_db()
    assert auditor_grant.until is None
    assert office.until is None


def test_a_role_granted_today_can_be_withdrawn_at_once(college):
    today = timezone.localdate()
    user = college.member.user
    grant = services.role_grant(actor=college.user("admin"), user=user, role=Role.ADMIN, since=today)
    assert scope_for(user).is_admin
    services.role_end(actor=college.user("admin"), grant=grant, until=today - YESTERDAY)
    grant.refresh_from_db()
    assert grant.withdrawn_at is not None
    assert grant.until == today
    assert not scope_for(user).is_admin
    assert AuditEvent.objects.filter(action="role.withdraw", object_id=str(grant.pk)).exists()
    with pytest.raises(DomainError):
        services.role_end(actor=college.user("admin"), grant=grant, until=today - YESTERDAY)


def test_a_member_account_outside_the_roster_reads_as_missing(client, college):
    """The grant form does not tell a branch officer whether a number elsewhere in the college is a member's."""
    api = ApiClient(college.user("branch"))
    body = {"role": "group_leader", "org": college.group.pk}
    outside = api.post("/roles", body | {"username": college.other_member.number}).json()
    missing = api.post("/roles", body | {"username": "S299999"}).json()
    assert outside == missing
    assert outside["field"] == "username"
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("accounts:role-grant"),
        body | {"username": college.other_member.number, "role": Role.GROUP_LEADER, "since": SINCE},
    )
    assert response.context["form"].errors["username"]
    assert college.other_member.name not in response.content.decode()
    assert not college.other_member.user.role_grants.exists()


def test_role_grant_page_and_api_share_the_organisations_on_offer(client, college):
    # A dissolved group is neither offered by the page nor accepted by the API (one selector for both).
    from dangjian.orgs.selectors import role_grant_orgs

    college.group.dissolved_on = datetime.date(2025, 6, 30)
    college.group.save(update_fields=["dissolved_on"])
    branch = college.user("branch")
    offered = {org.pk for org in role_grant_orgs(actor=branch)}
    assert offered == {college.branch.pk}

    client.force_login(branch)
    form = client.get(reverse("accounts:role-grant")).context["form"]
    assert {value for value, _ in form.fields["org"].choices} == {""} | {str(pk) for pk in offered}

    UserFactory(username="T300004")
    body = {"username": "T300004", "role": "group_leader", "since": "2025-01-01"}
    response = ApiClient(branch).post("/roles", body | {"org": college.group.pk})
    assert response.status_code == 404
    assert response.json()["field"] == "org"
    assert ApiClient(branch).post("/roles", body | {"org": college.branch.pk}).status_code == 201
