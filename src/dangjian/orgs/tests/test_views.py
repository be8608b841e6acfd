import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.orgs import services
from dangjian.orgs.models import OfficerTerm, Organisation
from dangjian.orgs.rules import add_years


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("committee", 200), ("auditor", 200), ("branch", 200), ("group_leader", 200), ("member", 404)],
)
def test_org_tree_access(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("orgs:org-tree")).status_code == status


def test_org_tree_has_counts_and_is_scoped(client, college):
    client.force_login(college.user("committee"))
    response = client.get(reverse("orgs:org-tree"))
    (root,) = response.context["roots"]
    assert root.org == college.committee
    assert root.member_count == 6
    assert [(n.org.name, n.member_count) for n in root.children] == [("哲学系教工党支部", 4), ("本科生第一党支部", 2)]
    assert "第一党小组" in response.content.decode()

    client.force_login(college.user("branch"))
    content = client.get(reverse("orgs:org-tree")).content.decode()
    assert "哲学系教工党支部" in content
    assert "本科生第一党支部" not in content
    assert "哲学与社会发展学院党委" not in content


@pytest.mark.parametrize(
    ("role", "status"),
    [("committee", 200), ("branch", 200), ("group_leader", 404), ("other_branch", 404), ("member", 404)],
)
def test_org_detail_access(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("orgs:org-detail", args=[college.branch.pk])).status_code == status


def test_org_detail_shows_officers_counts_election_and_findings(client, college):
    client.force_login(college.user("branch"))
    response = client.get(reverse("orgs:org-detail", args=[college.branch.pk]))
    summary = response.context["summary"]
    assert summary.total_members == 4
    assert summary.election_due == datetime.date(2027, 9, 1)
    content = response.content.decode()
    assert "李书记" in content
    assert "第一党小组" in content
    assert "2027" in content
    assert not response.context["can_manage"]
    assert reverse("orgs:org-edit", args=[college.branch.pk]) not in content


def test_org_detail_notice_when_election_is_near(client, college):
    services.org_update(
        actor=college.user("committee"),
        org=college.branch,
        term_started_on=add_years(timezone.localdate(), -3) + datetime.timedelta(days=20),
    )
    client.force_login(college.user("committee"))
    response = client.get(reverse("orgs:org-detail", args=[college.branch.pk]))
    assert response.context["summary"].election_near
    assert "election_due" in {f.code for f in response.context["summary"].findings}
    assert 'class="alert alert-warning"' in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("committee", 200), ("branch", 404), ("auditor", 404)])
def test_org_create_access(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("orgs:org-create")).status_code == status


def test_org_create(client, college):
    client.force_login(college.user("committee"))
    response = client.post(
        reverse("orgs:org-create"),
        {"parent": college.committee.pk, "kind": "branch", "name": "研究生第一党支部", "code": "B03", "sort_order": 3},
    )
    org = Organisation.objects.get(code="B03")
    assert response.status_code == 302
    assert response.url == reverse("orgs:org-detail", args=[org.pk])
    assert org.parent == college.committee
    assert org.path.startswith(college.committee.path)


def test_org_create_errors_change_nothing(client, college):
    client.force_login(college.user("committee"))
    before = Organisation.objects.count()
    response = client.post(
        reverse("orgs:org-create"), {"parent": college.committee.pk, "kind": "branch", "name": "重复", "code": "B01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    # A group cannot sit directly under the committee.
    response = client.post(
        reverse("orgs:org-create"), {"parent": college.committee.pk, "kind": "group", "name": "小组", "code": "G99"}
    )
    assert response.context["form"].errors["kind"]
    # Only administrators may create a top-level committee.
    response = client.post(
        reverse("orgs:org-create"), {"parent": "", "kind": "committee", "name": "新党委", "code": "C9"}
    )
    assert response.context["form"].errors["parent"]
    assert Organisation.objects.count() == before


def test_org_create_under_an_org_out_of_reach_is_refused(client, college):
    client.force_login(college.user("committee"))
    outside = Organisation.objects.create(kind="committee", name="别的党委", code="X1", path="999999/")
    response = client.post(
        reverse("orgs:org-create"), {"parent": outside.pk, "kind": "branch", "name": "外部", "code": "X2"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert not Organisation.objects.filter(code="X2").exists()


def test_org_edit(client, college):
    client.force_login(college.user("committee"))
    url = reverse("orgs:org-edit", args=[college.branch.pk])
    form = client.get(url).context["form"]
    assert form.initial["code"] == "B01"
    data = {"name": "哲学系第一教工党支部", "code": "B01", "admin_unit": "哲学系", "admin_unit_head": "周主任"}
    response = client.post(url, data)
    assert response.status_code == 302
    college.branch.refresh_from_db()
    assert college.branch.name == "哲学系第一教工党支部"
    assert college.branch.admin_unit_head == "周主任"
    assert AuditEvent.objects.filter(action="org.update", object_id=str(college.branch.pk)).exists()


def test_org_edit_errors_change_nothing(client, college):
    client.force_login(college.user("committee"))
    response = client.post(reverse("orgs:org-edit", args=[college.branch.pk]), {"name": "改名", "code": "B02"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    college.branch.refresh_from_db()
    assert college.branch.name == "哲学系教工党支部"


def test_org_edit_is_404_without_manage_org(client, college):
    client.force_login(college.user("branch"))
    url = reverse("orgs:org-edit", args=[college.branch.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改名", "code": "B01"}).status_code == 404
    college.branch.refresh_from_db()
    assert college.branch.name == "哲学系教工党支部"


def test_officer_appoint_and_end(client, college):
    client.force_login(college.user("committee"))
    url = reverse("orgs:officer-appoint", args=[college.branch.pk])
    choices = {str(value): label for value, label in client.get(url).context["form"].fields["member"].choices}
    assert str(college.member.pk) in choices
    assert str(college.other_member.pk) not in choices  # not in the branch
    response = client.post(url, {"member": college.member.pk, "position": "propaganda", "since": "2025-01-01"})
    assert response.status_code == 302
    term = OfficerTerm.objects.get(org=college.branch, member=college.member, position="propaganda")

    end_url = reverse("orgs:officer-end", args=[term.pk])
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, {"until": "2025-06-30"})
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.until == datetime.date(2025, 6, 30)


def test_officer_forms_re_render_with_errors_and_change_nothing(client, college):
    client.force_login(college.user("committee"))
    url = reverse("orgs:officer-appoint", args=[college.branch.pk])
    response = client.post(
        url, {"member": college.member.pk, "position": "propaganda", "since": "2025-01-01", "until": "2024-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["until"]
    response = client.post(url, {"member": college.other_member.pk, "position": "propaganda", "since": "2025-01-01"})
    assert response.context["form"].errors["member"]
    assert not OfficerTerm.objects.filter(position="propaganda").exists()

    term = OfficerTerm.objects.get(org=college.branch, position="secretary")
    response = client.post(reverse("orgs:officer-end", args=[term.pk]), {"until": "2020-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["until"]
    term.refresh_from_db()
    assert term.until is None


def test_officer_forms_are_404_out_of_scope(client, college):
    client.force_login(college.user("branch"))
    assert client.get(reverse("orgs:officer-appoint", args=[college.branch.pk])).status_code == 404
    term = OfficerTerm.objects.get(org=college.branch, position="secretary")
    assert client.post(reverse("orgs:officer-end", args=[term.pk]), {"until": "2025-01-01"}).status_code == 404
    term.refresh_from_db()
    assert term.until is None
