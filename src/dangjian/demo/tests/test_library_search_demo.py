"""A student of the demo college finds what a student looks for in the library, in the small
demo (built as `dangjian demo --small` builds it) and among every demo material."""

import datetime

import pytest

from dangjian.accounts.models import User
from dangjian.demo import generator
from dangjian.demo.library import load as library_load
from dangjian.demo.library.content import SPECS
from dangjian.demo.library.spec import COMMITTEE
from dangjian.library.models import MaterialStatus
from dangjian.library.selectors.materials import MaterialFilters, material_find, search_suggestions
from dangjian.members.audience import Audience

TODAY = datetime.date(2026, 11, 18)
SMALL = generator.Scale(committees=1, branches=8, members=60)
# What a student types into the library's search box.
STUDENT_WORDS = ["初心", "初心使命", "党史", "党章", "二十大", "理想信念", "榜样", "党课"]


def test_every_student_word_is_in_a_title_summary_or_keywords_every_student_sees():
    college_wide = [
        spec
        for spec in SPECS
        if spec.owner == COMMITTEE
        and spec.status == MaterialStatus.PUBLISHED
        and spec.audience in (Audience.ALL, Audience.STUDENTS)
    ]
    for word in STUDENT_WORDS:
        assert any(word in f"{s.title}{s.summary}{''.join(s.keywords)}" for s in college_wide), word


@pytest.mark.django_db
def test_a_student_of_the_small_demo_finds_what_students_look_for(monkeypatch):
    monkeypatch.setattr(library_load, "MATERIAL_LIMIT", 6)
    generator.build_demo(today=TODAY, scale=SMALL)
    assert library_load.library_demo_ensure(today=TODAY).materials == 6
    student = User.objects.get(username="demo-student")
    for word in STUDENT_WORDS:
        found = material_find(student, MaterialFilters(q=word))
        assert found.total >= 1, word
        assert all(row.material.status == MaterialStatus.PUBLISHED for row in found.rows)
    first = material_find(student, MaterialFilters(q="初心")).rows[0]
    assert first.material.title.startswith("不忘初心、牢记使命")
    # A word the library lacks leads to one it has.
    assert material_find(student, MaterialFilters(q="四史")).total == 0
    assert "党史" in [s.q for s in search_suggestions(student, MaterialFilters(q="四史")).related]
