import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.edge.http import add_domain_error
from dangjian.orgs import services as org_services
from dangjian.orgs.rules import add_years


def test_anonymous_is_sent_to_login(client, college):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("role", "template"),
    [
        ("admin", "web/home_committee.html"),
        ("committee", "web/home_committee.html"),
        ("auditor", "web/home_committee.html"),
        ("branch", "web/home_branch.html"),
        ("other_branch", "web/home_branch.html"),
        ("group_leader", "web/home_branch.html"),
        ("member", "web/home_member.html"),
    ],
)
def test_home_per_role(client, college, role, template):
    client.force_login(college.user(role))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_committee_home_lists_branches_counts_and_findings(client, college):
    client.force_login(college.user("committee"))
    home = client.get(reverse("web:home")).context["home"]
    assert [b.org.name for b in home.branches] == ["哲学系教工党支部", "本科生第一党支部"]
    assert home.total_members == 6
    # Two full members and no committee: the "too few" check is explained.
    other = next(b for b in home.branches if b.org == college.other_branch)
    assert "too_few_full_members" in {f.code for f in other.findings}
    content = client.get(reverse("web:home")).content.decode()
    assert "本科生第一党支部" in content
    assert "支部条例" in content


def test_committee_home_shows_elections_due(client, college):
    # A term that began almost three years ago ends within the notice period.
    started = add_years(timezone.localdate(), -3) + datetime.timedelta(days=30)
    org_services.org_update(actor=college.user("committee"), org=college.branch, term_started_on=started)
    client.force_login(college.user("committee"))
    home = client.get(reverse("web:home")).context["home"]
    assert [s.org for s in home.elections_due] == [college.branch]


def test_branch_home_is_their_branch_only(client, college):
    client.force_login(college.user("branch"))
    response = client.get(reverse("web:home"))
    content = response.content.decode()
    assert [s.org for s in response.context["home"].summaries] == [college.branch]
    assert "第一党小组" in content  # its group
    assert "李书记" in content  # its secretary
    assert "本科生第一党支部" not in content


def test_member_home_is_mine(client, college):
    client.force_login(college.user("member"))
    response = client.get(reverse("web:home"))
    home = response.context["home"]
    assert home.profile.member == college.member
    assert home.branch == college.branch
    assert {t.member.name for t in home.officers} == {"李书记", "王组长"}
    content = response.content.decode()
    assert "张三" in content
    assert college.member.phone not in content
    assert "本科生第一党支部" not in content


def test_layout(client, college):
    client.force_login(college.user("member"))
    content = client.get(reverse("web:home")).content.decode()
    assert '<html lang="zh-Hans">' in content
    assert 'hx-headers=\'{"X-CSRFToken": "' in content
    assert "htmx" in content
    assert "<script src=" in content
    assert "vendor/tabler/tabler.min.css" in content
    assert "edge/app.css" in content
    assert '<nav class="sidebar navbar navbar-vertical' in content
    assert '<nav class="bottom-nav' in content
    assert "edge/icons.svg#home" in content  # the navigation's icons come from the sprite
    assert "<style" not in content
    assert " style=" not in content


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("member", ["members:member-detail"], ["members:member-list", "orgs:org-tree", "accounts:audit-list"]),
        ("branch", ["members:member-list", "orgs:org-tree", "members:import-upload"], ["accounts:audit-list"]),
        ("auditor", ["members:member-list", "accounts:audit-list"], ["members:import-upload", "ops:status"]),
        ("committee", ["members:member-list"], ["ops:status"]),
        ("admin", ["accounts:audit-list", "ops:status"], []),
    ],
)
def test_navigation_follows_scope(client, college, role, present, absent):
    client.force_login(college.user(role))
    urls = [item.url for item in client.get(reverse("web:home")).context["nav_items"]]
    member_id = college.member.pk
    for name in present:
        url = reverse(name, args=[member_id]) if name == "members:member-detail" else reverse(name)
        assert url in urls
    for name in absent:
        assert reverse(name) not in urls


def test_not_found_page_uses_layout(client, college):
    client.force_login(college.user("branch"))
    response = client.get(reverse("orgs:org-detail", args=[college.other_branch.pk]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_add_domain_error_puts_messages_on_fields():
    from django import forms

    from dangjian.core.errors import DomainError

    class F(forms.Form):
        a = forms.CharField(required=False)

    form = F({"a": "x"})
    form.is_valid()
    add_domain_error(form, DomainError("bad", errors={"a": ["one", "two"], "zzz": ["three"]}))
    assert form.errors["a"] == ["one", "two"]
    assert form.non_field_errors() == ["three"]


def test_anonymous_htmx_request_reloads_to_login(client, college):
    response = client.get(reverse("members:member-list"), headers={"HX-Request": "true", "HX-Target": "member-results"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("role", "phone_urls"),
    [
        # 待办 (the to-do inbox) is always one tap away.
        ("member", ["/", "/study/my/", "/notices/todo/", "/notices/"]),
        ("branch", ["/", "/members/", "/notices/todo/", "/notices/"]),
    ],
)
def test_the_phone_bar_keeps_four_items_and_the_menu_lists_them_all(client, college, role, phone_urls):
    client.force_login(college.user(role))
    response = client.get(reverse("web:menu"))
    items = response.context["nav_items"]
    assert [item.url for item in items if item.phone] == phone_urls
    content = response.content.decode()
    bar = content[content.index('class="bottom-nav') :]
    assert reverse("web:menu") in bar
    for item in items:
        assert f'href="{item.url}"' in content


def test_an_officers_home_counts_what_waits_in_member_care(client, college):
    import datetime

    from dangjian.care.services import need_submit

    need_submit(
        actor=college.member.user,
        category="life",
        title="子女入学",
        description="想了解附属小学的政策。",
        today=datetime.date(2026, 1, 5),  # long overdue by now
    )
    client.force_login(college.user("branch"))
    response = client.get(reverse("web:home"))
    care = response.context["care"]
    assert (care.open_needs, care.overdue_needs) == (1, 1)
    assert 'id="care-summary"' in response.content.decode()

    client.force_login(college.user("member"))  # a member has no such card, only their own matters
    response = client.get(reverse("web:home"))
    assert response.context["care"] is None
    content = response.content.decode()
    assert 'id="care-summary"' not in content
    assert reverse("care:my-needs") in content
    assert reverse("rights:mine") in content


def test_a_member_is_reminded_of_an_open_ballot_until_they_vote(client, college):
    from dangjian.evaluation.rules import Phase
    from dangjian.evaluation.tests.factories import make_campaign, vote

    campaign = make_campaign(college, phase=Phase.MUTUAL)
    client.force_login(college.user("member"))
    ballot_url = reverse("evaluation:ballot", args=[campaign.pk])
    assert ballot_url in client.get(reverse("web:home")).content.decode()
    client.force_login(college.user("branch"))  # an officer who takes part is reminded on their own home too
    assert ballot_url in client.get(reverse("web:home")).content.decode()

    vote(college.user("member"), campaign)
    client.force_login(college.user("member"))
    assert ballot_url not in client.get(reverse("web:home")).content.decode()
