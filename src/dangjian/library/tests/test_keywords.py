"""Keywords and summaries of a material: pure functions over its text."""

import pytest

from dangjian.library.search import segment, suggest_keywords, summarize
from dangjian.library.search.keywords import split_sentences

REPORT = """哲学系教工党支部召开党纪学习教育专题组织生活会。
按照学院党委的统一部署，哲学系教工党支部于五月十日召开党纪学习教育专题组织生活会，支部全体党员参加。会前，支部书记与每位党员开展谈心谈话，征求意见建议，梳理问题清单。
会上，支部书记代表支委会对照《中国共产党纪律处分条例》，从政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律六个方面查摆问题，并带头开展批评与自我批评。
党员们逐一发言，结合教学科研工作，联系思想实际，认真查找在理想信念、党性修养、师德师风等方面存在的不足。大家一致认为，党纪学习教育是加强党的纪律建设的重要举措，要把学习《条例》同学习习近平新时代中国特色社会主义思想结合起来，做到学纪、知纪、明纪、守纪。
会议还开展了民主评议党员，确定了整改清单。支部将以这次组织生活会为契机，严格落实三会一课制度，坚持开展主题党日活动，推动党纪学习教育走深走实，把党支部建设成为坚强战斗堡垒。
"""


def no_library(terms: list[str]) -> dict[str, int]:
    return {}


def test_keywords_of_a_report_are_its_domain_terms():
    keywords = suggest_keywords(REPORT, document_frequency=no_library, documents=0)
    assert keywords[:2] == ["党纪学习教育", "组织生活会"]
    assert "党支部" in keywords
    assert 5 <= len(keywords) <= 8


@pytest.mark.parametrize("limit", [1, 5, 10])
def test_the_limit_is_respected(limit):
    keywords = suggest_keywords(REPORT, document_frequency=no_library, documents=0, limit=limit)
    assert len(keywords) == limit
    assert len(set(keywords)) == limit


def test_stop_words_single_characters_and_numbers_are_never_keywords():
    text = REPORT + "我们的工作是进行学习，2024年的活动和2025年的活动。" * 5
    keywords = suggest_keywords(text, document_frequency=no_library, documents=0, limit=10)
    assert not [word for word in keywords if segment.is_stop_word(word)]
    assert all(len(word) >= 2 for word in keywords)
    assert "2024" not in keywords
    assert "我们" not in keywords
    assert "工作" not in keywords


def test_words_common_in_the_library_give_way():
    alone = suggest_keywords(REPORT, document_frequency=no_library, documents=0)
    assert alone[0] == "党纪学习教育"

    def everywhere(terms: list[str]) -> dict[str, int]:
        return {"党纪学习教育": 1000, "组织生活会": 1000}

    shared = suggest_keywords(REPORT, document_frequency=everywhere, documents=1000)
    assert "党纪学习教育" not in shared[:3]
    assert "组织生活会" not in shared[:3]
    assert "党支部" in shared[:3]


def test_domain_words_outrank_ordinary_words_of_the_same_frequency():
    text = "学校举办讲座。主题党日。讲座内容丰富。主题党日内容丰富。"
    assert suggest_keywords(text, document_frequency=no_library, documents=0, limit=1) == ["主题党日"]


def test_a_word_inside_a_chosen_keyword_is_not_repeated():
    text = "主题党日。主题党日。主题党日。本月的党日。"
    keywords = suggest_keywords(text, document_frequency=no_library, documents=0)
    assert keywords[0] == "主题党日"
    assert "党日" not in keywords


def test_nothing_to_suggest():
    assert suggest_keywords("", document_frequency=no_library, documents=0) == []
    assert suggest_keywords("，。的了", document_frequency=no_library, documents=5) == []
    assert suggest_keywords(REPORT, document_frequency=no_library, documents=0, limit=0) == []


def test_the_summary_is_made_of_whole_sentences_of_the_text():
    summary = summarize(REPORT)
    assert 0 < len(summary) <= 200
    sentences = split_sentences(REPORT)
    picked = [s for s in sentences if s in summary]
    assert 1 <= len(picked) <= 3
    assert "".join(picked) == summary
    # In the order of the text, starting with the headline that names the subject.
    assert summary.startswith("哲学系教工党支部召开党纪学习教育专题组织生活会。")


@pytest.mark.parametrize(("sentences", "max_chars"), [(1, 200), (2, 120), (3, 60), (5, 400)])
def test_the_summary_keeps_to_its_limits(sentences, max_chars):
    summary = summarize(REPORT, sentences=sentences, max_chars=max_chars)
    assert len(summary) <= max_chars
    picked = [s for s in split_sentences(REPORT) if s in summary]
    assert 1 <= len(picked) <= sentences


def test_a_sentence_longer_than_the_summary_is_cut():
    long_sentence = "党支部" + "认真组织全体党员深入学习" * 30 + "。"
    summary = summarize(long_sentence, max_chars=50)
    assert len(summary) == 50
    assert summary.endswith("…")
    assert long_sentence.startswith(summary[:-1])


def test_summary_of_nothing():
    assert summarize("") == ""
    assert summarize("   \n ") == ""


def test_lines_without_a_full_stop_are_sentences_too():
    text = "学习安排\n第一周学习党章\n第二周学习党纪处分条例"
    assert split_sentences(text) == ["学习安排", "第一周学习党章", "第二周学习党纪处分条例"]
    summary = summarize(text, sentences=2)
    assert summary.count(" ") == 1


def test_index_words_hold_the_words_inside_longer_ones():
    tokens = segment.index_tokens("开展主题党日和民主评议党员。")
    assert tokens[:4] == ["开展", "主题党日", "和", "民主评议党员"]
    assert {"主题", "党日", "民主评议", "党员"} <= set(tokens)
    # A domain word the cut went across is indexed too.
    assert "中央八项规定" in segment.index_tokens("学习中央八项规定精神")


def test_query_words_are_whole_clean_and_lower_case():
    assert segment.query_tokens("主题党日，“Hello World”！3.5") == ["主题党日", "hello", "world", "3", "5"]
    assert segment.query_tokens("") == []


def test_text_with_boundaries_gives_back_the_text():
    text = "学习 Python 和主题党日。\n第二行"
    marked, _inner = segment.split_for_index(text)
    assert segment.BOUNDARY in marked
    assert marked.replace(segment.BOUNDARY, "") == text
