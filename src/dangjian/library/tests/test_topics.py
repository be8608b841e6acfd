"""Study topics (学习专题): services, who sees what, progress and counts, pages and the API."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.system import system_actor
from dangjian.core.errors import DomainError, Forbidden, NotFound
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.library.models import Topic
from dangjian.library.selectors import topics as selectors
from dangjian.library.services import reading as reading_services
from dangjian.library.services import topics as services
from dangjian.library.services.materials import material_withdraw
from dangjian.library.tests.test_reading_services import make_material
from dangjian.notices.tests.test_inbox import INBOX_QUERIES
from dangjian.study.models import SelfStudy

HIDDEN = "Choose published materials you may see in the library."


@pytest.fixture
def materials(college):
    """Three published materials of the faculty branch, by title: 党章, 准则, 条例."""
    return [make_material(college.branch, title=title) for title in ("党章", "准则", "条例")]


@pytest.fixture
def topic(college, materials):
    return services.topic_create(
        actor=college.user("branch"),
        org=college.branch,
        title="学习党章党规",
        guidance="先读党章，再读准则。",
        materials=[materials[2].pk, materials[0].pk],
    )


def titles(view) -> list[str]:
    return [entry.material.title for entry in view.entries]


def read(college, material, role="member"):
    reading_services.reading_beat(actor=college.user(role), material=material, page=1)


# --- Services ----------------------------------------------------------------------------------


def test_a_topic_keeps_the_order_given_and_is_audited(college, materials, topic):
    assert list(topic.entries.values_list("material_id", flat=True)) == [materials[2].pk, materials[0].pk]
    event = AuditEvent.objects.get(action="topic.create")
    assert event.object_id == str(topic.pk)
    assert event.org_path == college.branch.path
    assert event.changes["materials"] == [materials[2].pk, materials[0].pk]


def test_a_material_chosen_twice_is_listed_once(college, materials):
    topic = services.topic_create(
        actor=college.user("branch"), org=college.branch, title="专题", materials=[materials[0].pk, materials[0]]
    )
    assert topic.entries.count() == 1


def test_each_field_gets_its_message(college):
    with pytest.raises(DomainError) as caught:
        services.topic_create(actor=college.user("branch"), org=college.branch, title=" ", audience="x", materials=[])
    assert set(caught.value.errors) == {"title", "audience", "materials"}
    assert caught.value.field == "title"


def test_a_hidden_material_and_a_missing_one_get_the_same_answer(college, materials):
    elsewhere = make_material(college.other_branch, title="本科生支部材料")
    draft = make_material(college.branch, title="草稿", status="draft")
    answers = set()
    for pk in (elsewhere.pk, draft.pk, 999_999):
        with pytest.raises(DomainError) as caught:
            services.topic_create(
                actor=college.user("branch"), org=college.branch, title="专题", materials=[materials[0].pk, pk]
            )
        assert caught.value.field == "materials"
        answers.add(caught.value.message)
    assert answers == {gettext(HIDDEN)}
    assert not Topic.objects.exists()


def test_only_officers_who_manage_study_there_may_create(college, materials):
    for role in ("other_branch", "auditor", "group_leader", "member"):
        with pytest.raises(Forbidden):
            services.topic_create(actor=college.user(role), org=college.branch, title="专题", materials=[materials[0]])


def test_update_replaces_the_materials_and_a_withdrawn_one_may_stay(college, materials, topic):
    material_withdraw(actor=system_actor(), material=materials[2])
    services.topic_update(
        actor=college.user("branch"), topic=topic, title="新题目", materials=[materials[1].pk, materials[2].pk]
    )
    assert list(topic.entries.values_list("material_id", flat=True)) == [materials[1].pk, materials[2].pk]
    event = AuditEvent.objects.get(action="topic.update")
    assert event.changes["title"] == ["学习党章党规", "新题目"]
    assert event.changes["materials"] == [[materials[2].pk, materials[0].pk], [materials[1].pk, materials[2].pk]]
    # A withdrawn material cannot be added anew.
    other = make_material(college.branch, title="已撤回", status="withdrawn")
    with pytest.raises(DomainError) as caught:
        services.topic_update(actor=college.user("branch"), topic=topic, materials=[other.pk])
    assert caught.value.field == "materials"


def test_update_refuses_unknown_fields_and_other_scopes(college, topic):
    with pytest.raises(DomainError):
        services.topic_update(actor=college.user("branch"), topic=topic, org=college.other_branch)
    with pytest.raises(Forbidden):
        services.topic_update(actor=college.user("other_branch"), topic=topic, title="x")


# --- Who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("admin", True),
        ("committee", True),
        ("branch", True),
        ("group_leader", True),
        ("member", True),
        ("auditor", True),
        ("other_branch", False),
    ],
)
def test_who_sees_a_branch_topic(college, topic, role, sees):
    assert selectors.visible_topics(college.user(role)).filter(pk=topic.pk).exists() is sees
    if not sees:
        with pytest.raises(NotFound):
            selectors.access_topic(college.user(role), topic.pk)


def test_members_see_topics_above_them_for_their_audience(college, materials):
    committee = college.user("committee")
    for_students = services.topic_create(
        actor=committee, org=college.committee, title="学生党员专题", audience="students", materials=[materials[0]]
    )
    for_all = services.topic_create(
        actor=committee, org=college.committee, title="全体党员专题", materials=[materials[0]]
    )
    student = college.other_member.user
    assert {row.topic for row in selectors.assigned_topics(student)} == {for_students, for_all}
    assert {row.topic for row in selectors.assigned_topics(college.user("member"))} == {for_all}
    with pytest.raises(NotFound):
        selectors.access_topic(college.user("member"), for_students.pk)
    # The student branch's secretary oversees the committee's topics (they apply in his branch) but may not
    # change them, and does not see the faculty branch's.
    branch_topic = services.topic_create(
        actor=college.user("branch"), org=college.branch, title="支部专题", materials=[materials[0]]
    )
    overseen = selectors.overseen_topics(college.user("other_branch"))
    assert {(row.topic, row.can_edit) for row in overseen} == {(for_students, False), (for_all, False)}
    assert branch_topic in {row.topic for row in selectors.overseen_topics(college.user("committee"))}


def test_progress_counts_reading_and_self_study(college, materials, topic):
    member = college.user("member")
    [row] = selectors.assigned_topics(member)
    assert (row.studied, row.total) == (0, 2)
    read(college, materials[2])
    SelfStudy.objects.create(
        member=college.member, studied_on=timezone.localdate(), minutes=30, title="党章", material=materials[0]
    )
    read(college, materials[1])  # not in the topic
    [row] = selectors.assigned_topics(member)
    assert (row.studied, row.total) == (2, 2)
    view = selectors.topic_detail(member, selectors.access_topic(member, topic.pk))
    assert [(e.material.title, e.studied) for e in view.entries] == [("条例", True), ("党章", True)]


def test_a_withdrawn_material_disappears_for_members_and_stays_for_managers(college, materials, topic):
    material_withdraw(actor=system_actor(), material=materials[2])
    member = college.user("member")
    view = selectors.topic_detail(member, selectors.access_topic(member, topic.pk))
    assert titles(view) == ["党章"]
    assert (view.studied, view.total) == (0, 1)
    [row] = selectors.assigned_topics(member)
    assert row.total == 1
    branch = college.user("branch")
    view = selectors.topic_detail(branch, selectors.access_topic(branch, topic.pk))
    assert [(e.material.title, e.openable) for e in view.entries] == [("条例", False), ("党章", True)]


def test_officers_see_counts_of_the_audience_never_names(college, materials, topic):
    read(college, materials[2])  # 张三
    read(college, materials[2], role="branch")  # 李书记
    SelfStudy.objects.create(
        member=college.other_member, studied_on=timezone.localdate(), minutes=30, title="x", material=materials[0]
    )  # outside the topic's organisation: not its audience
    branch = college.user("branch")
    view = selectors.topic_detail(branch, selectors.access_topic(branch, topic.pk))
    # The faculty branch: 李书记, 王组长, 张三, 吕书记.
    assert view.audience_size == 4
    assert [(e.material.title, e.studied_count) for e in view.entries] == [("条例", 2), ("党章", 0)]
    member = college.user("member")
    view = selectors.topic_detail(member, selectors.access_topic(member, topic.pk))
    assert view.audience_size is None
    assert {e.studied_count for e in view.entries} == {None}


def test_counts_of_a_committee_topic_stay_within_the_officers_scope(college, materials):
    topic = services.topic_create(
        actor=college.user("committee"), org=college.committee, title="全院专题", materials=[materials[0]]
    )
    read(college, materials[0])
    committee = college.user("committee")
    assert selectors.topic_detail(committee, topic).audience_size == 6  # every member of the college
    leader = college.user("group_leader")
    view = selectors.topic_detail(leader, selectors.access_topic(leader, topic.pk))
    assert (view.audience_size, view.entries[0].studied_count) == (2, 1)  # 王组长 and 张三 of the group


def test_an_officers_only_topic_counts_officers(college, materials):
    topic = services.topic_create(
        actor=college.user("branch"),
        org=college.branch,
        title="支委专题",
        audience="officers",
        materials=[materials[0]],
    )
    assert selectors.topic_detail(college.user("branch"), topic).audience_size == 3  # two secretaries, a leader
    assert selectors.assigned_topics(college.user("member")) == []


def test_the_choices_are_published_materials_the_officer_may_see(college, materials, topic):
    make_material(college.other_branch, title="别的支部")
    make_material(college.branch, title="草稿", status="draft")
    assert [m.title for m in selectors.material_choices(college.user("branch"))] == ["党章", "准则", "条例"]
    material_withdraw(actor=system_actor(), material=materials[2])
    kept = selectors.material_choices(college.user("branch"), keep=[materials[2].pk])
    assert materials[2] in kept


# --- Pages -------------------------------------------------------------------------------------


def login(client, college, role):
    client.force_login(college.user(role))
    return client


def test_an_officer_creates_a_topic_with_the_order_typed(client, college, materials):
    login(client, college, "branch")
    assert client.get(reverse("library:topic-create")).status_code == 200
    response = client.post(
        reverse("library:topic-create"),
        {
            "org": college.branch.pk,
            "title": "党规专题",
            "audience": "all",
            "guidance": "按顺序学习",
            "materials": [materials[0].pk, materials[1].pk, materials[2].pk],
            "order": f"{materials[2].pk}，{materials[0].pk}",
        },
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("library:topic-detail", args=[topic.pk])
    # As typed, then the others by title.
    assert list(topic.entries.values_list("material_id", flat=True)) == [
        materials[2].pk,
        materials[0].pk,
        materials[1].pk,
    ]


def test_the_form_shows_errors_per_field(client, college, materials):
    login(client, college, "branch")
    response = client.post(
        reverse("library:topic-create"), {"org": college.branch.pk, "title": "专题", "audience": "all", "order": "12x"}
    )
    assert response.status_code == 400
    assert "order" in response.context["form"].errors
    response = client.post(
        reverse("library:topic-create"), {"org": college.branch.pk, "title": "专题", "audience": "all"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["materials"] == [gettext("Choose at least one material.")]
    assert not Topic.objects.exists()


def test_editing_keeps_a_withdrawn_material_and_removes_an_unchosen_one(client, college, materials, topic):
    material_withdraw(actor=system_actor(), material=materials[2])
    login(client, college, "branch")
    page = client.get(reverse("library:topic-edit", args=[topic.pk]))
    assert page.context["form"].initial["order"] == f"{materials[2].pk}, {materials[0].pk}"
    response = client.post(
        reverse("library:topic-edit", args=[topic.pk]),
        {
            "title": "改",
            "audience": "all",
            "materials": [materials[2].pk],
            "order": f"{materials[0].pk}, {materials[2].pk}",
        },
    )
    assert response.status_code == 302
    assert list(topic.entries.values_list("material_id", flat=True)) == [materials[2].pk]
    assert login(client, college, "member").get(reverse("library:topic-edit", args=[topic.pk])).status_code == 404


def test_a_member_sees_progress_and_no_counts(client, college, materials, topic):
    read(college, materials[0])
    login(client, college, "member")
    listing = client.get(reverse("library:topic-list")).content.decode()
    assert gettext("%(studied)s / %(total)s studied") % {"studied": 1, "total": 2} in listing
    page = client.get(reverse("library:topic-detail", args=[topic.pk])).content.decode()
    assert 'id="topic-progress"' in page
    assert "topic-count" not in page
    assert reverse("library:read", args=[materials[2].pk]) in page
    assert f"{reverse('study:selfstudy-list')}?material={materials[2].pk}" in page
    assert (
        login(client, college, "other_branch").get(reverse("library:topic-detail", args=[topic.pk])).status_code == 404
    )


def test_an_officer_sees_counts_without_names(client, college, materials, topic):
    read(college, materials[0])
    page = login(client, college, "branch").get(reverse("library:topic-detail", args=[topic.pk])).content.decode()
    assert "topic-count" in page
    assert "张三" not in page


def test_the_list_page_query_count_does_not_grow(client, college, materials, django_assert_max_num_queries):
    for n in range(5):
        services.topic_create(actor=college.user("branch"), org=college.branch, title=f"专题{n}", materials=materials)
    login(client, college, "branch")
    with django_assert_max_num_queries(20 + INBOX_QUERIES):
        response = client.get(reverse("library:topic-list"))
    assert len(response.context["assigned"]) == len(response.context["overseen"]) == 5


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_and_gets_topics(college, materials, topic):
    read(college, materials[0])
    client = api_as(college.user("member"))
    body = client.get("/library/topics").json()
    assert [(row["topic"]["title"], row["studied"], row["total"]) for row in body["assigned"]] == [
        ("学习党章党规", 1, 2)
    ]
    assert body["overseen"] == []
    detail = client.get(f"/library/topics/{topic.pk}").json()
    assert [(m["title"], m["studied"], m["studied_count"]) for m in detail["materials"]] == [
        ("条例", False, None),
        ("党章", True, None),
    ]
    assert detail["audience_size"] is None
    officer = api_as(college.user("branch")).get(f"/library/topics/{topic.pk}").json()
    assert [m["studied_count"] for m in officer["materials"]] == [0, 1]
    assert api_as(college.user("other_branch")).get(f"/library/topics/{topic.pk}").status_code == 404


def test_api_creates_and_updates_a_topic(college, materials):
    client = api_as(college.user("branch"))
    response = client.post(
        "/library/topics", {"org": college.branch.pk, "title": "专题", "materials": [materials[1].pk, materials[0].pk]}
    )
    assert response.status_code == 201
    created = response.json()
    assert [m["id"] for m in created["materials"]] == [materials[1].pk, materials[0].pk]
    assert created["can_edit"] is True
    response = client.patch(f"/library/topics/{created['id']}", {"guidance": "认真学", "materials": [materials[2].pk]})
    assert response.status_code == 200
    assert (response.json()["guidance"], [m["id"] for m in response.json()["materials"]]) == (
        "认真学",
        [materials[2].pk],
    )
    assert api_as(college.user("member")).patch(f"/library/topics/{created['id']}", {"title": "x"}).status_code == 404


def test_api_refuses_what_may_not_be_chosen(college, materials):
    elsewhere = make_material(college.other_branch, title="本科生支部材料")
    client = api_as(college.user("branch"))
    answers = []
    for pk in (elsewhere.pk, 999_999):
        response = client.post("/library/topics", {"org": college.branch.pk, "title": "专题", "materials": [pk]})
        assert response.status_code == 400
        assert response.json()["field"] == "materials"
        answers.append(response.json()["detail"])
    assert answers[0] == answers[1]
    auditor = api_as(college.user("auditor")).post(
        "/library/topics", {"org": college.branch.pk, "title": "专题", "materials": [materials[0].pk]}
    )
    assert auditor.status_code == 403
    outside = api_as(college.user("other_branch")).post(
        "/library/topics", {"org": college.branch.pk, "title": "专题", "materials": [materials[0].pk]}
    )
    assert (outside.status_code, outside.json()["field"]) == (404, "org")


def test_api_takes_only_the_organisations_the_page_offers(college, materials):
    """A group holds no library: the topic and upload forms leave it out, and the API refuses it alike."""
    client = api_as(college.user("branch"))
    topic = client.post("/library/topics", {"org": college.group.pk, "title": "专题", "materials": [materials[0].pk]})
    assert (topic.status_code, topic.json()["field"]) == (404, "org")
    video = {"org": college.group.pk, "title": "专题片", "video_url": "https://example.org/v", "duration_minutes": 30}
    video |= {"area": "theory"}
    assert client.post("/library/videos", video).status_code == 404
    assert client.post("/library/videos", video | {"org": college.branch.pk}).status_code == 201
    assert not Topic.objects.filter(org=college.group).exists()
