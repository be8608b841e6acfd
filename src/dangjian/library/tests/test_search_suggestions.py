"""Finding what people look for: the summary and keywords are searched, and a search that finds
nothing says what to try instead: the words without the filters, each word alone, related words
and keywords in use, or else the most used keywords; never anything the searcher may not see."""

import pytest

from dangjian.accounts.system import system_actor
from dangjian.core.tests.apiclient import ApiClient
from dangjian.library import search
from dangjian.library.models import Material, MaterialStatus
from dangjian.library.search.related import common_topics, groups, related_words
from dangjian.library.selectors.materials import MaterialFilters, material_find, search_suggestions
from dangjian.library.services import materials as services
from dangjian.library.tests.documents import text_bytes
from dangjian.library.tests.test_materials import upload
from dangjian.members.audience import Audience

FILLER = "支部按照年度学习计划组织党员集中学习，交流心得，查找不足，明确努力方向。"


def make(org, title, text=FILLER, *, summary="", keywords=(), status=MaterialStatus.PUBLISHED, **fields):
    fields = {"kind": "txt", "area": "theory", **fields}
    material = Material.objects.create(
        org=org, title=title, status=status, summary=summary, keywords=list(keywords), **fields
    )
    search.index_material(material.pk, title=title, keywords=list(keywords), text=text, summary=summary)
    return material


def qs(suggestions) -> list[str]:
    return [s.q for s in suggestions]


# --- the index looks at the summary and keywords, through the services --------------------------


def test_a_summary_or_keywords_set_later_are_searched(college):
    material = services.material_upload(
        actor=system_actor(),
        org=college.committee,
        file=upload("七一.txt", text_bytes("坚持真理，坚守理想。" + FILLER)),
    )
    admin = college.user("admin")
    assert material_find(admin, MaterialFilters(q="课件")).total == 0
    services.material_update(actor=system_actor(), material=material, summary="专题党课课件")
    found = material_find(admin, MaterialFilters(q="党课"))
    assert [row.material for row in found.rows] == [material]
    assert found.rows[0].snippet == "专题<mark>党课</mark>课件"  # the summary shows why it was found
    text_hit = material_find(admin, MaterialFilters(q="党课 坚守理想")).rows[0]
    assert "<mark>坚守</mark>" in text_hit.snippet  # the text holds a word: its snippet stays
    services.material_update(actor=system_actor(), material=material, keywords=["初心使命", "理想信念"])
    assert material_find(admin, MaterialFilters(q="初心")).total == 1
    services.material_update(actor=system_actor(), material=material, summary="七一学习材料")
    assert material_find(admin, MaterialFilters(q="课件")).total == 0  # the old summary is gone


def test_a_films_description_is_searched(college):
    film = services.material_video_create(
        actor=system_actor(),
        org=college.committee,
        title="专题片观后学习",
        video_url="https://video.example.edu.cn/bangyang",
        duration_minutes=45,
        summary="收看专题片《榜样》，学习先进典型的事迹。",
    )
    assert [row.material for row in material_find(college.user("admin"), MaterialFilters(q="榜样")).rows] == [film]


# --- suggestions ---------------------------------------------------------------------------------


def test_related_words_come_from_the_groups():
    assert "初心使命" in related_words("初心", ["初心"])
    assert "理想信念" in related_words("初心", ["初心"])
    assert "初心" not in related_words("初心", ["初心"])
    assert related_words("不忘初心牢记使命", ["不忘初心", "牢记使命"])[:2] == ["初心", "初心使命"]
    assert related_words("量子计算", ["量子", "计算"]) == []
    assert all(len(group) >= 2 for group in groups())


def test_nothing_found_offers_related_words_that_find_something(college):
    make(college.committee, "伟大建党精神学习材料", keywords=["初心使命", "专题党课"])
    make(college.committee, "理想信念教育读本", summary="讲坚定理想信念")
    make(college.committee, "支部工作手册")
    member = college.user("member")
    assert material_find(member, MaterialFilters(q="牢记使命")).total == 0
    found = search_suggestions(member, MaterialFilters(q="牢记使命"))
    assert found.without_filters == 0
    assert found.fewer_words == []
    assert "初心使命" in qs(found.related)
    assert "理想信念" in qs(found.related)
    assert all(s.total >= 1 for s in found.related)
    assert found.popular == []


def test_keywords_in_use_that_share_a_word_are_offered(college):
    make(college.committee, "志愿服务总结", keywords=["社区养老", "志愿服务"])
    found = search_suggestions(college.user("member"), MaterialFilters(q="养老院"))
    assert qs(found.related) == ["社区养老"]


def test_each_word_alone_and_the_words_without_the_filters(college):
    make(college.committee, "党史学习笔记", area="tradition")
    make(college.committee, "党费工作说明", area="rules")
    member = college.user("member")
    both = MaterialFilters(q="党史 党费")
    assert material_find(member, both).total == 0
    found = search_suggestions(member, both)
    assert [(s.q, s.total) for s in found.fewer_words] == [("党史", 1), ("党费", 1)]
    filtered = MaterialFilters(q="党费", area="tradition")
    assert material_find(member, filtered).total == 0
    assert search_suggestions(member, filtered).without_filters == 1


def test_nothing_related_offers_common_topics_and_shared_keywords(college):
    make(college.committee, "材料一", keywords=["谈心谈话", "主题党日"])
    make(college.committee, "材料二", keywords=["谈心谈话", "微心愿"])
    make(college.committee, "党史读本")
    make(college.other_branch, "学生支部的党章学习")  # out of the member's sight
    found = search_suggestions(college.user("member"), MaterialFilters(q="量子计算"))
    assert found.related == []
    assert found.fewer_words == []
    # The common topics that find something, in their order, then keywords of several materials.
    assert [(s.q, s.total) for s in found.popular] == [("党史", 1), ("主题党日", 1), ("谈心谈话", 2)]
    assert common_topics()[:6] == ["初心", "理想信念", "党史", "党章", "二十大", "榜样"]


def test_suggestions_never_reveal_what_one_may_not_see(college):
    # The student branch's own material and a draft are out of a faculty member's sight.
    make(college.other_branch, "学生党员学习材料", keywords=["初心使命", "学生党员"])
    make(college.committee, "草稿", keywords=["理想信念"], status=MaterialStatus.DRAFT)
    make(college.committee, "学生专用", keywords=["党史学习"], audience=Audience.STUDENTS)
    member = college.user("member")
    found = search_suggestions(member, MaterialFilters(q="初心"))
    assert not found
    assert found.popular == []
    student = college.other_member.user
    assert "初心使命" in qs(search_suggestions(student, MaterialFilters(q="初心")).related)
    assert material_find(student, MaterialFilters(q="理想信念")).total == 0  # the draft stays hidden
    assert "理想信念" not in qs(search_suggestions(student, MaterialFilters(q="初心")).related)


def test_no_query_no_suggestions(college):
    assert not search_suggestions(college.user("member"), MaterialFilters(q="  "))


# --- page and API --------------------------------------------------------------------------------


def test_the_page_shows_the_empty_state_with_suggestions(client, college):
    make(college.committee, "伟大建党精神学习材料", keywords=["初心使命"])
    client.force_login(college.user("member"))
    response = client.get(
        "/library/", {"q": "牢记使命"}, headers={"HX-Request": "true", "HX-Target": "library-results"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="empty"' in body
    assert "/library/topics/" in body
    assert "?q=%E5%88%9D%E5%BF%83%E4%BD%BF%E5%91%BD" in body  # 初心使命


def test_the_page_with_results_has_no_empty_state(client, college):
    make(college.committee, "伟大建党精神学习材料", keywords=["初心使命"])
    client.force_login(college.user("member"))
    body = client.get("/library/", {"q": "初心"}).content.decode()
    assert "伟大建党精神学习材料" in body
    assert 'class="empty"' not in body


@pytest.mark.parametrize("role", ["member", "admin"])
def test_api_find_answers_suggestions_when_nothing_is_found(college, role):
    make(college.committee, "伟大建党精神学习材料", keywords=["初心使命"])
    client = ApiClient(college.user(role))
    empty = client.get("/library/materials", {"q": "牢记使命"}).json()
    assert empty["count"] == 0
    assert "初心使命" in [s["q"] for s in empty["suggestions"]["related"]]
    found = client.get("/library/materials", {"q": "初心"}).json()
    assert found["count"] == 1
    assert found["suggestions"] is None


# --- existing materials ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_summaries_of_existing_materials(migrate):
    from dangjian.library.models import MaterialPage
    from dangjian.orgs.tests.factories import OrganisationFactory

    migrate([("library", "0004_material_visibility_index")])
    org = OrganisationFactory(kind="committee", name="党委", code="M01")
    material = Material.objects.create(
        org=org, title="七一学习材料", kind="txt", area="theory", summary="专题党课课件", keywords=["初心使命"]
    )
    MaterialPage.objects.create(material=material, number=1, text="坚持真理，坚守理想。")
    migrate([("library", "0005_search_summary")])
    everything = Material.objects.all()
    assert [hit.material_id for hit in search.search("党课", materials=everything).hits] == [material.pk]
    assert search.search("初心 坚守理想", materials=everything).total == 1
