import datetime
import io

import docx
from docx.oxml.ns import qn

from dangjian.accounts.system import system_actor
from dangjian.study.exporting.plan_docx import THEME_ATTRIBUTES, plan_docx
from dangjian.study.selectors.plans import study_plan_detail
from dangjian.study.services import plans as services
from dangjian.study.tests.factories_plans import make_item, make_plan, make_semester

D = datetime.date


def _document(college):
    semester = make_semester(college.committee)
    plan = make_plan(
        college.committee, semester, introduction="以习近平新时代中国特色社会主义思想为指导。\n坚持学用结合。"
    )
    make_item(plan, month=D(2026, 9, 1), theme="学习贯彻全会精神", form="group_study", planned_minutes=180)
    make_item(plan, month=D(2026, 11, 1), theme="组织生活会", form="life_meeting", organiser="every_branch")
    services.study_plan_publish(actor=system_actor(), plan=plan)
    branch_plan = college.branch.study_plans.get()
    make_item(branch_plan, month=D(2026, 10, 1), theme="支部书记讲党课", form="lecture", planned_minutes=90)
    return plan, branch_plan


def test_the_plan_opens_in_word_with_its_items(college):
    plan, _ = _document(college)
    document = docx.Document(io.BytesIO(plan_docx(study_plan_detail(plan=plan))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert plan.title in text
    assert "2026—2027学年第一学期" in text
    assert "坚持学用结合。" in text
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert len(rows) == 1 + 2 + 1  # header, two items, total
    assert rows[1][0] in {"2026-09", "2026年9月"}
    assert rows[1][2] == "学习贯彻全会精神"
    assert rows[1][6] == "3.0"  # 180 minutes under the default 学时 rule
    assert rows[2][2] == "组织生活会"
    assert rows[2][6] == "2.0"
    assert rows[-1][6] == "5.0"


def test_a_branch_plan_marks_its_required_items(college):
    _, branch_plan = _document(college)
    document = docx.Document(io.BytesIO(plan_docx(study_plan_detail(plan=branch_plan))))
    themes = [row.cells[2].text for row in document.tables[0].rows[1:-1]]
    assert themes[0] == "支部书记讲党课"
    assert themes[1].startswith("组织生活会")
    assert themes[1] != "组织生活会"  # marked as required
    assert "哲学与社会发展学院党委" in document.tables[0].rows[2].cells[5].text


def test_the_east_asian_font_is_set_and_theme_fonts_removed(college):
    plan, _ = _document(college)
    document = docx.Document(io.BytesIO(plan_docx(study_plan_detail(plan=plan))))
    for name in ("Normal", "PlanTitle", "PlanCell"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体")
        assert not any(fonts.get(qn(attr)) for attr in THEME_ATTRIBUTES)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
