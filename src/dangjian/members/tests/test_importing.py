"""The roster import: every bad file is refused whole with a message per row; good files import once."""

import datetime
import io
import itertools
import zipfile

import pytest
import xlsxwriter
from django.contrib.auth.hashers import is_password_usable
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.core.models import AuditEvent
from dangjian.members import importing, services
from dangjian.members.exporting import COLUMNS, org_label
from dangjian.members.models import Member, Membership
from dangjian.members.tests.factories import make_id_number
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import OrganisationFactory

HEADERS = [column.header for column in COLUMNS]
_serials = itertools.count(1)


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared with their English msgids, whatever the catalogue says.
    with translation.override("en"):
        yield


def member_row(org=None, serial: int | None = None, **overrides) -> dict:
    """Valid data for one new member, as the services take it; unique per call."""
    n = next(_serials) if serial is None else serial
    gender = "male" if n % 2 else "female"
    birth = datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
    row = {
        "name": "测试" + "甲乙丙丁戊己庚辛"[n % 8] + "一二三四五六七八九"[n % 9],
        "gender": gender,
        "ethnicity": "汉族",
        "birth_date": birth,
        "id_number": make_id_number(birth, gender, n // 100, region=f"3201{n % 100:02d}"),
        "education": "master",
        "category": "faculty",
        "number": f"IMP{n:06d}",
        "admin_unit": "哲学系",
        "phone": f"139{n:08d}",
        "joined_on": birth.replace(year=birth.year + 25),
        "full_member_on": birth.replace(year=birth.year + 26),
        "org": org,
    }
    row.update(overrides)
    return row


def sheet(rows: list[dict]) -> bytes:
    return importing.roster_workbook(rows)


def raw_sheet(rows: list[list], header: list[str] | None = None, *, name: str = "Sheet1") -> bytes:
    """A workbook with exactly these cells, as someone's own Excel file might hold them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False})
    worksheet = book.add_worksheet(name)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, values in enumerate([HEADERS if header is None else header, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, datetime.date):
                worksheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_format)
            elif isinstance(value, int | float):
                worksheet.write_number(r, c, value)
            elif value is not None:
                worksheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (Member.objects.count(), Membership.objects.count(), User.objects.count(), AuditEvent.objects.count())


def assert_refused(actor, data: bytes, *expected: str, filename: str = "roster.xlsx") -> importing.ImportPreview:
    """The file is refused whole, with each expected text among its problems, and nothing changes."""
    before = counts()
    preview = importing.roster_import_preview(actor=actor, data=data, filename=filename)
    for text in expected:
        assert any(text in error for error in preview.errors), (text, preview.errors)
    with pytest.raises(importing.ImportRejected) as refused:
        importing.roster_import_apply(actor=actor, data=data, filename=filename)
    assert refused.value.preview.errors == preview.errors
    assert counts() == before
    return preview


# --- Good files ---------------------------------------------------------------------------------


def test_a_good_sheet_imports_members_memberships_accounts_and_audit(college):
    actor = college.user("committee")
    rows = [
        member_row(college.group, name="张三丰"),
        member_row(college.branch),
        member_row(college.group, number=None),
    ]
    members, memberships, users, events = counts()

    preview = importing.roster_import_preview(actor=actor, data=sheet(rows), filename="花名册.xlsx")
    assert preview.errors == []
    assert (preview.rows, preview.creates, preview.updates, preview.unchanged, preview.accounts) == (3, 3, 0, 0, 2)
    assert counts() == (members, memberships, users, events)  # the preview writes nothing

    result = importing.roster_import_apply(actor=actor, data=sheet(rows), filename="花名册.xlsx")

    assert (result.created, result.updated, result.unchanged, result.accounts_created) == (3, 0, 0, 2)
    # One event per member (naming the account made for them) and one for the import.
    assert counts() == (members + 3, memberships + 3, users + 2, events + 1 + 3)
    first = Member.objects.select_related("user").get(id_number=rows[0]["id_number"])
    assert (first.org, first.name_initials, first.phone) == (college.group, "zsf", rows[0]["phone"])
    assert first.memberships.get().since == timezone.localdate()
    assert first.user.username == rows[0]["number"]
    assert first.user.must_change_password
    assert not is_password_usable(first.user.password)
    assert Member.objects.get(id_number=rows[2]["id_number"]).user is None
    summary = AuditEvent.objects.get(pk=result.event_id)
    assert summary.action == "member.import"
    assert summary.org_path == college.branch.path  # both organisations lie under the branch
    assert (summary.changes["rows"], summary.changes["created"], summary.changes["filename"]) == (3, 3, "花名册.xlsx")
    created = AuditEvent.objects.filter(action="member.create", object_id=str(first.pk)).get()
    assert created.changes["id_number"].count("*") == 11
    assert created.changes["phone"] == "139****" + rows[0]["phone"][-4:]
    assert created.changes["account"] == rows[0]["number"]
    assert not AuditEvent.objects.filter(action="account.create", object_id=str(first.user.pk)).exists()
    without_account = Member.objects.get(id_number=rows[2]["id_number"])
    assert "account" not in AuditEvent.objects.get(action="member.create", object_id=str(without_account.pk)).changes
    # The ids the import took up front are not given again.
    later = services.member_create(actor=actor, **member_row(college.group))
    assert later.pk > max(first.pk, without_account.pk)
    assert later.user.pk > first.user.pk


def test_the_import_hashes_every_event_without_another_query(college, django_assert_num_queries):
    """Each event carries its content hash (core.auditchain), computed before the one bulk write."""
    from dangjian.core.auditchain.hashing import HASHED_FIELDS, event_hash

    actor = college.user("committee")
    rows = [member_row(college.group), member_row(college.branch), member_row(college.group, number=None)]
    data = sheet(rows)
    # As many as before events were hashed (PostgreSQL reads the id sequences and COPYs).
    with django_assert_num_queries(15 if connection.vendor == "sqlite" else 19):
        result = importing.roster_import_apply(actor=actor, data=data, filename="花名册.xlsx")
    events = AuditEvent.objects.filter(pk__lte=result.event_id, action__startswith="member.").order_by("-pk")[:4]
    assert len(events) == 4
    for event in events:
        assert event.content_hash == event_hash(**{name: getattr(event, name) for name in HASHED_FIELDS})


def test_the_import_writes_the_rows_the_services_write(college):
    """The bulk path and `member_create` store the same values, history, account and audit.

    One difference, on purpose: the import records the account it creates in the member's event
    (`"account": username`) instead of an `account.create` event of its own.
    """
    actor = college.user("committee")
    by_service = member_row(college.group, full_member_on=None, admin_unit="", education="")
    del by_service["ethnicity"]  # left empty: the model's default applies on both paths
    other_id = make_id_number(by_service["birth_date"], by_service["gender"], 499, region="110229")
    by_import = dict(by_service, id_number=other_id, number=by_service["number"] + "B", phone="13600000000")
    services.member_create(actor=actor, **by_service)
    importing.roster_import_apply(actor=actor, data=sheet([by_import]), filename="x.xlsx")

    identity = {"id", "member_id", "user_id", "id_number", "number", "phone", "username", "password", "account"}
    timing = {"created_at", "updated_at", "date_joined", "at"}

    def stored(number):
        member = Member.objects.select_related("user").get(number=number)
        rows = [member, member.memberships.get(), member.user]
        values = [
            {
                f.attname: getattr(row, f.attname)
                for f in row._meta.concrete_fields
                if f.attname not in identity | timing
            }
            for row in rows
        ]
        events = (
            AuditEvent.objects.for_objects("members.member", member.pk)
            | AuditEvent.objects.for_objects("accounts.user", member.user.pk)
        ).order_by("pk")
        audit_rows = [
            (e.action, e.object_type, e.object_repr, e.org_path, e.actor_id, e.actor_name)
            + (tuple(sorted((k, v) for k, v in e.changes.items() if k not in identity)),)
            for e in events
        ]
        return values, audit_rows, is_password_usable(member.user.password), member.ethnicity

    def folded(number):
        """The service's rows, with its `account.create` event left out: the import names the account in
        the `member.create` event instead (checked below)."""
        values, audit_rows, *rest = stored(number)
        assert [row[0] for row in audit_rows] == ["account.create", "member.create"]
        return values, audit_rows[1:], *rest

    assert folded(by_service["number"]) == stored(by_import["number"])
    imported = Member.objects.get(number=by_import["number"])
    created = AuditEvent.objects.for_objects("members.member", imported.pk).get()
    assert created.changes["account"] == imported.user.username == by_import["number"]
    assert stored(by_import["number"])[2:] == (False, "汉族")


def test_importing_the_same_sheet_again_changes_nothing(college):
    actor = college.user("committee")
    data = sheet([member_row(college.group) for _ in range(4)])
    importing.roster_import_apply(actor=actor, data=data, filename="a.xlsx")
    before = counts()

    preview = importing.roster_import_preview(actor=actor, data=data, filename="a.xlsx")
    result = importing.roster_import_apply(actor=actor, data=data, filename="a.xlsx")

    assert (preview.creates, preview.updates, preview.unchanged) == (0, 0, 4)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    members, memberships, users, events = before
    assert counts() == (members, memberships, users, events + 1)  # only the import itself is recorded


def test_a_changed_sheet_updates_and_transfers_instead_of_duplicating(college):
    actor = college.user("committee")
    rows = [member_row(college.group) for _ in range(3)]
    importing.roster_import_apply(actor=actor, data=sheet(rows), filename="a.xlsx")
    old_phone = rows[0]["phone"]
    rows[0]["phone"] = "13700000000"
    rows[1]["org"] = college.other_branch
    rows[2]["number"] = None  # an empty cell keeps what the roster holds
    rows[2]["admin_unit"] = "社会学系"
    before = counts()

    preview = importing.roster_import_preview(actor=actor, data=sheet(rows), filename="b.xlsx")
    assert (preview.creates, preview.updates, preview.transfers, preview.unchanged) == (0, 3, 1, 0)
    assert [(c.row, c.fields, c.is_transfer) for c in preview.changes] == [
        (2, ["手机号"], False),
        (3, [], True),
        (4, ["所在单位或班级"], False),
    ]
    assert preview.changes[1].from_org == org_label(college.group)
    result = importing.roster_import_apply(actor=actor, data=sheet(rows), filename="b.xlsx")

    assert (result.created, result.updated, result.transferred) == (0, 3, 1)
    members, memberships, users, events = before
    assert counts() == (members, memberships + 1, users, events + 2 + 1 + 1)
    first = Member.objects.get(id_number=rows[0]["id_number"])
    assert first.phone == "13700000000"
    update = AuditEvent.objects.get(action="member.update", object_id=str(first.pk))
    assert update.changes == {"phone": ["139****" + old_phone[-4:], "137****0000"]}
    moved = Member.objects.get(id_number=rows[1]["id_number"])
    assert moved.org == college.other_branch
    old, new = moved.memberships.order_by("pk")
    assert (old.org, old.until, new.org, new.until) == (college.group, timezone.localdate(), college.other_branch, None)
    transfer = AuditEvent.objects.get(action="member.transfer", object_id=str(moved.pk))
    assert transfer.changes["org"] == [college.group.pk, college.other_branch.pk]
    third = Member.objects.get(id_number=rows[2]["id_number"])
    assert third.admin_unit == "社会学系"
    assert third.number.startswith("IMP")


def test_a_member_found_by_number_gets_the_id_number_from_the_sheet(college):
    actor = college.user("branch")
    row = member_row(college.group, id_number=None)
    importing.roster_import_apply(actor=actor, data=sheet([row]), filename="a.xlsx")
    with_id = dict(row, id_number=make_id_number(row["birth_date"], row["gender"], 7, region="330106"))

    result = importing.roster_import_apply(actor=actor, data=sheet([with_id]), filename="b.xlsx")

    assert (result.created, result.updated) == (0, 1)
    assert Member.objects.get(number=row["number"]).id_number == with_id["id_number"]


def test_cells_as_people_type_them(college):
    """Text dates in three forms, numbers for phone and staff number, choice words, org by code."""
    actor = college.user("committee")
    birth = datetime.date(1988, 3, 9)
    id_number = make_id_number(birth, "female", 3, region="440103")
    row = ["李四", "女性", "", "1988/3/9", id_number, "硕士", "教工", 20110042.0, "", 13912345678.0]
    row += ["2010年7月1日", 20110701, college.group.code]
    result = importing.roster_import_apply(actor=actor, data=raw_sheet([row]), filename="own.xlsx")

    assert result.created == 1
    member = Member.objects.get(id_number=id_number)
    assert (member.gender, member.education, member.category) == ("female", "master", "faculty")
    assert (member.number, member.phone, member.ethnicity) == ("20110042", "13912345678", "汉族")
    assert (member.joined_on, member.full_member_on) == (datetime.date(2010, 7, 1), datetime.date(2011, 7, 1))


def test_the_template_lists_only_what_the_actor_manages_and_its_example_imports(college):
    from python_calamine import CalamineWorkbook

    actor = college.user("branch")
    book = CalamineWorkbook.from_filelike(io.BytesIO(importing.roster_template(actor=actor)))
    assert book.sheet_names == ["党员名册", "填写说明", "选项"]
    assert book.get_sheet_by_name("党员名册").to_python() == [HEADERS]
    org_list = [row[3] for row in book.get_sheet_by_name("选项").to_python()[1:] if row[3]]
    assert org_list == [org_label(college.branch), org_label(college.group)]
    guide = book.get_sheet_by_name("填写说明").to_python()
    example_header = next(i for i, row in enumerate(guide) if row[: len(HEADERS)] == HEADERS)
    example = guide[example_header + 1][: len(HEADERS)]
    assert example[HEADERS.index("所在党组织")] == org_label(college.branch)

    # The example, copied onto the roster sheet, is a valid row.
    preview = importing.roster_import_preview(actor=actor, data=raw_sheet([example]), filename="t.xlsx")
    assert preview.errors == []
    assert preview.creates == 1


def test_headers_may_be_reordered_marked_and_extra_columns_are_ignored(college):
    actor = college.user("committee")
    row = member_row(college.group)
    order = ["所在党组织", "姓名*", "备注", "性别", "出生日期", "身份证号码", "人员类别", "入党时间"]
    keys = ["org", "name", None, "gender", "birth_date", "id_number", "category", "joined_on"]
    words = {"male": "男", "female": "女", "faculty": "教职工"}
    values = [
        college.group.code if key == "org" else "备注" if key is None else words.get(row[key], row[key]) for key in keys
    ]
    result = importing.roster_import_apply(actor=actor, data=raw_sheet([values], order), filename="x.xlsx")
    assert result.created == 1
    assert Member.objects.get(id_number=row["id_number"]).number is None


def test_a_title_above_the_header_is_skipped_and_rows_keep_excel_numbers(college):
    good = sheet([member_row(college.group), member_row(college.group, phone="110")])
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_filelike(io.BytesIO(good)).get_sheet_by_index(0).to_python()
    titled = raw_sheet([[], *cells], ["哲学系党员花名册"])  # a title, an empty row, then the roster
    preview = assert_refused(college.user("committee"), titled, "Row 5: the phone number is not a valid")
    assert [problem.row for problem in preview.problems] == [5]


# --- Bad files: each refused whole, with its message, changing nothing -------------------------


def test_a_file_over_the_size_limit_is_refused(college):
    data = sheet([member_row(college.group) for _ in range(20)])
    with override_settings(DANGJIAN_IMPORT_MAX_BYTES=len(data) - 1):
        assert_refused(college.user("committee"), data, "larger than")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        ("姓名,性别\n张三,男\n".encode(), "roster.csv", "is not an Excel workbook (.xlsx)"),
        (b"just some notes", "notes.xlsx", "notes.xlsx is not an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", "old Excel (.xls)"),
        (b"", "empty.xlsx", "The file is empty"),
        (b"PK\x03\x04broken zip", "broken.xlsx", "is not an Excel workbook"),
    ],
    ids=["csv", "text-renamed-xlsx", "xls", "zero-bytes", "broken-zip"],
)
def test_files_that_are_not_xlsx_are_refused(college, data, filename, expected):
    assert_refused(college.user("committee"), data, expected, filename=filename)


def test_another_office_file_renamed_xlsx_is_refused(college):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert_refused(college.user("committee"), buffer.getvalue(), "is not an Excel workbook")


def test_a_corrupt_workbook_is_refused(college):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")
    assert_refused(college.user("committee"), buffer.getvalue(), "could not be read")


def test_an_empty_sheet_is_refused(college):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("党员名册")
    book.close()
    assert_refused(college.user("committee"), buffer.getvalue(), "The sheet is empty")


def test_a_header_without_members_is_refused(college):
    assert_refused(college.user("committee"), sheet([]), "no members below it")


def test_missing_columns_are_named(college):
    header = ["姓名", "性别", "民族", "身份证号", "人员类别"]
    preview = assert_refused(college.user("committee"), raw_sheet([["张三"]], header), "出生日期、入党日期、所在党组织")
    assert preview.unreadable


def test_a_sheet_without_any_identifier_column_is_refused(college):
    header = ["姓名", "性别", "出生日期", "人员类别", "入党日期", "所在党组织"]
    assert_refused(college.user("committee"), raw_sheet([], header), "needs a 身份证号 or a 工号/学号 column")


def test_rows_repeating_an_id_or_a_number_are_refused(college):
    first = member_row(college.group)
    same_id = member_row(college.group, id_number=first["id_number"])
    same_number = member_row(college.group, number=first["number"])
    assert_refused(
        college.user("committee"),
        sheet([first, member_row(college.group), same_id, same_number]),
        f"Row 4: the 身份证号 {first['id_number']} is also on row 2",
        f"Row 5: the 工号/学号 {first['number']} is also on row 2",
    )


def test_an_unknown_organisation_is_refused(college):
    assert_refused(
        college.user("committee"),
        sheet([member_row(college.group), member_row("Z99 不存在的支部")]),
        "Row 3: 所在党组织：there is no organisation Z99 不存在的支部",
    )


def test_an_organisation_outside_the_actors_scope_is_refused(college):
    preview = assert_refused(
        college.user("branch"),
        sheet([member_row(college.group), member_row(college.other_branch)]),
        f"Row 3: 所在党组织：you may not manage the members of {org_label(college.other_branch)}",
    )
    assert len(preview.problems) == 1


def test_members_belong_to_a_branch_or_a_group_not_a_committee(college):
    assert_refused(
        college.user("committee"), sheet([member_row(college.committee)]), "is not a branch or a Party group"
    )


def test_a_dissolved_organisation_is_refused(college):
    old = OrganisationFactory(parent=college.committee, name="已撤销支部", code="B99")
    Organisation.objects.filter(pk=old.pk).update(dissolved_on=datetime.date(2020, 1, 1))
    assert_refused(college.user("committee"), sheet([member_row(old)]), "has been dissolved")


def test_a_wrong_check_digit_is_refused_with_the_row_as_excel_numbers_it(college):
    good = member_row(college.group)
    bad = member_row(college.group)
    bad["id_number"] = bad["id_number"][:17] + ("0" if bad["id_number"][17] != "0" else "1")
    assert_refused(
        college.user("committee"),
        sheet([good, member_row(college.group), bad]),
        "Row 4: the ID number's check digit is wrong",
    )


def test_an_id_number_that_disagrees_with_the_birth_date_is_refused(college):
    row = member_row(college.group)
    row["birth_date"] += datetime.timedelta(days=1)
    assert_refused(college.user("committee"), sheet([row]), "Row 2: the ID number gives the birth date")


def test_an_id_number_typed_as_a_number_is_refused(college):
    row = ["张三", "男", "", "1990-01-01", 110105199001010018.0, "", "教职工", "T1", "", "", "2012-06-01"]
    row += ["", college.group.code]
    assert_refused(college.user("committee"), raw_sheet([row]), "Row 2: 身份证号：the ID number was stored as a number")


def test_unreadable_cells_are_named_by_column_once(college):
    row = ["张三", "未知", "", "1990-13-01", "", "", "教职工", "T9", "", "", "昨天", "", college.group.code]
    preview = assert_refused(college.user("committee"), raw_sheet([row]))
    assert preview.errors == [
        "Row 2: 性别：未知 is not one of 男、女",
        "Row 2: 出生日期：1990-13-01 is not a real date",
        "Row 2: 入党日期：enter a date such as 2020-07-01",
    ]


def test_a_row_without_id_or_number_is_refused(college):
    assert_refused(
        college.user("committee"),
        sheet([member_row(college.group, id_number=None, number=None)]),
        "Row 2: enter the 身份证号 or the 工号/学号",
    )


def test_an_id_of_one_member_with_the_number_of_another_is_refused(college):
    row = member_row(college.group, id_number=college.member.id_number, number=college.secretary.number)
    assert_refused(
        college.user("committee"), sheet([row]), "the 身份证号 is 张三's on the roster but the 工号/学号 is 李书记's"
    )


def test_a_member_of_an_organisation_the_actor_does_not_manage_is_refused(college):
    other = college.other_member
    row = member_row(college.branch, id_number=other.id_number, number=other.number, name=other.name)
    row.update(gender=other.gender, birth_date=other.birth_date)
    preview = assert_refused(
        college.user("branch"), sheet([row]), "Row 2: this row matches a person whom you may not manage"
    )
    assert not any(other.name in error for error in preview.errors)  # never named: numbers are sequential


def test_an_id_and_a_number_of_two_people_name_neither_when_one_is_not_the_actors(college):
    row = member_row(college.branch, id_number=college.member.id_number, number=college.other_member.number)
    preview = assert_refused(
        college.user("branch"), sheet([row]), "Row 2: this row matches a person whom you may not manage"
    )
    assert not any(name in error for error in preview.errors for name in ("张三", "赵学生"))


def test_a_member_transferred_out_is_only_taken_back_in(college):
    """A row always names an organisation, so a row for someone who left takes them back in: their last branch's
    officers may do that, nobody else sees whom the row matches."""
    member = college.member
    services.member_transfer(actor=system_actor(), member=member, to_org=None, on=timezone.localdate())
    back = member_row(college.group, id_number=member.id_number, number=member.number, name=member.name)
    back.update({key: getattr(member, key) for key in ("gender", "birth_date", "joined_on", "full_member_on", "phone")})
    result = importing.roster_import_apply(actor=college.user("branch"), data=sheet([back]), filename="r.xlsx")
    assert result.transferred == 1
    member.refresh_from_db()
    assert member.org == college.group
    assert_refused(college.user("other_branch"), sheet([back]), "this row matches a person whom you may not manage")


def test_two_rows_for_the_same_member_are_refused(college):
    member = college.member
    by_id = member_row(college.group, id_number=member.id_number, number=None, name=member.name)
    by_number = member_row(college.group, id_number=None, number=member.number, name=member.name)
    for row in (by_id, by_number):
        row.update(gender=member.gender, birth_date=member.birth_date)
    assert_refused(college.user("committee"), sheet([by_id, by_number]), "Row 3: this row and row 2 are both 张三")


# --- Properties ---------------------------------------------------------------------------------

ORG_KEYS = ("group", "branch", "other_branch")
CORRUPTIONS = {
    "check digit": lambda row, other: {
        "id_number": row["id_number"][:17] + ("X" if row["id_number"][17] != "X" else "0")
    },
    "birth date": lambda row, other: {"birth_date": row["birth_date"] - datetime.timedelta(days=40)},
    "gender": lambda row, other: {"gender": "female" if row["gender"] == "male" else "male"},
    "organisation": lambda row, other: {"org": "NOPE 没有这个支部"},
    "name": lambda row, other: {"name": ""},
    "phone": lambda row, other: {"phone": "12345"},
    "too young": lambda row, other: {"joined_on": row["birth_date"].replace(year=row["birth_date"].year + 10)},
    "full before joining": lambda row, other: {"full_member_on": row["joined_on"] - datetime.timedelta(days=1)},
    "repeated number": lambda row, other: {"number": other["number"]},
    "category": lambda row, other: {"category": ""},
}
property_settings = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
row_specs = st.lists(st.sampled_from(ORG_KEYS), min_size=1, max_size=6)


@property_settings
@given(orgs=row_specs, data=st.data())
def test_generated_valid_rows_always_import(college, orgs, data):
    rows = [member_row(getattr(college, key)) for key in orgs]
    for row in rows:
        if data.draw(st.booleans(), label="probationary"):
            row["full_member_on"] = None
        if data.draw(st.booleans(), label="no number"):
            row["number"] = None
    result = importing.roster_import_apply(actor=college.user("committee"), data=sheet(rows), filename="p.xlsx")
    assert result.created == len(rows)


@property_settings
@given(orgs=row_specs.filter(lambda keys: len(keys) >= 2), data=st.data())
def test_one_bad_cell_refuses_the_whole_file_and_names_its_row(college, orgs, data):
    rows = [member_row(getattr(college, key)) for key in orgs]
    bad = data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="bad row index")
    kind = data.draw(st.sampled_from(sorted(CORRUPTIONS)), label="corruption")
    rows[bad] = rows[bad] | CORRUPTIONS[kind](rows[bad], rows[0])
    preview = assert_refused(college.user("committee"), sheet(rows))
    assert preview.problems
    assert {problem.row for problem in preview.problems} == {bad + 2}, (kind, preview.errors)
