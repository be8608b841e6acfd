"""Records of past meetings imported from Excel: the preview's per-row checks, all or nothing, scope, the API."""

import datetime
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.errors import DomainError, NotFound
from dangjian.core.models import AuditEvent
from dangjian.core.tests.apiclient import api_as
from dangjian.members.importing.cells import read_sheet
from dangjian.orgs.models import Organisation
from dangjian.study.models import Activity, ActivityStatus
from dangjian.study.rules import past_records as rules
from dangjian.study.services import activities as activity_services
from dangjian.study.services import past_records as services

HEADER = [
    "组织",
    "形式",
    "主题",
    "日期",
    "开始时间",
    "结束时间",
    "地点",
    "主讲人",
    "会议内容/记录",
    "应到人数",
    "实到人数",
]


def workbook(rows: list[list], header: list[str] = HEADER) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for col, title in enumerate(header):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                date_format = book.add_format({"num_format": "yyyy-mm-dd"})
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_format)
            elif isinstance(value, datetime.time):
                sheet.write_datetime(r, c, value, book.add_format({"num_format": "hh:mm"}))
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def row(org="B01", form="支部党员大会", day=None, start="14:30", end="16:00", content="传达学习会议精神。", **kw):
    values = {
        "org": org,
        "form": form,
        "theme": kw.get("theme", "学习党章"),
        "day": day or ago(400),
        "start": start,
        "end": end,
        "place": kw.get("place", "人文楼101"),
        "speaker": kw.get("speaker", "李书记"),
        "content": content,
        "expected": kw.get("expected", 12),
        "present": kw.get("present", 10),
    }
    return list(values.values())


def preview(actor, rows, **kw):
    return services.past_record_import_preview(actor=actor, data=workbook(rows, **kw), filename="记录.xlsx")


# --- Rules ------------------------------------------------------------------------------------------


def test_rules_at_their_boundaries():
    now = timezone.make_aware(datetime.datetime.combine(datetime.date(2026, 5, 1), datetime.time(12)))
    today = now.date()

    def problems(day=today, start=(9, 0), end=(10, 0), expected=5, present=5):
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(*start)))
        ends = timezone.make_aware(datetime.datetime.combine(day, datetime.time(*end)))
        return rules.past_record_problems(
            day=day, starts_at=starts, ends_at=ends, expected=expected, present=present, now=now
        )

    assert problems() == []
    assert problems(end=(12, 0)) == []  # ended just now
    assert problems(end=(12, 1)) == [str(rules.NOT_ENDED)]
    assert problems(day=today + datetime.timedelta(days=1)) == [str(rules.FUTURE_DATE)]
    assert problems(end=(9, 0)) == [str(rules.END_BEFORE_START)]
    assert problems(expected=0, present=0) == [str(rules.NO_ONE_EXPECTED)]
    assert problems(expected=5, present=6) == [str(rules.MORE_PRESENT_THAN_EXPECTED) % {"present": 6, "expected": 5}]


def test_cells_read_as_times_and_counts():
    assert services.cell_time("14:30") == datetime.time(14, 30)
    assert services.cell_time("9：05") == datetime.time(9, 5)
    assert services.cell_time(0.5) == datetime.time(12, 0)
    assert services.cell_time(datetime.time(8, 15)) == datetime.time(8, 15)
    for bad in ("25:00", "下午", 1.5):
        with pytest.raises(services.CellError):
            services.cell_time(bad)
    assert services.cell_count(12.0) == 12
    assert services.cell_count("7") == 7
    for bad in (-1, 2.5, "十", True):
        with pytest.raises(services.CellError):
            services.cell_count(bad)


# --- Preview ----------------------------------------------------------------------------------------


def test_a_clean_file_previews_every_meeting_and_writes_nothing(college):
    before = Activity.objects.count()
    times_as_cells = row(form="党小组会", org="G01 第一党小组", day=ago(300), start=datetime.time(14, 30))
    times_as_cells[5] = datetime.time(15, 30)
    result = preview(college.user("branch"), [row(), times_as_cells])
    assert result.ok, result.errors
    assert [(r.org, r.form) for r in result.records] == [
        (college.branch, "general_meeting"),
        (college.group, "group_meeting"),
    ]
    assert result.records[0].starts_at == timezone.make_aware(
        datetime.datetime.combine(ago(400), datetime.time(14, 30))
    )
    assert timezone.localtime(result.records[1].ends_at).time() == datetime.time(15, 30)
    assert Activity.objects.count() == before


def test_the_preview_says_what_is_wrong_with_each_row(college):
    rows = [
        row(),  # row 2: fine
        row(org="不存在的支部"),  # row 3
        row(org="B02"),  # row 4: another branch the secretary does not run
        row(form="座谈会"),  # row 5
        row(day=ago(-3)),  # row 6: in the future
        row(start="16:00", end="15:00"),  # row 7
        row(content=""),  # row 8
        row(expected=10, present=11),  # row 9
        row(start="下午"),  # row 10
    ]
    result = preview(college.user("branch"), rows)
    assert not result.ok
    assert result.records == []
    by_row: dict[int, list[str]] = {}
    for problem in result.problems:
        by_row.setdefault(problem.row, []).append(problem.message)
    assert 2 not in by_row
    assert "不存在的支部" in by_row[3][0]
    assert "本科生第一党支部" in by_row[4][0]
    assert "座谈会" in by_row[5][0]
    assert by_row[6] == [str(rules.FUTURE_DATE)]
    assert by_row[7] == [str(rules.END_BEFORE_START)]
    assert len(by_row[8]) == 1
    assert "会议内容/记录" in by_row[8][0]
    assert by_row[9] == [str(rules.MORE_PRESENT_THAN_EXPECTED) % {"present": 11, "expected": 10}]
    assert by_row[10][0].startswith("开始时间")
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]


def test_a_meeting_twice_in_the_file_or_already_recorded_is_refused(college):
    actor = college.user("branch")
    services.past_record_import_apply(actor=actor, data=workbook([row()]), filename="a.xlsx")
    result = preview(actor, [row(day=ago(100)), row(day=ago(100), theme="另一个主题"), row()])
    assert [p.row for p in result.problems] == [3, 4]


def test_the_file_itself_is_checked_first(college):
    actor = college.user("branch")
    not_xlsx = services.past_record_import_preview(actor=actor, data=b"hello", filename="a.txt")
    assert not_xlsx.unreadable
    no_columns = preview(actor, [["x", "y"]], header=["组织", "主题"])
    assert no_columns.unreadable
    assert "形式" in no_columns.errors[0]
    empty = preview(actor, [])
    assert empty.unreadable


def test_the_row_count_is_bounded(college, monkeypatch):
    monkeypatch.setattr(rules, "MAX_IMPORT_ROWS", 2)
    result = preview(college.user("branch"), [row(day=ago(n + 10)) for n in range(3)])
    assert result.unreadable
    assert "3" in result.errors[0]


def test_the_template_reads_back_as_an_empty_sheet_with_every_column(college):
    content = services.past_record_template(actor=college.user("branch"))
    cells = read_sheet(content)
    assert [cell for cell in cells[0] if cell] == HEADER
    result = services.past_record_import_preview(actor=college.user("branch"), data=content, filename="模板.xlsx")
    assert result.errors == [str(_("The sheet has a header but no meetings below it."))]


def test_only_those_who_run_study_may_import(college):
    with pytest.raises(NotFound):
        preview(college.user("member"), [row()])
    with pytest.raises(NotFound):
        services.past_record_template(actor=college.user("auditor"))


# --- Apply ------------------------------------------------------------------------------------------


def test_import_records_published_meetings_recorded_afterwards_and_audits_them(college):
    actor = college.user("branch")
    result = services.past_record_import_apply(
        actor=actor, data=workbook([row(), row(form="党课", day=ago(200))]), filename="记录.xlsx"
    )
    assert result.created == 2
    meeting = Activity.objects.get(pk=result.activity_ids[0])
    assert meeting.status == ActivityStatus.PUBLISHED
    assert meeting.recorded_afterwards
    assert (meeting.expected_count, meeting.present_count) == (12, 10)
    assert meeting.minutes == "传达学习会议精神。"
    assert meeting.recorded_by == actor
    assert meeting.credit_minutes == 0
    assert not meeting.attendances.exists()
    events = AuditEvent.objects.filter(action="activity.import_record")
    assert {e.object_id for e in events} == {str(pk) for pk in result.activity_ids}
    assert {e.org_path for e in events} == {college.branch.path}


def test_one_bad_row_imports_nothing(college):
    before = (Activity.objects.count(), AuditEvent.objects.count())
    with pytest.raises(services.RecordImportRejected) as caught:
        services.past_record_import_apply(
            actor=college.user("branch"), data=workbook([row(), row(day=ago(10), present=99)]), filename="a.xlsx"
        )
    assert [p.row for p in caught.value.preview.problems] == [3]
    assert (Activity.objects.count(), AuditEvent.objects.count()) == before


def test_a_recorded_meeting_takes_no_attendance_marks(college):
    result = services.past_record_import_apply(actor=college.user("branch"), data=workbook([row()]), filename="a.xlsx")
    meeting = Activity.objects.get(pk=result.activity_ids[0])
    with pytest.raises(DomainError):
        activity_services.attendance_mark(
            actor=college.user("branch"), activity=meeting, member=college.member, status="present", reason="补录"
        )
    with pytest.raises(DomainError):
        activity_services.activity_close(actor=college.user("branch"), activity=meeting)


def test_the_activity_list_counts_a_recorded_meeting_from_its_record(college):
    from dangjian.study.selectors.activities import ActivityFilters, activity_list

    actor = college.user("branch")
    result = services.past_record_import_apply(actor=actor, data=workbook([row()]), filename="a.xlsx")
    listed = activity_list(actor=actor, filters=ActivityFilters(when="past")).get(pk=result.activity_ids[0])
    assert (listed.n_expected, listed.n_attended) == (12, 10)


def test_editing_a_recorded_meeting_keeps_it_past_and_without_credit(college):
    actor = college.user("branch")
    result = services.past_record_import_apply(actor=actor, data=workbook([row()]), filename="a.xlsx")
    meeting = Activity.objects.get(pk=result.activity_ids[0])
    activity_services.activity_update(actor=actor, activity=meeting, credit_derived=True, theme="学习新党章")
    meeting.refresh_from_db()
    assert (meeting.theme, meeting.credit_minutes) == ("学习新党章", 0)
    later = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        activity_services.activity_update(
            actor=actor, activity=meeting, starts_at=later, ends_at=later + datetime.timedelta(hours=1)
        )


# --- Pages ------------------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_check_and_import_through_the_pages(college):
    client = _client(college.user("branch"))
    template = client.get(reverse("study:record-import-template"))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("记录.xlsx", workbook([row()]))
    response = client.post(reverse("study:record-import"), {"file": upload})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    assert "学习党章" in page.content.decode()
    assert not Activity.objects.filter(recorded_afterwards=True).exists()
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    done = client.post(reverse("study:record-import-confirm", args=[token]))
    assert done.status_code == 302
    meeting = Activity.objects.get(recorded_afterwards=True)
    detail = client.get(reverse("study:activity-detail", args=[meeting.pk])).content.decode()
    assert 'id="recorded-afterwards"' in detail
    assert college.user("branch").display_name in detail
    # Another account cannot look at or confirm this upload.
    assert _client(college.user("committee")).get(preview_url).status_code == 404


def test_the_upload_page_refuses_a_file_that_is_not_a_workbook(college):
    client = _client(college.user("branch"))
    response = client.post(reverse("study:record-import"), {"file": SimpleUploadedFile("a.txt", b"hello")})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


# --- API --------------------------------------------------------------------------------------------


def test_api_preview_and_import(college):
    client = api_as(college.user("branch"))
    data = workbook([row(), row(day=ago(30), present=20)])
    checked = client.post_form("/study/activities/past-records/preview", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert checked.status_code == 200
    body = checked.json()
    assert body["ok"] is False
    assert [p["row"] for p in body["problems"]] == [3]
    refused = client.post_form("/study/activities/past-records", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert refused.status_code == 400
    assert refused.json()["errors"]["file"]
    assert not Activity.objects.filter(recorded_afterwards=True).exists()
    good = SimpleUploadedFile("a.xlsx", workbook([row()]))
    created = client.post_form("/study/activities/past-records", {"file": good})
    assert created.status_code == 201
    activity_id = created.json()["activity_ids"][0]
    shown = client.get(f"/study/activities/{activity_id}").json()["activity"]
    assert (shown["recorded_afterwards"], shown["expected_count"], shown["present_count"]) == (True, 12, 10)


@pytest.mark.parametrize(("role", "status"), [("branch", 400), ("member", 403), ("auditor", 403), ("anonymous", 401)])
def test_api_answers_a_bad_file_with_json_4xx(college, role, status):
    user = None if role == "anonymous" else college.user(role)
    client = api_as(user)
    for path in ("/study/activities/past-records/preview", "/study/activities/past-records"):
        response = client.post_form(path, {"file": SimpleUploadedFile("a.txt", b"hello")})
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/json")
        if status == 400:
            assert response.json()["errors"]["file"]


def test_a_dissolved_branch_is_named_as_dissolved_not_as_out_of_reach(college):
    Organisation.objects.filter(pk=college.branch.pk).update(dissolved_on=ago(30))
    result = preview(college.user("committee"), [row()])
    assert not result.ok
    (problem,) = result.problems
    assert "撤销" in problem.message
    assert ago(30).isoformat() in problem.message
