import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.study.rules import selfstudy as rules
from dangjian.study.tests.factories_selfstudy import COPIED, OTHER_REFLECTION, REFLECTION

TODAY = datetime.date(2025, 6, 15)


def problems(**kwargs) -> set[str]:
    data = {"studied_on": TODAY, "minutes": 30, "title": "党章", "other_minutes_that_day": 0, "today": TODAY}
    return {field for field, _message in rules.entry_problems(**(data | kwargs))}


def test_a_valid_entry_has_no_problems():
    assert problems() == set()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": -5}, "minutes"),
        ({"minutes": None}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": 441, "other_minutes_that_day": 1000}, "minutes"),
        ({"studied_on": TODAY + datetime.timedelta(days=1)}, "studied_on"),
        ({"studied_on": datetime.date(2024, 12, 31)}, "studied_on"),  # a closed year
        ({"studied_on": None}, "studied_on"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"reflection": "x" * 10_001}, "reflection"),
    ],
)
def test_each_broken_rule_is_named(change, field):
    assert problems(**change) == {field}


def test_boundaries_that_pass():
    assert problems(minutes=1440) == set()
    assert problems(minutes=440, other_minutes_that_day=1000) == set()
    assert problems(studied_on=datetime.date(2025, 1, 1)) == set()
    assert problems(title="x" * 200) == set()


@given(st.integers(min_value=1, max_value=1440), st.integers(min_value=0, max_value=1440))
def test_a_day_never_holds_more_than_24_hours(minutes, other):
    refused = "minutes" in problems(minutes=minutes, other_minutes_that_day=other)
    assert refused == (minutes + other > 1440)


def test_normalise_ignores_punctuation_and_spaces():
    assert rules.normalise("学习 党章，\n坚定信念!") == "学习党章坚定信念"


def test_copied_text_is_similar_and_independent_text_is_not():
    assert rules.similarity(REFLECTION, COPIED) >= rules.DEFAULT_SIMILARITY.threshold
    assert rules.similarity(REFLECTION, OTHER_REFLECTION) < 0.2
    assert rules.similarity(REFLECTION, REFLECTION) == 1.0


def test_most_similar_picks_the_best_match_over_the_threshold():
    assert rules.most_similar(COPIED, [(3, OTHER_REFLECTION), (7, REFLECTION)]) == (
        7,
        pytest.approx(rules.similarity(COPIED, REFLECTION)),
    )
    assert rules.most_similar(COPIED, [(3, OTHER_REFLECTION)]) is None
    # Ties go to the earliest entry, the likely original.
    assert rules.most_similar(REFLECTION, [(9, REFLECTION), (4, REFLECTION)])[0] == 4


def test_short_texts_are_not_compared():
    short = "学习党章，坚定理想信念。"
    assert not rules.comparable(short)
    assert rules.most_similar(short, [(1, short)]) is None
    strict = rules.SimilarityRule(min_length=5)
    assert rules.most_similar(short, [(1, short)], strict) == (1, 1.0)


def test_threshold_is_configurable():
    lenient = rules.SimilarityRule(n=1, threshold=0.1)  # single characters: common words match
    assert rules.most_similar(REFLECTION, [(1, OTHER_REFLECTION)], lenient) is not None
