"""The library's full-text index, on whichever database the suite runs on (SQLite's FTS5 or
PostgreSQL's tsvector): Chinese words, ranking, AND, snippets, hostile queries, scope."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.safestring import SafeString

from dangjian.library import search
from dangjian.library.models import Material, MaterialPage, MaterialStatus
from dangjian.library.search.snippets import highlight
from dangjian.library.selectors.materials import visible_materials
from dangjian.orgs.tests.factories import OrganisationFactory

FILLER = "支部按照年度学习计划组织党员集中学习，交流心得，查找不足，明确努力方向。"


def make(
    org, title: str, text: str, *, keywords=(), summary="", status=MaterialStatus.PUBLISHED, index=True
) -> Material:
    material = Material.objects.create(
        org=org, title=title, kind="txt", area="theory", status=status, summary=summary, keywords=list(keywords)
    )
    if index:
        search.index_material(material.pk, title=title, keywords=list(keywords), text=text, summary=summary)
    return material


def ids(result: search.SearchResult) -> list[int]:
    return [hit.material_id for hit in result.hits]


def find(query: str, **kwargs) -> search.SearchResult:
    return search.search(query, materials=Material.objects.all(), **kwargs)


@pytest.fixture
def library(college):
    """Four materials of the college committee."""
    return {
        "theme_day": make(college.committee, "五月学习安排", "本月组织开展主题党日活动，重温入党誓词。" + FILLER),
        "lecture": make(college.committee, "书记讲授专题课", "支部书记为学生党员讲党课，并督促按时交纳党费。" + FILLER),
        "dues": make(college.committee, "党费工作说明", "党员应当按月交纳党费。" + FILLER),
        "apart": make(college.committee, "学习讨论记录", "组织党日，讨论主题，评议党员表现。" + FILLER),
    }


def test_two_character_words_are_found(library):
    assert set(ids(find("党日"))) == {library["theme_day"].pk, library["apart"].pk}
    assert ids(find("党课")) == [library["lecture"].pk]


def test_a_compound_finds_only_itself(library):
    # 主题 and 党日 apart do not make 主题党日.
    assert ids(find("主题党日")) == [library["theme_day"].pk]
    assert find("主题党日").total == 1


def test_a_word_inside_a_longer_domain_word_is_found(college):
    evaluation = make(college.committee, "年终工作", "年底召开组织生活会，开展民主评议党员。")
    assert ids(find("民主评议")) == [evaluation.pk]
    assert ids(find("组织生活")) == [evaluation.pk]


def test_latin_words_are_found_in_any_case(college):
    material = make(college.committee, "Party History Reading", "阅读 The Communist Manifesto 选段。")
    assert ids(find("manifesto")) == [material.pk]
    assert ids(find("HISTORY")) == [material.pk]
    assert find("art").total == 0  # a whole word, not a piece of one


def test_every_word_must_occur(library):
    assert ids(find("党课 党费")) == [library["lecture"].pk]
    assert set(ids(find("党费"))) == {library["lecture"].pk, library["dues"].pk}
    assert find("党课 专题片").total == 0


def test_a_title_hit_ranks_above_a_body_hit(college):
    in_body = make(college.committee, "学习安排", "本月安排一次党课。" + FILLER)
    in_title = make(college.committee, "党课讲稿", "本月学习材料如下。" + FILLER)
    assert ids(find("党课")) == [in_title.pk, in_body.pk]
    hits = find("党课").hits
    assert hits[0].score > hits[1].score


def test_more_occurrences_rank_higher(college):
    once = make(college.committee, "材料一", "今天听了党课。" + FILLER * 2)
    thrice = make(college.committee, "材料二", "今天听了党课，党课内容丰富，党课效果好。" + FILLER * 2)
    assert ids(find("党课")) == [thrice.pk, once.pk]


def test_keywords_count_for_ranking(college):
    plain = make(college.committee, "材料一", "会上讨论了意识形态工作。" + FILLER)
    tagged = make(college.committee, "材料二", "会上讨论了意识形态工作。" + FILLER, keywords=["意识形态"])
    assert ids(find("意识形态")) == [tagged.pk, plain.pk]


def test_a_word_only_in_the_summary_is_found(college):
    # The defect: the summary said 专题党课课件, the pages never said 党课, and 党课 found nothing.
    slides = make(college.committee, "七一学习材料", "一、坚持真理。二、坚守理想。" + FILLER, summary="专题党课课件")
    assert ids(find("党课")) == [slides.pk]
    assert ids(find("专题党课")) == [slides.pk]
    assert ids(find("课件")) == [slides.pk]


def test_a_word_only_in_the_keywords_is_found(college):
    material = make(college.committee, "七一学习材料", FILLER, keywords=["初心使命", "理想信念"])
    assert ids(find("初心使命")) == [material.pk]
    assert ids(find("初心")) == [material.pk]  # a word inside a keyword
    assert ids(find("理想信念 初心")) == [material.pk]


def test_the_words_of_a_query_may_sit_in_different_fields(college):
    material = make(
        college.committee, "党史学习笔记", "学习遵义会议。" + FILLER, summary="供学生党员使用", keywords=["长征"]
    )
    assert ids(find("党史 学生党员 长征 遵义会议")) == [material.pk]


def test_ranking_title_then_summary_and_keywords_then_body(college):
    in_body = make(college.committee, "学习材料三", "这次党课很生动，党课内容丰富，党课效果好。" + FILLER)
    in_summary = make(college.committee, "学习材料二", FILLER, summary="一次专题党课的讲稿")
    in_keywords = make(college.committee, "学习材料一", FILLER, keywords=["党课"])
    in_title = make(college.committee, "党课讲稿", FILLER)
    found = ids(find("党课"))
    assert found[0] == in_title.pk
    assert set(found[1:3]) == {in_summary.pk, in_keywords.pk}
    assert found[3] == in_body.pk


def test_a_title_with_every_word_comes_first_whatever_the_score(college):
    # The other material says both words many times, in its summary and keywords too.
    crowded = make(
        college.committee,
        "学习材料",
        "党史党史党史，党课党课党课。" + FILLER,
        summary="党史专题党课",
        keywords=["党史", "党课"],
    )
    titled = make(college.committee, "党史专题党课", FILLER * 3)
    half_titled = make(college.committee, "党史读本", "讲一次党课。" + FILLER * 3)
    assert ids(find("党史 党课"))[0] == titled.pk
    assert set(ids(find("党史 党课"))) == {titled.pk, crowded.pk, half_titled.pk}


def test_snippets_highlight_and_escape(college):
    make(
        college.committee,
        "安全测试",
        "本月开展主题党日活动。<script>alert('x')</script> 会上学习 Hello World 一文。" + FILLER,
    )
    snippet = find("党日").hits[0].snippet
    assert isinstance(snippet, SafeString)
    assert "主题<mark>党日</mark>活动" in snippet  # original text: no spaces between the words
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in snippet
    assert "<script>" not in snippet
    assert "Hello World" in snippet  # spaces between Latin words stay
    snippet = str(find("hello 党日").hits[0].snippet)
    assert "<mark>Hello</mark> World" in snippet
    assert "<mark>党日</mark>" in snippet


def test_snippet_of_a_title_only_hit_shows_the_beginning(college):
    make(college.committee, "党课讲稿", "本月学习材料如下：" + FILLER * 5)
    snippet = find("党课").hits[0].snippet
    assert isinstance(snippet, SafeString)
    assert snippet.startswith("本月学习材料如下：")
    assert snippet.endswith("…")
    assert "<mark>" not in snippet


def test_snippet_has_at_most_two_passages_with_ellipses():
    text = "开头。" + "无关的内容。" * 40 + "这里讲党课。" + "无关的内容。" * 40 + "那里讲党费。" + "无关的内容。" * 40
    snippet = str(highlight(text, ["党课", "党费"], length=30))
    assert snippet.count("<mark>") == 2
    assert snippet.startswith("…")
    assert " … " in snippet
    assert snippet.endswith("…")


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ('"', False),
        ('党课"', True),
        ('"党课', True),
        ("党课*", True),
        ("*", False),
        ("title:党课", False),  # every word must occur, and no text says "title"
        ("body : 党课", False),
        ("-党课", True),
        ("NEAR(党课 党费)", False),
        ("党课 AND 党费", False),
        ("党课 OR", False),
        ("NOT 党课", False),
        ("(党课", True),
        (")", False),
        ("^党课", True),
        ("{title body}: 党课", False),
        ("'; DROP TABLE library_search; --", False),
        ("50% 党课", False),
        ("\\", False),
        ("党课 & | ! <-> :*", True),
        ("\x00党课", True),
        ("党课" * 200, True),  # one word, however often
    ],
)
def test_query_syntax_is_never_an_error(library, query, finds):
    result = find(query)
    assert result.total == len(result.hits)
    assert ids(result) == ([library["lecture"].pk] if finds else [])


@pytest.mark.parametrize("query", ["", "   ", "，。！？", "\n\t"])
def test_a_query_without_words_finds_nothing(library, query):
    assert find(query) == search.SearchResult(total=0, hits=[])


def test_operator_words_are_searched_as_words(college):
    material = make(college.committee, "English notes", "near and or not: words, not operators")
    assert ids(find("NEAR")) == [material.pk]
    assert ids(find("and OR")) == [material.pk]


def test_stop_words_do_not_narrow_a_query(library):
    assert ids(find("党的党课")) == ids(find("党课"))


def test_search_stays_inside_the_given_materials(college, library):
    draft = make(college.committee, "党课草稿", "党课党课党课", status=MaterialStatus.DRAFT)
    published = Material.objects.filter(status=MaterialStatus.PUBLISHED)
    result = search.search("党课", materials=published)
    assert draft.pk not in ids(result)
    assert result.total == 1
    everything = find("党课")
    assert everything.total == 2
    assert everything.hits[0].material_id == draft.pk


def test_search_within_what_an_actor_may_see(college):
    for_members = make(college.committee, "支部党课", "党课安排")
    only_managers = make(college.committee, "党课草稿", "党课安排", status=MaterialStatus.DRAFT)
    other_branch = make(college.other_branch, "本科生党课", "党课安排")
    member = college.user("member")
    assert ids(search.search("党课", materials=visible_materials(member))) == [for_members.pk]
    committee = college.user("committee")
    seen = set(ids(search.search("党课", materials=visible_materials(committee))))
    assert seen == {for_members.pk, only_managers.pk, other_branch.pk}


@pytest.mark.parametrize("empty", [Material.objects.none, lambda: Material.objects.filter(pk__in=[])])
def test_search_in_no_materials_finds_nothing(library, empty):
    assert search.search("党课", materials=empty()) == search.SearchResult(total=0, hits=[])


def test_search_combines_with_other_filters(college, library):
    filtered = Material.objects.filter(title__startswith="党费")
    assert ids(search.search("党费", materials=filtered)) == [library["dues"].pk]
    # A queryset with its own ordering and joins still works as the restriction.
    joined = Material.objects.filter(org__name__contains="党委").order_by("title")
    assert search.search("党费", materials=joined).total == 2


def test_pages_of_results(college):
    made = [make(college.committee, f"材料{i}", "党课" * (i + 1) + FILLER) for i in range(5)]
    first = find("党课", limit=2)
    second = find("党课", limit=2, offset=2)
    beyond = find("党课", limit=2, offset=10)
    assert first.total == second.total == beyond.total == 5
    assert ids(first) == [made[4].pk, made[3].pk]
    assert ids(second) == [made[2].pk, made[1].pk]
    assert beyond.hits == []


def test_a_deleted_material_never_shows(college, library):
    # Nothing cascades from the materials to an FTS5 table; the search skips the entry anyway.
    lecture = library["lecture"]
    lecture.delete()
    assert find("党课").total == 0


def test_reindexing_replaces_the_entry(college, library):
    material = library["lecture"]
    count = search.document_count()
    search.index_material(material.pk, title="新的标题", keywords=[], text="改为学习中央八项规定精神。")
    assert find("党课").total == 0
    assert ids(find("中央八项规定")) == [material.pk]
    assert ids(find("标题")) == [material.pk]
    assert search.document_count() == count


def test_removing_an_entry(library):
    material = library["lecture"]
    search.remove_material(material.pk)
    assert find("党课").total == 0
    assert search.document_count() == 3
    search.remove_material(material.pk)  # again: nothing there, no error
    assert search.document_count() == 3


def test_document_frequency(library):
    frequencies = search.document_frequency(["党费", "党日", "党课", "专题片", "党费"])
    assert frequencies == {"党费": 2, "党日": 2, "党课": 1, "专题片": 0}
    assert search.document_frequency([]) == {}
    assert search.document_count() == 4


def test_rebuild_indexes_the_pages(college):
    with_pages = make(college.committee, "读本", "", index=False)
    MaterialPage.objects.create(material=with_pages, number=1, text="第一页讲三会一课。")
    MaterialPage.objects.create(material=with_pages, number=2, text="第二页讲谈心谈话。")
    video = Material.objects.create(
        org=college.committee, title="专题片", kind="video", area="theory", summary="一部关于党风廉政建设的专题片。"
    )
    stale = make(college.committee, "旧材料", "党课")
    with_pages.summary, with_pages.keywords = "供入党积极分子学习", ["组织生活"]
    with_pages.save()
    assert search.rebuild(Material.objects.exclude(pk=stale.pk)) == 2
    assert ids(find("三会一课 谈心谈话")) == [with_pages.pk]
    assert ids(find("入党积极分子 组织生活")) == [with_pages.pk]  # its summary and keywords
    assert ids(find("党风廉政建设")) == [video.pk]
    assert search.document_count() == 2
    assert search.rebuild() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 tables take no triggers from Django's tables")
def test_deleting_materials_empties_their_entries_on_postgresql(library):
    library["lecture"].delete()
    assert search.document_count() == 3
    Material.objects.all().delete()
    assert search.document_count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hazard is PostgreSQL's TRUNCATE")
@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_empties_the_index():
    # Django's flush (between transactional tests) truncates the materials; a foreign key to
    # them would make that fail, and the entries would outlive them.
    org = OrganisationFactory(kind="committee", name="党委", code="F01")
    material = Material.objects.create(org=org, title="讲稿", kind="txt", area="theory")
    search.index_material(material.pk, title="讲稿", keywords=[], text="党课")
    call_command("flush", interactive=False, verbosity=0)
    assert search.document_count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL ranks a shortlist")
def test_a_common_word_ranks_a_shortlist_title_hits_first(college, monkeypatch):
    from dangjian.library.search.backends import postgresql

    monkeypatch.setattr(postgresql, "RANK_CANDIDATES", 2)
    in_title = make(college.committee, "党课讲稿", "本月学习材料。" + FILLER)
    older = make(college.committee, "材料一", "党课党课党课。" + FILLER)
    newer = [make(college.committee, f"材料{i}", "一次党课。" + FILLER) for i in range(2, 5)]
    result = find("党课", limit=2)
    assert result.total == 5
    # The shortlist is the title hit and the newest other match; the most occurrences do not
    # count when they are not on it.
    assert ids(result) == [in_title.pk, newer[-1].pk]
    assert older.pk not in ids(find("党课", limit=2, offset=2))
