"""Reading lists and self-study linked to library materials: choosing, progress, the reader's link, the API."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.system import system_actor
from dangjian.core.errors import DomainError
from dangjian.core.tests.apiclient import api_as
from dangjian.library.services import reading as reading_services
from dangjian.library.services.materials import material_withdraw
from dangjian.library.tests.test_reading_services import make_material
from dangjian.study.models import ReadingList, SelfStudy
from dangjian.study.selectors import selfstudy as selectors
from dangjian.study.services import selfstudy as services

TODAY = timezone.localdate()
HIDDEN_ITEM = "Item %(n)d: choose a published material you may see in the library."
HIDDEN = "Choose a material you may see in the library."


@pytest.fixture
def material(college):
    return make_material(college.branch, title="中国共产党章程")


@pytest.fixture
def elsewhere(college):
    """A material of the student branch: the faculty branch does not see it."""
    return make_material(college.other_branch, title="本科生支部学习材料")


@pytest.fixture
def reading_list(college, material):
    return services.reading_list_create(
        actor=college.user("branch"),
        org=college.branch,
        title="必读",
        items=[services.ItemIn(material=material.pk), services.ItemIn(title="准则")],
    )


def log(college, **kwargs):
    return services.self_study_log(actor=college.user("member"), studied_on=TODAY, minutes=30, **kwargs)


# --- Reading lists -----------------------------------------------------------------------------


def test_an_item_may_point_at_a_material_and_takes_its_title(reading_list, material):
    item = reading_list.items.first()
    assert (item.title, item.material) == ("中国共产党章程", material)


def test_a_hidden_a_draft_and_a_missing_material_get_the_same_answer(college, material, elsewhere):
    draft = make_material(college.branch, title="草稿", status="draft")
    answers = set()
    for pk in (elsewhere.pk, draft.pk, 999_999):
        with pytest.raises(DomainError) as caught:
            services.reading_list_create(
                actor=college.user("branch"),
                org=college.branch,
                title="必读",
                items=[services.ItemIn(title="准则"), services.ItemIn(material=pk)],
            )
        assert caught.value.field == "items"
        answers.add(caught.value.message)
    assert answers == {gettext(HIDDEN_ITEM) % {"n": 2}}
    assert not ReadingList.objects.exists()


def test_an_item_is_done_when_its_material_is_read(college, reading_list, material):
    member = college.member
    [progress] = selectors.reading_lists_for_member(member=member)
    assert [(e.done, e.readable) for e in progress.items] == [(False, True), (False, False)]
    reading_services.reading_beat(actor=college.user("member"), material=material, page=1)
    [progress] = selectors.reading_lists_for_member(member=member)
    assert [e.done for e in progress.items] == [True, False]
    assert progress.done == 1


def test_a_withdrawn_material_stays_on_the_list_but_is_not_linked(college, reading_list, material):
    material_withdraw(actor=system_actor(), material=material)
    [progress] = selectors.reading_lists_for_member(member=college.member)
    assert progress.items[0].readable is False
    # Editing the list keeps it.
    items = [services.ItemIn(material=material.pk, id=progress.items[0].item.pk), services.ItemIn(title="准则")]
    services.reading_list_update(actor=college.user("branch"), reading_list=reading_list, items=items)
    assert reading_list.items.first().material == material


def test_the_member_list_links_the_reader(client, college, reading_list, material):
    client.force_login(college.user("member"))
    page = client.get(reverse("study:readinglist-list")).content.decode()
    assert reverse("library:read", args=[material.pk]) in page


def test_officers_choose_materials_on_the_form_and_editing_keeps_them(client, college, material, elsewhere):
    client.force_login(college.user("branch"))
    form = client.get(reverse("study:readinglist-create")).context["form"]
    assert [pk for pk, _label in form.fields["required_materials"].choices] == [material.pk]
    response = client.post(
        reverse("study:readinglist-create"),
        {
            "org": college.branch.pk,
            "title": "必读",
            "audience": "all",
            "required_materials": [material.pk],
            "optional_items": "论党的建设",
        },
    )
    assert response.status_code == 302
    reading_list = ReadingList.objects.get()
    first = reading_list.items.first()
    assert [(i.title, i.material_id, i.required) for i in reading_list.items.all()] == [
        ("中国共产党章程", material.pk, True),
        ("论党的建设", None, False),
    ]
    entry = SelfStudy.objects.create(member=college.member, studied_on=TODAY, minutes=30, title="x", reading_item=first)
    edit = reverse("study:readinglist-edit", args=[reading_list.pk])
    assert client.get(edit).context["form"].initial["required_materials"] == [material.pk]
    response = client.post(
        edit,
        {"title": "必读", "audience": "all", "required_materials": [material.pk], "required_items": "准则"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.reading_item == first  # the same item: progress kept
    # A material the officer may not see is not a choice.
    response = client.post(edit, {"title": "必读", "audience": "all", "required_materials": [elsewhere.pk]})
    assert response.status_code == 200
    assert "required_materials" in response.context["form"].errors


# --- Self-study --------------------------------------------------------------------------------


def test_an_entry_may_name_a_material_and_takes_its_title(college, material):
    entry = log(college, material=material)
    assert (entry.material, entry.title) == (material, "中国共产党章程")


def test_an_entry_for_an_item_with_a_material_names_it(college, reading_list, material):
    entry = log(college, reading_item=reading_list.items.first())
    assert entry.material == material


def test_a_hidden_material_is_refused(college, elsewhere):
    with pytest.raises(DomainError) as caught:
        log(college, material=elsewhere, title="x")
    assert (caught.value.field, caught.value.message) == ("material", gettext(HIDDEN))
    assert not SelfStudy.objects.exists()


def test_the_reflection_link_preselects_a_material_the_member_may_see(client, college, reading_list, material):
    client.force_login(college.user("member"))
    url = f"{reverse('study:selfstudy-list')}?material={material.pk}"
    form = client.get(url).context["form"]
    assert form.initial["material"] == material.pk
    assert form.initial["title"] == "中国共产党章程"
    assert form.initial["reading_item"] == reading_list.items.first().pk
    response = client.post(url, {"studied_on": TODAY.isoformat(), "minutes": "30", "material": material.pk})
    assert response.status_code == 302
    entry = SelfStudy.objects.get()
    assert (entry.material, entry.title) == (material, "中国共产党章程")
    assert reverse("library:read", args=[material.pk]) in client.get(reverse("study:selfstudy-list")).content.decode()


def test_the_reflection_link_ignores_a_material_the_member_may_not_see(client, college, elsewhere):
    client.force_login(college.user("member"))
    url = f"{reverse('study:selfstudy-list')}?material={elsewhere.pk}"
    page = client.get(url)
    assert "material" not in page.context["form"].fields
    assert "本科生支部学习材料" not in page.content.decode()
    # Posting it anyway names no material.
    client.post(url, {"studied_on": TODAY.isoformat(), "minutes": "30", "title": "x", "material": elsewhere.pk})
    assert SelfStudy.objects.get().material is None


def test_a_title_in_the_link_fills_the_form(client, college):
    client.force_login(college.user("member"))
    form = client.get(reverse("study:selfstudy-list"), {"title": "学习《准则》"}).context["form"]
    assert form.initial["title"] == "学习《准则》"


def test_editing_keeps_a_material_withdrawn_since(client, college, material):
    entry = log(college, material=material)
    material_withdraw(actor=system_actor(), material=material)
    client.force_login(college.user("member"))
    response = client.post(
        reverse("study:selfstudy-edit", args=[entry.pk]),
        {"studied_on": TODAY.isoformat(), "minutes": "45", "title": "党章"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.minutes, entry.material) == (45, material)


# --- API ---------------------------------------------------------------------------------------


def test_api_self_study_names_a_material_validated_by_visibility(college, material, elsewhere):
    client = api_as(college.user("member"))
    body = {"studied_on": TODAY.isoformat(), "minutes": 30}
    response = client.post("/study/self-study", body | {"material": material.pk})
    assert response.status_code == 201
    assert (response.json()["material"], response.json()["title"]) == (material.pk, "中国共产党章程")
    answers = []
    for pk in (elsewhere.pk, 999_999):
        response = client.post("/study/self-study", body | {"material": pk, "title": "x"})
        assert (response.status_code, response.json()["field"]) == (400, "material")
        answers.append(response.json()["detail"])
    assert answers[0] == answers[1]
    assert [item["material"] for item in client.get("/study/self-study").json()["items"]] == [material.pk]


def test_api_reading_list_items_carry_their_material(college, material, elsewhere):
    client = api_as(college.user("branch"))
    response = client.post(
        "/study/reading-lists",
        {"org": college.branch.pk, "title": "必读", "items": [{"material": material.pk}, {"title": "准则"}]},
    )
    assert response.status_code == 201
    assert [(i["title"], i["material"]) for i in response.json()["items"]] == [
        ("中国共产党章程", material.pk),
        ("准则", None),
    ]
    answers = []
    for pk in (elsewhere.pk, 999_999):
        refused = client.post(
            "/study/reading-lists", {"org": college.branch.pk, "title": "必读", "items": [{"material": pk}]}
        )
        assert refused.status_code == 400
        answers.append(refused.json()["detail"])
    assert answers[0] == answers[1]
    reading_services.reading_beat(actor=college.user("member"), material=material, page=1)
    [assigned] = api_as(college.user("member")).get("/study/reading-lists").json()["assigned"]
    assert [(i["material"], i["done"], i["readable"]) for i in assigned["items"]] == [
        (material.pk, True, True),
        (None, False, False),
    ]
