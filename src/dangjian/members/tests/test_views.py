import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.members.models import Member, Membership, SpecialSituation
from dangjian.members.rules import mask_id_number, mask_phone
from dangjian.members.tests.factories import MemberFactory, make_id_number
from dangjian.notices.tests.test_inbox import INBOX_QUERIES

TODAY = timezone.localdate().isoformat()  # members made by the factory joined their group today
HTMX = {"HX-Request": "true", "HX-Target": "member-results"}


def names(response) -> set[str]:
    return {m.name for m in response.context["page_obj"]}


# --- list ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("committee", {"李书记", "王组长", "张三", "吕书记", "赵学生", "钱书记"}),
        ("branch", {"李书记", "王组长", "张三", "吕书记"}),
        ("group_leader", {"王组长", "张三"}),
        ("other_branch", {"赵学生", "钱书记"}),
    ],
)
def test_member_list_is_scoped(client, college, role, expected):
    client.force_login(college.user(role))
    assert names(client.get(reverse("members:member-list"))) == expected


def test_a_plain_member_lists_only_themself(client, college):
    client.force_login(college.user("member"))
    response = client.get(reverse("members:member-list"))
    assert names(response) == {"张三"}
    assert reverse("members:member-export") not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "zs"}, {"张三"}),
        ({"q": "张"}, {"张三"}),
        ({"q": "S2000"}, {"赵学生", "钱书记"}),
        ({"category": "graduate"}, {"钱书记"}),
        ({"status": "probationary"}, set()),
        ({"org": "GROUP"}, {"王组长", "张三"}),
        ({"org": "GROUP", "q": "w"}, {"王组长"}),
    ],
)
def test_member_list_search_and_filters(client, college, params, expected):
    params = {k: (college.group.pk if v == "GROUP" else v) for k, v in params.items()}
    client.force_login(college.user("committee"))
    assert names(client.get(reverse("members:member-list"), params)) == expected


def test_member_list_filter_on_an_org_out_of_scope_is_ignored(client, college):
    client.force_login(college.user("branch"))
    response = client.get(reverse("members:member-list"), {"org": college.other_branch.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["org"]
    assert names(response) == {"李书记", "王组长", "张三", "吕书记"}


def test_member_list_sorts(client, college):
    client.force_login(college.user("committee"))
    response = client.get(reverse("members:member-list"), {"sort": "-number"})
    numbers = [m.number for m in response.context["page_obj"]]
    assert numbers == sorted(numbers, reverse=True)


def test_member_list_masks_personal_data(client, college):
    client.force_login(college.user("committee"))
    content = client.get(reverse("members:member-list")).content.decode()
    assert college.member.phone not in content
    assert mask_phone(college.member.phone) in content
    assert college.member.id_number not in content


def test_member_list_paginates_by_fifty_and_pins_queries(client, college, django_assert_max_num_queries):
    for n in range(60):
        MemberFactory(org=college.group, name=f"测试{n:02d}", number=f"X{n:05d}")
    client.force_login(college.user("committee"))
    client.get(reverse("web:home"))  # warm the session
    # session, user, role grants, member record, the filter picker's first organisations, count, one page
    with django_assert_max_num_queries(8 + INBOX_QUERIES):  # + the navigation's unread notices
        response = client.get(reverse("members:member-list"))
    assert response.context["page_obj"].paginator.count == 66
    assert len(response.context["page_obj"]) == 50
    with django_assert_max_num_queries(
        10 + INBOX_QUERIES
    ):  # + the chosen organisation checked against the scope, and its path
        second = client.get(reverse("members:member-list"), {"page": 2, "org": college.group.pk})
    assert len(second.context["page_obj"]) == 12


def test_member_list_htmx_returns_only_the_rows(client, college):
    client.force_login(college.user("committee"))
    response = client.get(reverse("members:member-list"), {"q": "zs"}, headers=HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="member-results">')
    assert "张三" in content
    assert "赵学生" not in content
    assert "<html" not in content
    assert "<form" not in content
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("members:member-list"), {"q": "zs"})
    assert "<html" in full.content.decode()


def test_member_list_links_import_and_export_with_filters(client, college):
    client.force_login(college.user("branch"))
    content = client.get(reverse("members:member-list"), {"q": "zs", "page": "1"}).content.decode()
    assert reverse("members:import-upload") in content
    assert reverse("members:member-export") + "?q=zs" in content
    assert "page=1" not in content.split(reverse("members:member-export"))[1].split('"')[0]

    client.force_login(college.user("auditor"))
    content = client.get(reverse("members:member-list")).content.decode()
    assert reverse("members:import-upload") not in content
    assert reverse("members:member-export") not in content


# --- profile and reveal ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("committee", 200), ("branch", 200), ("group_leader", 200), ("member", 200), ("other_branch", 404)],
)
def test_member_detail_access(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("members:member-detail", args=[college.member.pk])).status_code == status


@pytest.mark.parametrize(("role", "linked"), [("member", False), ("group_leader", True), ("branch", True)])
def test_the_organisation_is_linked_only_for_those_who_may_open_its_page(client, college, role, linked):
    client.force_login(college.user(role))
    page = client.get(reverse("members:member-detail", args=[college.member.pk])).content.decode()
    org_url = reverse("orgs:org-detail", args=[college.member.org_id])
    assert (f'href="{org_url}"' in page) is linked
    assert college.member.org.name in page
    if linked:
        assert client.get(org_url).status_code == 200


def test_a_member_sees_only_themself(client, college):
    client.force_login(college.user("member"))
    assert client.get(reverse("members:member-detail", args=[college.secretary.pk])).status_code == 404


def test_member_detail_is_masked_and_shows_history(client, college):
    client.force_login(college.user("branch"))
    response = client.get(reverse("members:member-detail", args=[college.secretary.pk]))
    content = response.content.decode()
    assert college.secretary.id_number not in content
    assert mask_id_number(college.secretary.id_number) in content
    assert college.secretary.phone not in content
    assert "哲学系教工党支部" in content
    assert len(response.context["profile"].officer_terms) == 1  # secretary of the branch
    assert len(response.context["profile"].memberships) == 1
    assert reverse("members:member-reveal", args=[college.secretary.pk]) in content


def test_reveal_shows_clear_values_and_is_audited(client, college):
    client.force_login(college.user("branch"))
    url = reverse("members:member-reveal", args=[college.member.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, headers={"HX-Request": "true", "HX-Target": "personal-data"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="personal-data"')
    assert college.member.id_number in content
    assert college.member.phone in content
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="member.reveal")
    assert event.actor == college.user("branch")
    assert event.object_id == str(college.member.pk)


def test_reveal_without_htmx_renders_the_profile(client, college):
    client.force_login(college.user("member"))
    response = client.post(reverse("members:member-reveal", args=[college.member.pk]))
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert college.member.id_number in response.content.decode()
    assert AuditEvent.objects.filter(action="member.reveal", actor=college.user("member")).count() == 1


@pytest.mark.parametrize("role", ["group_leader", "auditor", "other_branch"])
def test_reveal_refused_without_the_permission(client, college, role):
    client.force_login(college.user(role))
    response = client.post(reverse("members:member-reveal", args=[college.member.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


# --- create and edit -------------------------------------------------------------------------


def member_data(**overrides) -> dict:
    birth = datetime.date(1990, 5, 17)
    data = {
        "name": "孙新",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": birth.isoformat(),
        "id_number": make_id_number(birth, "female", 77),
        "education": "doctorate",
        "category": "faculty",
        "number": "T300001",
        "admin_unit": "哲学系",
        "phone": "13912345678",
        "joined_on": "2012-06-01",
        "full_member_on": "2013-06-01",
    }
    return data | overrides


@pytest.mark.parametrize(("role", "status"), [("branch", 200), ("committee", 200), ("group_leader", 404)])
def test_member_create_access(client, college, role, status):
    client.force_login(college.user(role))
    assert client.get(reverse("members:member-create")).status_code == status


def test_member_create(client, college):
    client.force_login(college.user("branch"))
    response = client.post(reverse("members:member-create"), member_data(org=college.group.pk, since="2024-09-01"))
    member = Member.objects.get(number="T300001")
    assert response.status_code == 302
    assert response.url == reverse("members:member-detail", args=[member.pk])
    assert member.org == college.group
    assert member.user.username == "T300001"
    assert Membership.objects.get(member=member).since == datetime.date(2024, 9, 1)


def test_member_create_errors_re_render_and_change_nothing(client, college):
    client.force_login(college.user("branch"))
    before = Member.objects.count()
    bad_id = member_data()["id_number"][:17] + ("0" if member_data()["id_number"][17] != "0" else "1")
    response = client.post(
        reverse("members:member-create"),
        member_data(org=college.group.pk, since="2024-09-01", id_number=bad_id, phone="123", name=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"id_number", "phone", "name"}
    assert Member.objects.count() == before
    # An organisation out of the branch secretary's reach is not offered.
    response = client.post(
        reverse("members:member-create"), member_data(org=college.other_branch.pk, since="2024-09-01")
    )
    assert response.context["form"].errors["org"]
    assert Member.objects.count() == before


def test_member_edit_keeps_personal_data_hidden_and_unchanged_when_left_empty(client, college):
    client.force_login(college.user("branch"))
    url = reverse("members:member-edit", args=[college.member.pk])
    content = client.get(url).content.decode()
    assert college.member.id_number not in content
    assert college.member.phone not in content
    data = member_data(
        name="张三",
        gender=college.member.gender,
        birth_date=college.member.birth_date.isoformat(),
        id_number="",
        phone="",
        number=college.member.number,
        joined_on=college.member.joined_on.isoformat(),
        full_member_on=college.member.full_member_on.isoformat(),
        admin_unit="哲学系 2 班",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    member = Member.objects.get(pk=college.member.pk)
    assert member.admin_unit == "哲学系 2 班"
    assert member.id_number == college.member.id_number
    assert member.phone == college.member.phone


def test_member_edit_errors_change_nothing(client, college):
    client.force_login(college.user("branch"))
    url = reverse("members:member-edit", args=[college.member.pk])
    response = client.post(
        url,
        member_data(
            name="张三改",
            gender="female" if college.member.gender == "male" else "male",  # contradicts the ID number
            birth_date=college.member.birth_date.isoformat(),
            id_number="",
            phone="",
            number=college.member.number,
            joined_on=college.member.joined_on.isoformat(),
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    member = Member.objects.get(pk=college.member.pk)
    assert member.name == "张三"
    assert member.gender == college.member.gender


@pytest.mark.parametrize("role", ["group_leader", "auditor", "member", "other_branch"])
def test_member_forms_are_404_without_manage_members(client, college, role):
    client.force_login(college.user(role))
    for name in ("members:member-edit", "members:member-transfer", "members:situation-add"):
        assert client.get(reverse(name, args=[college.member.pk])).status_code == 404


# --- transfer, situations, password ----------------------------------------------------------


def test_transfer_within_scope(client, college):
    client.force_login(college.user("committee"))
    url = reverse("members:member-transfer", args=[college.member.pk])
    response = client.post(url, {"to_org": college.other_branch.pk, "on": TODAY, "reason": "调动"})
    assert response.status_code == 302
    member = Member.objects.get(pk=college.member.pk)
    assert member.org == college.other_branch
    assert [m.org for m in member.memberships.order_by("since")] == [college.group, college.other_branch]


def test_transfer_out_of_reach_is_refused(client, college):
    client.force_login(college.user("branch"))
    url = reverse("members:member-transfer", args=[college.member.pk])
    choices = dict(client.get(url).context["form"].fields["to_org"].choices)
    assert str(college.other_branch.pk) not in choices
    response = client.post(url, {"to_org": college.other_branch.pk, "on": "2025-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["to_org"]
    response = client.post(url, {"to_org": college.branch.pk, "on": "1990-01-01"})
    assert response.context["form"].errors["on"]
    assert Member.objects.get(pk=college.member.pk).org == college.group


def test_transfer_out_of_the_college(client, college):
    client.force_login(college.user("branch"))
    response = client.post(reverse("members:member-transfer", args=[college.member.pk]), {"to_org": "out", "on": TODAY})
    assert response.status_code == 302
    assert Member.objects.get(pk=college.member.pk).org is None
    # The last branch keeps read access to the history.
    assert client.get(reverse("members:member-detail", args=[college.member.pk])).status_code == 200


def test_situation_add(client, college):
    client.force_login(college.user("branch"))
    url = reverse("members:situation-add", args=[college.member.pk])
    response = client.post(url, {"kind": "abroad", "since": "2025-02-01", "until": "2025-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["until"]
    assert not SpecialSituation.objects.exists()
    response = client.post(url, {"kind": "abroad", "since": "2025-02-01", "note": "访学"})
    assert response.status_code == 302
    situation = SpecialSituation.objects.get()
    assert (situation.member, situation.kind, situation.note) == (college.member, "abroad", "访学")
    assert "访学" in client.get(reverse("members:member-detail", args=[college.member.pk])).content.decode()


def test_password_reset_shows_the_password_once(client, college):
    client.force_login(college.user("branch"))
    url = reverse("members:member-password-reset", args=[college.member.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    user = college.user("member")
    user.refresh_from_db()
    assert user.check_password(password)
    assert user.must_change_password
    assert AuditEvent.objects.filter(action="account.password_reset", object_id=str(user.pk)).exists()
    assert password not in client.get(reverse("members:member-detail", args=[college.member.pk])).content.decode()


def test_password_reset_refused_out_of_reach(client, college):
    client.force_login(college.user("group_leader"))
    response = client.post(reverse("members:member-password-reset", args=[college.member.pk]))
    assert response.status_code == 404
    user = college.user("member")
    user.refresh_from_db()
    assert not user.must_change_password


def test_disabling_an_account_revokes_its_tokens(client, college):
    from dangjian.accounts.models import ApiToken
    from dangjian.accounts.services import api_token_create

    user = college.member.user
    api_token_create(actor=user)
    client.force_login(college.user("branch"))
    detail = reverse("members:member-detail", args=[college.member.pk])
    url = reverse("members:member-account-deactivate", args=[college.member.pk])
    assert url in client.get(detail).content.decode()
    assert client.post(url).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="account.deactivate", object_id=str(user.pk)).exists()
    assert url not in client.get(detail).content.decode()
    # A one-time password enables the account again.
    client.post(reverse("members:member-password-reset", args=[college.member.pk]))
    user.refresh_from_db()
    assert user.is_active


def test_disabling_a_stronger_account_is_refused(client, college):
    client.force_login(college.user("branch"))
    secretary = college.user("committee").member
    response = client.post(reverse("members:member-account-deactivate", args=[secretary.pk]), follow=True)
    assert response.status_code == 200
    assert college.user("committee").__class__.objects.get(pk=college.user("committee").pk).is_active
