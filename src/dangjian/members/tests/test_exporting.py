"""Exporting the roster: the actor's filtered list, masked, audited, and importable again."""

import io

import pytest
from django.utils import translation
from python_calamine import CalamineWorkbook

from dangjian.core.errors import NotFound
from dangjian.core.models import AuditEvent
from dangjian.members import exporting, importing
from dangjian.members.exporting import COLUMNS, org_label
from dangjian.members.models import Member
from dangjian.members.rules import mask_id_number, mask_phone
from dangjian.members.selectors import MemberFilters

HEADERS = [column.header for column in COLUMNS]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read(content: bytes) -> list[dict]:
    cells = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("党员名册").to_python()
    return [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]


def test_the_export_holds_the_actors_members_with_personal_data_masked(college):
    export = exporting.roster_export(actor=college.user("committee"))

    rows = read(export.content)
    assert export.count == len(rows) == Member.objects.current().count()
    assert list(rows[0])[: len(HEADERS)] == HEADERS
    by_number = {row["工号/学号"]: row for row in rows}
    member = college.member
    row = by_number[member.number]
    assert (row["姓名"], row["性别"], row["人员类别"], row["所在党组织"]) == (
        "张三",
        "男" if member.gender == "male" else "女",
        "教职工",
        org_label(college.group),
    )
    assert row["身份证号"] == mask_id_number(member.id_number) != member.id_number
    assert row["手机号"] == mask_phone(member.phone) != member.phone
    assert row["出生日期"] == member.birth_date
    assert row["党员状态"] == "正式党员"


def test_a_branch_officer_exports_their_branch_only_and_filters_apply(college):
    rows = read(exporting.roster_export(actor=college.user("branch")).content)
    assert {row["工号/学号"] for row in rows} == set(
        Member.objects.filter(org__path__startswith=college.branch.path).values_list("number", flat=True)
    )
    assert college.other_member.number not in {row["工号/学号"] for row in rows}

    undergraduates = exporting.roster_export(
        actor=college.user("committee"), filters=MemberFilters(category="undergraduate")
    )
    assert [row["姓名"] for row in read(undergraduates.content)] == ["赵学生"]


def test_exporting_is_audited_with_the_filter_and_the_count(college):
    filters = MemberFilters(q="张", org_id=college.branch.pk, sort="name")
    export = exporting.roster_export(actor=college.user("committee"), filters=filters)

    event = AuditEvent.objects.get(action="member.export")
    assert event.actor == college.user("committee")
    assert event.org_path == college.branch.path
    assert event.changes == {
        "filters": {"q": "张", "org": college.branch.pk, "category": "", "status": "", "sort": "name"},
        "count": export.count,
    }
    assert export.count == 1


def test_a_plain_member_cannot_export(college):
    with pytest.raises(NotFound):
        exporting.roster_export(actor=college.user("member"))
    assert not AuditEvent.objects.filter(action="member.export").exists()


def test_an_exported_sheet_imports_again_without_changes(college):
    """Masked ID and phone numbers are left as the roster holds them; the status column is ignored."""
    actor = college.user("committee")
    export = exporting.roster_export(actor=actor)

    preview = importing.roster_import_preview(actor=actor, data=export.content, filename="export.xlsx")

    assert preview.errors == []
    assert (preview.creates, preview.updates, preview.unchanged) == (0, 0, export.count)
