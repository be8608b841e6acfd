"""The roster as an Excel sheet: its columns, the template and the export, written with xlsxwriter.

The column headers and the words in the drop-down lists (男/女, 教职工, 大学本科, …) are a file
format shared with the sheets committees already keep, so they are data, in Chinese, and do not
follow the interface language. Everything said *about* a sheet (instructions, messages) goes
through gettext.

The template's first sheet, 党员名册, holds only the header. The example row sits on the second
sheet, 填写说明, with the instructions, so nothing on the roster sheet ever has to be recognised as
"not a real row". An export has the same columns, so an exported sheet can be edited and imported
again (its masked ID and phone numbers are left as they are on the roster).
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import NotFound
from dangjian.members import rules
from dangjian.members.models import Category, Education, Gender, Status
from dangjian.members.selectors import MemberFilters, member_list
from dangjian.orgs.models import Organisation, OrgKind

ROSTER_SHEET = "党员名册"
GUIDE_SHEET = "填写说明"
LISTS_SHEET = "选项"
MEMBER_ORG_KINDS = (OrgKind.BRANCH, OrgKind.GROUP)
LAST_ROW = 1_048_575  # Excel's last row, counted from 0


@dataclass(frozen=True)
class Column:
    key: str  # a Member field, or "org"
    header: str
    required: bool = False  # the column must be in the sheet
    aliases: tuple[str, ...] = ()  # other headers the import accepts for it
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, width=10),
    Column("gender", "性别", True, width=6),
    Column("ethnicity", "民族", aliases=("民族名称",), width=8),
    Column("birth_date", "出生日期", True, aliases=("出生年月",), width=12),
    Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码", "身份证"), width=21),
    Column("education", "学历", aliases=("最高学历",), width=12),
    Column("category", "人员类别", True, aliases=("人员类型", "类别"), width=10),
    Column("number", "工号/学号", aliases=("工号", "学号", "工号或学号", "学工号"), width=12),
    Column("admin_unit", "所在单位或班级", aliases=("所在单位", "单位", "班级", "所在班级"), width=18),
    Column("phone", "手机号", aliases=("手机号码", "手机", "联系电话", "电话"), width=14),
    Column("joined_on", "入党日期", True, aliases=("入党时间",), width=12),
    Column("full_member_on", "转正日期", aliases=("转正时间",), width=12),
    Column("org", "所在党组织", True, aliases=("党组织", "所在支部", "所在党支部", "所在党小组"), width=28),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
DATE_KEYS = ("birth_date", "joined_on", "full_member_on")
CHOICE_KEYS = ("gender", "education", "category")

# The words a sheet uses for each code; the first is the one the template and the export write.
GENDER_WORDS = {Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")}
CATEGORY_WORDS = {
    Category.FACULTY: ("教职工", "教工", "教师", "职工", "在职教职工"),
    Category.UNDERGRADUATE: ("本科生", "本科学生"),
    Category.GRADUATE: ("研究生", "硕士研究生", "博士研究生", "硕士生", "博士生"),
    Category.RETIRED: ("离退休", "离退休人员", "退休", "离休", "退休教职工"),
    Category.OTHER: ("其他",),
}
EDUCATION_WORDS = {
    Education.DOCTORATE: ("博士研究生", "博士"),
    Education.MASTER: ("硕士研究生", "硕士", "研究生"),
    Education.BACHELOR: ("大学本科", "本科"),
    Education.COLLEGE: ("大学专科", "专科", "大专"),
    Education.SECONDARY: ("高中及以下", "中专", "高中", "初中", "中专及以下", "初中及以下"),
}
CHOICE_WORDS = {"gender": GENDER_WORDS, "category": CATEGORY_WORDS, "education": EDUCATION_WORDS}
STATUS_WORDS = {Status.FULL: "正式党员", Status.PROBATIONARY: "预备党员"}
EXPORT_EXTRA_COLUMNS = (("status", "党员状态"),)

EXAMPLE_ROW = {
    "name": "张三",
    "gender": Gender.MALE,
    "ethnicity": "汉族",
    "birth_date": datetime.date(1990, 1, 1),
    "id_number": "110105199001010010",
    "education": Education.DOCTORATE,
    "category": Category.FACULTY,
    "number": "T2015001",
    "admin_unit": "哲学系",
    "phone": "13800138000",
    "joined_on": datetime.date(2012, 6, 1),
    "full_member_on": datetime.date(2013, 6, 1),
}


def org_label(org: Organisation) -> str:
    """How a sheet names an organisation: its code, a space, its name."""
    return f"{org.code} {org.name}"


def _word(key: str, code: str) -> str:
    return CHOICE_WORDS[key][code][0] if code else ""


def roster_workbook(
    rows: Iterable[dict],
    *,
    org_choices: Sequence[str] = (),
    guide: bool = False,
    extra_columns: Sequence[tuple[str, str]] = (),
) -> bytes:
    """An .xlsx roster with the header, drop-down lists, date and text formats, and `rows`.

    Each row holds member data as the services take it (choice codes, dates), with "org" as an
    Organisation or its label. `extra_columns` are (key, header) pairs written after the roster
    columns; the import ignores them. With `guide`, a sheet of instructions with an example row
    follows the roster.
    """
    import xlsxwriter  # imported when used: importing it at start-up slows every process

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1}),
        "required": book.add_format({"bold": True, "bg_color": "#E6B8B7", "border": 1}),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    sheet = book.add_worksheet(ROSTER_SHEET)
    guide_sheet = book.add_worksheet(GUIDE_SHEET) if guide else None
    list_refs = _write_lists(book.add_worksheet(LISTS_SHEET), org_choices)

    for index, column in enumerate(COLUMNS):
        # Text format keeps Excel from turning ID numbers and phone numbers into numbers.
        sheet.set_column(index, index, column.width, formats["date" if column.key in DATE_KEYS else "text"])
        if column.key in list_refs:
            sheet.data_validation(
                1,
                index,
                LAST_ROW,
                index,
                {
                    "validate": "list",
                    "source": list_refs[column.key],
                    # The organisation list is a help, not a limit: a code alone is accepted too.
                    "error_type": "warning" if column.key == "org" else "stop",
                    "error_message": _("Choose a value from the list."),
                },
            )
        elif column.key in DATE_KEYS:
            sheet.data_validation(
                1,
                index,
                LAST_ROW,
                index,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": datetime.date(1900, 1, 1),
                    "maximum": datetime.date(2100, 12, 31),
                    "error_type": "warning",
                    "error_message": _("Enter a date such as 2020-07-01."),
                },
            )
    for offset in range(len(COLUMNS), len(COLUMNS) + len(extra_columns)):
        sheet.set_column(offset, offset, 12, formats["text"])
    sheet.freeze_panes(1, 1)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column.header, formats["required" if column.required else "header"])
    for offset, (_key, header) in enumerate(extra_columns, start=len(COLUMNS)):
        sheet.write_string(0, offset, header, formats["header"])
    for row_index, row in enumerate(rows, start=1):
        _write_row(sheet, row_index, row, extra_columns, formats)
    if guide_sheet is not None:
        _write_guide(guide_sheet, formats, org_choices)
    book.close()
    return buffer.getvalue()


def _write_lists(lists, org_choices: Sequence[str]) -> dict[str, str]:
    """The drop-down values on a hidden sheet (an inline list is limited to 255 characters)."""
    import xlsxwriter  # imported when used: importing it at start-up slows every process

    lists.hide()
    columns = {
        "gender": [words[0] for words in GENDER_WORDS.values()],
        "education": [words[0] for words in EDUCATION_WORDS.values()],
        "category": [words[0] for words in CATEGORY_WORDS.values()],
        "org": list(org_choices),
    }
    # Row by row: in constant-memory mode a row is final once the next one is begun.
    for row_index in range(max(len(values) for values in columns.values()) + 1):
        for index, (key, values) in enumerate(columns.items()):
            if row_index == 0:
                lists.write_string(0, index, COLUMN_BY_KEY[key].header)
            elif row_index <= len(values):
                lists.write_string(row_index, index, values[row_index - 1])
    refs = {}
    for index, (key, values) in enumerate(columns.items()):
        if values:
            letter = xlsxwriter.utility.xl_col_to_name(index)
            refs[key] = f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return refs


def _write_row(sheet, row_index: int, row: dict, extra_columns, formats: dict) -> None:
    for index, column in enumerate(COLUMNS):
        value = row.get(column.key)
        if value is None or value == "":
            continue
        if column.key in DATE_KEYS:
            sheet.write_datetime(row_index, index, datetime.datetime.combine(value, datetime.time()), formats["date"])
            continue
        if column.key in CHOICE_KEYS:
            value = _word(column.key, value)
        elif isinstance(value, Organisation):
            value = org_label(value)
        sheet.write_string(row_index, index, str(value), formats["text"])
    for offset, (key, _header) in enumerate(extra_columns, start=len(COLUMNS)):
        if (value := row.get(key)) not in (None, ""):
            sheet.write_string(row_index, offset, str(value), formats["text"])


def _guide_notes() -> list[str]:
    return [
        _("Enter one member per row on the sheet %(sheet)s, below its header. Keep the header as it is.")
        % {"sheet": ROSTER_SHEET},
        _("The example at the bottom of this sheet is only an example: the import reads the sheet %(sheet)s alone.")
        % {"sheet": ROSTER_SHEET},
        _(
            "Give an ID number or a staff or student number on every row: the next import finds the member by "
            "them and updates the record instead of adding the person twice."
        ),
        _("An empty cell in an optional column leaves what the roster already holds unchanged."),
        _("A member whose organisation differs from the one on record is transferred to the new one."),
        _("If any row has a problem, nothing is imported: the preview lists every problem by row."),
        _("New members with a staff or student number get an account; an officer issues a one-time password."),
    ]


def _column_help() -> dict[str, str]:
    def choose(words: dict) -> str:
        return _("Choose from the list: %(values)s.") % {"values": "、".join(w[0] for w in words.values())}

    return {
        "name": _("Full name."),
        "gender": choose(GENDER_WORDS),
        "ethnicity": _("For example 汉族; a new member with an empty cell is recorded as 汉族."),
        "birth_date": _("A date: 2020-07-01, 2020/7/1 and 2020年7月1日 all work."),
        "id_number": _(
            "18 characters; the check digit, and the birth date and gender it encodes, are checked. Keep the "
            "column formatted as text, or Excel drops the last digits."
        ),
        "education": choose(EDUCATION_WORDS),
        "category": choose(CATEGORY_WORDS),
        "number": _("工号 for faculty and staff, 学号 for students; it becomes the login name."),
        "admin_unit": _("The department, office or class the member belongs to."),
        "phone": _("A mobile number (11 digits) or a landline with its area code."),
        "joined_on": _("The date the member joined the Party."),
        "full_member_on": _("Empty for a probationary member."),
        "org": _(
            "The branch or Party group: choose from the list, or enter its code. Only organisations you "
            "manage are accepted."
        ),
    }


def _write_guide(sheet, formats: dict, org_choices: Sequence[str]) -> None:
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 80)
    sheet.write_string(0, 0, _("How to fill in the roster"), formats["header"])
    notes = _guide_notes()
    for offset, note in enumerate(notes, start=1):
        sheet.merge_range(offset, 0, offset, 2, note, formats["wrap"])
    start = len(notes) + 2
    for index, title in enumerate((_("Column"), _("Required"), _("What to enter"))):
        sheet.write_string(start, index, title, formats["header"])
    help_texts = _column_help()
    for offset, column in enumerate(COLUMNS, start=start + 1):
        sheet.write_string(offset, 0, column.header)
        sheet.write_string(offset, 1, _("yes") if column.required else "")
        sheet.write_string(offset, 2, help_texts[column.key], formats["wrap"])
    example_start = start + len(COLUMNS) + 2
    sheet.write_string(example_start, 0, _("Example row (not imported)"), formats["header"])
    for index, column in enumerate(COLUMNS):
        sheet.write_string(example_start + 1, index, column.header, formats["header"])
    example = dict(EXAMPLE_ROW, org=org_choices[0] if org_choices else "B01 哲学系教工党支部")
    _write_row(sheet, example_start + 2, example, (), formats)


def manageable_orgs(actor: User) -> list[Organisation]:
    """Branches and groups the actor may put members into."""
    orgs = Organisation.objects.active().filter(kind__in=MEMBER_ORG_KINDS).order_by("path")
    orgs = orgs.filter(scope_for(actor).org_filter(Perm.MANAGE_MEMBERS, prefix="path"))
    return list(orgs.only("code", "name", "path"))


def roster_template(*, actor: User) -> bytes:
    """The empty roster with instructions and an example; its organisation list is what `actor` manages."""
    return roster_workbook([], org_choices=[org_label(org) for org in manageable_orgs(actor)], guide=True)


def _export_path(actor: User, filters: MemberFilters) -> str:
    """The subtree an export covers, so that the audit trail shows it to that subtree's auditors."""
    if filters.org_id and (org := Organisation.objects.filter(pk=filters.org_id).only("path").first()):
        return org.path
    roots = scope_for(actor).paths(Perm.VIEW_MEMBERS)
    return roots[0] if len(roots) == 1 else ""


@dataclass(frozen=True)
class RosterExport:
    content: bytes
    count: int


def roster_export(*, actor: User, filters: MemberFilters | None = None) -> RosterExport:
    """The actor's filtered member list as .xlsx, ID and phone numbers masked; audited.

    The workbook is written before the transaction that records the export: no write lock is
    held while thousands of rows are read and written out."""
    if not scope_for(actor).has_anywhere(Perm.VIEW_MEMBERS):
        raise NotFound()
    filters = filters or MemberFilters()
    members = member_list(actor=actor, filters=filters)
    count = 0

    def rows():
        nonlocal count
        for member in members.iterator(chunk_size=2000):
            count += 1
            yield {
                **{key: getattr(member, key) for key in COLUMN_BY_KEY if key != "org"},
                "id_number": rules.mask_id_number(member.id_number),
                "phone": rules.mask_phone(member.phone),
                "org": member.org,
                "status": STATUS_WORDS[member.status],
            }

    content = roster_workbook(rows(), extra_columns=EXPORT_EXTRA_COLUMNS)
    with transaction.atomic(durable=True):
        audit.record(
            actor=actor,
            action="member.export",
            org_path=_export_path(actor, filters),
            changes={
                "filters": {
                    "q": filters.q,
                    "org": filters.org_id,
                    "category": filters.category,
                    "status": filters.status,
                    "sort": filters.sort,
                },
                "count": count,
            },
        )
    return RosterExport(content=content, count=count)
