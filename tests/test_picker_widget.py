"""The search select widget (dangjian.edge.widgets): a small page whatever the number of choices, the chosen
ones always drawn, the field still refusing what is not among its choices; and the options URLs of
organisations and materials, scoped as their pages."""

import re

import pytest
from django import forms
from django.urls import reverse

from dangjian.edge.widgets import SearchSelect, SearchSelectMultiple
from dangjian.library.models import Material
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import OrganisationFactory


class Pick(forms.Form):
    one = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("Group A", [(str(i), f"A{i}") for i in range(30)]),
            *[(str(i), f"B{i}") for i in range(30, 300)],
        ],
        widget=SearchSelect("/options/"),
    )
    many = forms.MultipleChoiceField(
        required=False, choices=[(str(i), f"M{i}") for i in range(300)], widget=SearchSelectMultiple("/options/")
    )


def options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


def test_a_choice_of_hundreds_draws_the_first_page_and_the_chosen_ones():
    form = Pick(initial={"one": "250", "many": ["299", "3"]})
    one, many = str(form["one"]), str(form["many"])
    assert options(one) == ["", *[str(i) for i in range(20)], "250"]
    assert '<option value="250" selected>B250</option>' in one
    assert 'data-picker="/options/"' in one
    assert options(many) == [str(i) for i in range(20)] + ["299"]
    assert "multiple" in many


def test_the_field_still_checks_against_all_its_choices():
    assert Pick({"one": "299", "many": ["150"]}).is_valid()
    form = Pick({"one": "300", "many": ["1", "x"]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}


def test_a_page_with_the_widget_brings_its_script_and_style():
    media = str(Pick().media)
    assert "vendor/tom-select/tom-select.popular.min.js" in media
    assert "edge/picker.js" in media
    assert "defer" in media
    assert "tom-select.bootstrap5.min.css" in media


@pytest.mark.django_db
def test_a_model_choice_reads_two_small_pages_not_the_table(college, django_assert_max_num_queries):
    from dangjian.orgs.forms import OrgChoiceField

    for n in range(60):
        OrganisationFactory(parent=college.other_branch, kind="group", name=f"第{n}党小组", code=f"G9{n:02d}")
    last = Organisation.objects.order_by("-path").first()

    class OrgForm(forms.Form):
        org = OrgChoiceField(queryset=Organisation.objects.order_by("path"), required=False)

    with django_assert_max_num_queries(2):
        html = str(OrgForm(initial={"org": last.pk})["org"])
    assert len(options(html)) == 22  # blank, twenty, the chosen one
    assert f'<option value="{last.pk}" selected>' in html
    assert not OrgForm({"org": 999_999}).is_valid()
    forged = OrgForm({"org": "abc"})
    assert not forged.is_valid()
    assert options(str(forged["org"]))[0] == ""  # drawn again without the forged value, no error


@pytest.mark.django_db
def test_organisation_options_are_those_the_actor_may_see(client, college):
    url = reverse("orgs:org-options")
    client.force_login(college.user("branch"))
    found = [r["text"] for r in client.get(url).json()["results"]]
    assert found == ["哲学系教工党支部", "第一党小组"]
    assert client.get(url, {"q": "小组"}).json()["results"][0]["hint"] == "哲学系教工党支部 · 党小组"
    client.force_login(college.user("admin"))
    assert [r["text"] for r in client.get(url, {"q": "本科"}).json()["results"]] == ["本科生第一党支部"]


@pytest.mark.django_db
def test_material_options_are_published_materials_the_actor_may_see(client, college):
    url = reverse("library:material-options")
    for title, org, status in [
        ("中国共产党章程", college.committee, "published"),
        ("支部工作条例草稿", college.branch, "draft"),
        ("学生支部学习笔记", college.other_branch, "published"),
    ]:
        Material.objects.create(org=org, title=title, kind="txt", area="theory", status=status)
    client.force_login(college.user("branch"))
    found = [r["text"] for r in client.get(url).json()["results"]]
    assert "中国共产党章程" in found
    assert "支部工作条例草稿" not in found
    assert [r["text"] for r in client.get(url, {"q": "章程"}).json()["results"]] == ["中国共产党章程"]
    assert client.get(url, {"q": "章程"}).json()["results"][0]["hint"].endswith("哲学与社会发展学院党委")
    assert client.get(url, {"q": "x" * 65}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("study:activity-create", "speaker"),
        ("study:activity-create", "materials"),
        ("members:member-list", "org"),
        ("library:topic-create", "materials"),
        ("study:readinglist-create", "required_materials"),
        ("care:talk-create", "member"),
        ("accounts:role-grant", "org"),
        ("evaluation:recognition-create", "member"),
        ("members:member-create", "org"),
    ],
)
def test_pages_with_a_large_choice_draw_the_picker_and_load_its_script(client, college, url_name, field):
    client.force_login(college.user("committee"))
    body = client.get(reverse(url_name)).content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>', body)
    assert select, f"no select {field}"
    assert "data-picker=" in select.group(0)
    assert body.count("edge/picker.js") == 1
    assert body.count("tom-select.bootstrap5.min.css") == 1


@pytest.mark.django_db
def test_pages_without_a_picker_do_not_load_it(client, college):
    client.force_login(college.user("committee"))
    assert "picker.js" not in client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db
def test_role_grant_organisations_are_where_the_actor_may_grant(client, college):
    url = reverse("accounts:role-grant-orgs")
    client.force_login(college.user("branch"))
    assert [r["text"] for r in client.get(url).json()["results"]] == ["哲学系教工党支部", "第一党小组"]
    client.force_login(college.user("other_branch"))
    assert [r["text"] for r in client.get(url, {"q": "哲学"}).json()["results"]] == []
    client.force_login(college.user("member"))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_new_member_organisations_are_where_the_actor_may_add_members(client, college):
    url = reverse("members:member-org-options")
    client.force_login(college.user("branch"))
    assert [r["text"] for r in client.get(url).json()["results"]] == ["哲学系教工党支部", "第一党小组"]
    client.force_login(college.user("committee"))
    assert [r["text"] for r in client.get(url, {"q": "本科"}).json()["results"]] == ["本科生第一党支部"]
    assert "哲学与社会发展学院党委" not in [r["text"] for r in client.get(url).json()["results"]]  # not a committee


@pytest.mark.django_db
def test_a_transfer_offers_out_of_the_college_whatever_the_first_page(client, college):
    for n in range(30):
        OrganisationFactory(parent=college.other_branch, kind="group", name=f"第{n}党小组", code=f"G8{n:02d}")
    client.force_login(college.user("admin"))
    body = client.get(reverse("members:member-transfer", args=[college.member.pk])).content.decode()
    select = re.search(r'<select name="to_org".*?</select>', body, re.S).group(0)
    assert 'data-picker-keep="out"' in select
    assert options(select)[-1] == "out"
    assert len(options(select)) == 22  # the blank, twenty organisations and "out"
