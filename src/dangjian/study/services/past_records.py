"""Records of past meetings imported from Excel: the template, a preview that checks every row and
writes nothing, and the import, all or nothing.

A branch brings in the meetings it held before it used the platform (or recorded on paper). Each
row becomes a published activity marked as recorded afterwards, with the numbers expected (应到) and
present (实到) as counts and the content as its minutes. It has no attendance rows, so it credits
nobody study hours; compliance counts it as held (see `compliance.selectors.held_activities`).

The file is checked and read as the roster import reads its file (`members.importing.cells`).
"""

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import NotFound
from dangjian.core.files import ChildFailed, FileRefused, refusal_message
from dangjian.edge.xlsx import write_headers
from dangjian.members.audience import Audience
from dangjian.members.exporting import org_label
from dangjian.members.importing import ImportRejected, RowProblem, SheetPreview
from dangjian.members.importing.cells import (
    CellError,
    OrgIndex,
    blank,
    cell_date,
    cell_text,
    file_problem,
    header_key,
    read_sheet,
)
from dangjian.orgs.models import Organisation
from dangjian.study.models import Activity, ActivityStatus, Form
from dangjian.study.rules import past_records as rules
from dangjian.study.selectors.activities import orgs_run


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    required: bool = True


COLUMNS = [
    Column("org", "组织", 28),
    Column("form", "形式", 14),
    Column("theme", "主题", 30),
    Column("day", "日期", 12),
    Column("starts", "开始时间", 10),
    Column("ends", "结束时间", 10),
    Column("place", "地点", 18, required=False),
    Column("speaker", "主讲人", 12, required=False),
    Column("minutes", "会议内容/记录", 50),
    Column("expected", "应到人数", 10),
    Column("present", "实到人数", 10),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_LOOKUP = {header_key(column.header): column.key for column in COLUMNS} | {
    header_key("会议内容"): "minutes",
    header_key("会议记录"): "minutes",
    header_key("内容"): "minutes",
}
HEADER_SEARCH_ROWS = 10  # a title or notes may stand above the header row
SHEET = "会议记录"

# The words a sheet may use for each form; the first is the template's drop-down value.
FORM_WORDS: dict[str, tuple[str, ...]] = {
    Form.THEME_DAY: ("主题党日", "党日活动", "主题党日活动"),
    Form.LECTURE: ("党课",),
    Form.REPORT: ("专题报告会", "报告会"),
    Form.VISIT: ("参观考察",),
    Form.FILM: ("专题片", "收看专题片"),
    Form.GROUP_STUDY: ("集中学习",),
    Form.GENERAL_MEETING: ("支部党员大会", "党员大会"),
    Form.COMMITTEE_MEETING: ("支委会", "支部委员会会议", "支部委员会"),
    Form.GROUP_MEETING: ("党小组会",),
    Form.LIFE_MEETING: ("组织生活会",),
}
FORM_LOOKUP = {word: code for code, words in FORM_WORDS.items() for word in (code, *words)}
TIME_TEXT = re.compile(r"^(\d{1,2})\s*[:：点时]\s*(\d{1,2})?\s*分?(?:[:：](\d{1,2}))?$")
LIMITS = {
    "theme": rules.MAX_THEME_LENGTH,
    "place": rules.MAX_PLACE_LENGTH,
    "speaker": rules.MAX_SPEAKER_LENGTH,
}


# --- Results ------------------------------------------------------------------------------------


@dataclass
class PastRecord:
    """One row read and checked: what the import will store."""

    row: int
    org: Organisation
    form: str
    theme: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    speaker_name: str
    minutes: str
    expected: int
    present: int

    @property
    def org_label(self) -> str:
        return org_label(self.org)

    @property
    def form_label(self) -> str:
        return FORM_WORDS[self.form][0]


@dataclass
class RecordImportPreview(SheetPreview):
    """What importing a file of past meetings would bring in."""

    records: list[PastRecord] = field(default_factory=list)


@dataclass(frozen=True)
class RecordImportResult:
    filename: str
    created: int
    activity_ids: list[int]


# The file has problems, so nothing was imported: the roster import's refusal, with this preview.
RecordImportRejected = ImportRejected


# --- The template -------------------------------------------------------------------------------


def _check_may_import(actor: User) -> list[Organisation]:
    """The organisations the actor runs study for; 404 for one who runs it nowhere."""
    if not scope_for(actor).has_anywhere(Perm.MANAGE_STUDY):
        raise NotFound()
    return orgs_run(actor)


def past_record_template(*, actor: User) -> bytes:
    """An empty sheet of past meetings with drop-down lists of the actor's organisations and the forms."""
    import xlsxwriter  # imported when used: importing it at start-up slows every process

    orgs = _check_may_import(actor)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet(SHEET)
    lists = book.add_worksheet("选项")
    write_headers(book, sheet, [(column.header, column.width) for column in COLUMNS])
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    time = book.add_format({"num_format": "hh:mm"})
    formats = {"day": date, "starts": time, "ends": time, "expected": None, "present": None}
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width, formats.get(column.key, text))
    org_words = [org_label(org) for org in orgs]
    form_words = [words[0] for words in FORM_WORDS.values()]
    for row, word in enumerate(org_words):
        lists.write_string(row, 0, word)
    for row, word in enumerate(form_words):
        lists.write_string(row, 1, word)
    last = rules.MAX_IMPORT_ROWS
    if org_words:
        # A help, not a limit: an organisation's code alone is accepted too.
        source = f"='选项'!$A$1:$A${len(org_words)}"
        sheet.data_validation(1, 0, last, 0, {"validate": "list", "source": source, "error_type": "warning"})
    source = f"='选项'!$B$1:$B${len(form_words)}"
    sheet.data_validation(1, 1, last, 1, {"validate": "list", "source": source})
    for key in ("expected", "present"):
        index = list(COLUMN_BY_KEY).index(key)
        sheet.data_validation(1, index, last, index, {"validate": "integer", "criteria": ">=", "value": 0})
    lists.hide()
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


# --- Reading ------------------------------------------------------------------------------------


def cell_time(value: object) -> datetime.time:
    """A time of day from a cell: a time, a date-time, Excel's fraction of a day, or text such as 14:30."""
    if isinstance(value, datetime.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0)
    if isinstance(value, datetime.timedelta):  # python-calamine gives a duration for a time over a day
        value = value.total_seconds() / 86400
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        seconds = round(value * 86400)
        return datetime.time(seconds // 3600, seconds // 60 % 60)
    if isinstance(value, str) and (match := TIME_TEXT.match(value.strip())):
        hour, minute, second = (int(part or 0) for part in match.groups())
        if hour < 24 and minute < 60 and second < 60:
            return datetime.time(hour, minute, second)
    raise CellError(_("enter a time such as 14:30"))


def cell_count(value: object) -> int:
    """A number of people: a whole number, 0 or more."""
    if isinstance(value, bool):
        raise CellError(_("enter a whole number"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise CellError(_("enter a whole number"))
    return value


def _read(data: bytes, filename: str) -> tuple[RecordImportPreview, list[list] | None]:
    """Check the file itself and read its cells (in a child process, within limits). No database."""
    preview = RecordImportPreview(filename=filename)
    if problem := file_problem(data, filename):
        preview.problems.append(RowProblem(None, problem))
        return preview, None
    try:
        return preview, read_sheet(data)
    except FileRefused as refusal:
        preview.problems.append(RowProblem(None, refusal_message(refusal)))
    except (ChildFailed, ValueError, OSError):
        preview.problems.append(
            RowProblem(None, _("The workbook could not be read. Save it again as .xlsx and retry."))
        )
    return preview, None


def _find_header(cells: list[list]) -> int | None:
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        known = {HEADER_LOOKUP.get(header_key(cell)) for cell in row if isinstance(cell, str)}
        if len(known - {None}) >= 2:
            return index
    return None


def _read_header(header: list, problems: list[RowProblem]) -> dict[str, int]:
    """Column positions by key; problems for missing or repeated columns. Unknown columns are ignored."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = HEADER_LOOKUP.get(header_key(cell)) if isinstance(cell, str) else None
        if key is None:
            continue
        if key in positions:
            message = _("The column %(column)s appears twice.") % {"column": COLUMN_BY_KEY[key].header}
            problems.append(RowProblem(None, message))
        positions.setdefault(key, position)
    if missing := [column.header for column in COLUMNS if column.required and column.key not in positions]:
        message = _("The sheet lacks these columns: %(columns)s. Start from the template and keep its header row.")
        problems.append(RowProblem(None, message % {"columns": "、".join(missing)}))
    return positions


def _org_reader(orgs: OrgIndex, allowed: set[int]) -> Callable[[object], Organisation]:
    found_by_text: dict[str, Organisation | str] = {}

    def read(value: object) -> Organisation:
        text = cell_text(value, "org")
        if (found := found_by_text.get(text)) is None:
            try:
                org = orgs.find(text)
            except CellError as exc:
                found = str(exc)
            else:
                if org.pk in allowed:
                    found = org
                elif org.dissolved_on is not None:
                    found = _(
                        "%(org)s was dissolved on %(day)s; records are brought in only for organisations that exist"
                    ) % {
                        "org": org_label(org),
                        "day": org.dissolved_on.isoformat(),
                    }
                else:
                    found = _("you do not run study for %(org)s") % {"org": org_label(org)}
            found_by_text[text] = found
        if isinstance(found, str):
            raise CellError(found)
        return found

    return read


def _read_form(value: object) -> str:
    text = cell_text(value, "form")
    if (code := FORM_LOOKUP.get(text)) is None:
        words = "、".join(words[0] for words in FORM_WORDS.values())
        raise CellError(_("%(value)s is not one of %(values)s") % {"value": text, "values": words})
    return code


def _text_reader(key: str) -> Callable[[object], str]:
    def read(value: object) -> str:
        text = cell_text(value, key)
        if key in LIMITS and len(text) > LIMITS[key]:
            raise CellError(_("longer than %(limit)d characters") % {"limit": LIMITS[key]})
        return text

    return read


def _check(
    *, actor: User, preview: RecordImportPreview, cells: list[list] | None, now: datetime.datetime | None
) -> RecordImportPreview:
    """Check every row of the cells read; the records to store when there is no problem. No writes."""
    if cells is None:
        return preview
    problems = preview.problems
    header_index = _find_header(cells)
    if header_index is None:
        problems.append(RowProblem(None, _("The sheet has no header row. Start from the template.")))
        return preview
    positions = _read_header(cells[header_index], problems)
    if problems:
        return preview
    body = [
        (index + 1, row)  # Excel counts rows from 1
        for index, row in enumerate(cells[header_index + 1 :], start=header_index + 1)
        if not all(blank(cell) for cell in row)
    ]
    preview.rows = len(body)
    if not body:
        problems.append(RowProblem(None, _("The sheet has a header but no meetings below it.")))
        return preview
    if len(body) > rules.MAX_IMPORT_ROWS:
        message = _("The sheet has %(rows)d meetings; import at most %(limit)d at a time.")
        problems.append(RowProblem(None, message % {"rows": len(body), "limit": rules.MAX_IMPORT_ROWS}))
        return preview

    now = timezone.localtime(now or timezone.now())
    readers = {
        "org": _org_reader(OrgIndex.load(actor), {org.pk for org in orgs_run(actor)}),
        "form": _read_form,
        "day": cell_date,
        "starts": cell_time,
        "ends": cell_time,
        "expected": cell_count,
        "present": cell_count,
    }
    records: list[PastRecord] = []
    for row_no, raw in body:
        values: dict = {}
        messages: list[str] = []
        for key, position in positions.items():
            column = COLUMN_BY_KEY[key]
            value = raw[position] if position < len(raw) else ""
            if blank(value):
                if column.required:
                    messages.append(_("%(column)s is required") % {"column": column.header})
                continue
            try:
                values[key] = readers.get(key, _text_reader(key))(value)
            except CellError as exc:
                messages.append(f"{column.header}：{exc}")
        starts_at = ends_at = None
        if "day" in values:
            tz = timezone.get_current_timezone()
            if "starts" in values:
                starts_at = timezone.make_aware(datetime.datetime.combine(values["day"], values["starts"]), tz)
            if "ends" in values:
                ends_at = timezone.make_aware(datetime.datetime.combine(values["day"], values["ends"]), tz)
            messages.extend(
                rules.past_record_problems(
                    day=values["day"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    expected=values.get("expected"),
                    present=values.get("present"),
                    now=now,
                )
            )
        if messages:
            problems.extend(RowProblem(row_no, message) for message in messages)
            continue
        if starts_at is None or ends_at is None:  # not reached: the day and both times are required columns
            raise ValueError(f"row {row_no} was read without its day or times")
        records.append(
            PastRecord(
                row=row_no,
                org=values["org"],
                form=values["form"],
                theme=values["theme"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=values.get("place", ""),
                speaker_name=values.get("speaker", ""),
                minutes=values["minutes"],
                expected=values["expected"],
                present=values["present"],
            )
        )
    _check_repeats(records, problems)
    problems.sort(key=lambda problem: problem.row or 0)
    if not problems:
        preview.records = records
    return preview


REPEATED = gettext_lazy("the same meeting (organisation, form and start) is also on row %(row)d")
RECORDED = gettext_lazy("%(org)s already has this meeting on the platform (%(theme)s)")


def _check_repeats(records: list[PastRecord], problems: list[RowProblem]) -> None:
    """A meeting twice in the file, or already on the platform (a file imported twice), is a problem."""
    first: dict[tuple, int] = {}
    for record in records:
        key = (record.org.pk, record.form, record.starts_at)
        if (row := first.setdefault(key, record.row)) != record.row:
            problems.append(RowProblem(record.row, str(REPEATED) % {"row": row}))
    if not records:
        return
    existing = {
        (org_id, form, starts_at): theme
        for org_id, form, starts_at, theme in Activity.objects.filter(
            org_id__in={record.org.pk for record in records},
            starts_at__in={record.starts_at for record in records},
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .values_list("org_id", "form", "starts_at", "theme")
    }
    problems.extend(
        RowProblem(record.row, str(RECORDED) % {"org": record.org.name, "theme": theme})
        for record in records
        if (theme := existing.get((record.org.pk, record.form, record.starts_at))) is not None
    )


# --- Services -----------------------------------------------------------------------------------


def past_record_import_preview(
    *, actor: User, data: bytes, filename: str, now: datetime.datetime | None = None
) -> RecordImportPreview:
    """Check a file of past meetings completely and list what importing it would bring in; writes nothing."""
    _check_may_import(actor)
    preview, cells = _read(data, filename)
    return _check(actor=actor, preview=preview, cells=cells, now=now)


def past_record_import_apply(
    *, actor: User, data: bytes, filename: str, now: datetime.datetime | None = None
) -> RecordImportResult:
    """Check the file again and bring in every meeting in one transaction, audited; with any problem,
    bring in nothing. Raises `RecordImportRejected`, which carries the preview, when the file has problems."""
    _check_may_import(actor)
    read, cells = _read(data, filename)  # before the transaction: no write lock is held while the file is read
    with transaction.atomic(durable=True):
        # Checked inside the transaction, so nothing changes between the checks and the writes.
        preview = _check(actor=actor, preview=read, cells=cells, now=now)
        if not preview.ok:
            raise RecordImportRejected(preview)
        moment = now or timezone.now()
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    org=record.org,
                    form=record.form,
                    theme=record.theme,
                    audience=Audience.ALL,
                    starts_at=record.starts_at,
                    ends_at=record.ends_at,
                    place=record.place,
                    speaker_name=record.speaker_name,
                    # No attendance rows: the record credits nobody study hours.
                    credit_minutes=0,
                    credit_overridden=True,
                    status=ActivityStatus.PUBLISHED,
                    published_at=moment,
                    minutes=record.minutes,
                    recorded_afterwards=True,
                    expected_count=record.expected,
                    present_count=record.present,
                    recorded_by=actor,
                )
                for record in preview.records
            ]
        )
        for record, activity in zip(preview.records, activities, strict=True):
            audit.record(
                actor=actor,
                action="activity.import_record",
                obj=activity,
                org_path=record.org.path,
                changes={
                    "form": record.form,
                    "theme": record.theme,
                    "starts_at": record.starts_at,
                    "ends_at": record.ends_at,
                    "expected": record.expected,
                    "present": record.present,
                    "file": filename[:200],
                    "row": record.row,
                },
            )
    return RecordImportResult(
        filename=filename, created=len(activities), activity_ids=[activity.pk for activity in activities]
    )
