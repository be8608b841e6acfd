"""Importing the roster from Excel: a preview that checks every row and writes nothing, then the import.

The sheet format (columns, words in the drop-down lists, the template) lives in `exporting`.

`roster_import_apply` checks the file again, then writes everything in one transaction. It is
built for files of tens of thousands of rows: lookups are batched, and rows are inserted with
multi-row INSERT statements from plain values rather than through model instances. It writes
exactly the rows that `members.services` would write member by member — the same cleaning and
checks (`clean_member_data`, `rules.member_problems`), Membership rows, accounts and audit events
— and the tests hold it to that.
"""

import datetime
import functools
import io
import itertools
import re
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError
from dangjian.core.models import AuditEvent
from dangjian.members import rules
from dangjian.members.exporting import (
    CHOICE_KEYS,
    CHOICE_WORDS,
    COLUMN_BY_KEY,
    COLUMNS,
    DATE_KEYS,
    MEMBER_ORG_KINDS,
    ROSTER_SHEET,
    org_label,
    roster_template,
    roster_workbook,
)
from dangjian.members.models import Category, Education, Gender, Member, Membership
from dangjian.members.services import MEMBER_FIELDS, _audit_changes, _audit_values, clean_member_data
from dangjian.orgs.models import Organisation

__all__ = [
    "ImportPreview",
    "ImportRejected",
    "ImportResult",
    "PlannedChange",
    "RowProblem",
    "file_problem",
    "size_problem",
    "size_text",
    "roster_import_apply",
    "roster_import_preview",
    "roster_template",
    "roster_workbook",
]

# A row is matched to the roster by one of these, so each row needs at least one.
IDENTIFIERS = ("id_number", "number")
TEXT_KEYS = ("name", "ethnicity", "id_number", "number", "admin_unit", "phone")
CHOICE_ENUMS = {"gender": Gender, "category": Category, "education": Education}
# Model limits, checked here so that a long cell is a row problem and not a database error.
MAX_LENGTHS = {key: Member._meta.get_field(key).max_length for key in TEXT_KEYS}
# An upload limit means little if the zip inside may expand without bound.
MAX_UNPACKED_FACTOR = 25
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A sheet may have a title or notes above its header row ("哲学系党员花名册").
HEADER_SEARCH_ROWS = 10
MEMBER_COLUMNS = ("id", "org_id", "name_initials", *MEMBER_FIELDS)


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # as Excel numbers it; None for a problem with the file as a whole
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class PlannedChange:
    """A member already on the roster whom the import will change, for the preview page."""

    row: int
    name: str
    fields: list[str]  # headers of the columns whose value changes
    from_org: str = ""
    to_org: str = ""  # set when the member moves to another organisation

    @property
    def is_transfer(self) -> bool:
        return bool(self.to_org)


@dataclass
class ImportPreview:
    """What importing a file would do. With any problem, importing it does nothing at all."""

    filename: str
    rows: int = 0  # data rows read (blank rows are skipped)
    problems: list[RowProblem] = field(default_factory=list)
    creates: int = 0
    updates: int = 0  # members on the roster with any change, transfers included
    unchanged: int = 0
    transfers: int = 0  # the part of `updates` that moves to another organisation
    accounts: int = 0  # new accounts, for new members with a staff or student number
    changes: list[PlannedChange] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unreadable(self) -> bool:
        """The file could not be read as a roster at all, so no row was checked."""
        return any(problem.row is None for problem in self.problems)


@dataclass(frozen=True)
class ImportResult:
    filename: str
    created: int
    updated: int  # transfers included
    unchanged: int
    transferred: int
    accounts_created: int  # without a usable password: an officer issues a one-time password
    event_id: int  # the `member.import` audit event


class ImportRejected(DomainError):
    """The file has problems, so nothing was imported; `preview` lists them."""

    def __init__(self, preview: ImportPreview):
        self.preview = preview
        super().__init__(
            _("The file has %(count)d problem(s); nothing was imported.") % {"count": len(preview.problems)},
            errors={"file": preview.errors},
        )


# --- Reading cells ------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def size_problem(size: int) -> str | None:
    """What is wrong with a file of `size` bytes, or None: checked before the file is read."""
    if size > (limit := settings.DANGJIAN_IMPORT_MAX_BYTES):
        return _("The file is larger than %(size)s. Split the roster into several files.") % {"size": size_text(limit)}
    return None


def file_problem(data: bytes, filename: str) -> str | None:
    """Why the bytes are not an .xlsx workbook we will read, or None."""
    limit = settings.DANGJIAN_IMPORT_MAX_BYTES
    if problem := size_problem(len(data)):
        return problem
    if not data:
        return _("The file is empty.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an .xls workbook, or an encrypted .xlsx
        return _(
            "This is an old Excel (.xls) or a password-protected workbook. Open it in Excel or WPS and save it "
            "as an Excel workbook (.xlsx) without a password."
        )
    not_xlsx = _(
        "%(name)s is not an Excel workbook (.xlsx). Open it in Excel or WPS and save it as an Excel workbook (.xlsx)."
    ) % {"name": filename or _("The file")}
    if not data.startswith(b"PK\x03\x04"):
        return not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return not_xlsx
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return not_xlsx  # another zip, or another Office file (.docx, .pptx)
    if sum(info.file_size for info in infos) > limit * MAX_UNPACKED_FACTOR:
        return _("The workbook is too large once unpacked. Split the roster into several files.")
    return None


def size_text(limit: int) -> str:
    """A byte count as people say it: 10 MB."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"


def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊()（）:：]", "", text)


HEADER_LOOKUP = {_header_key(name): column.key for column in COLUMNS for name in (column.header, *column.aliases)}


def _read_sheet(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = book.get_sheet_by_name(ROSTER_SHEET) if ROSTER_SHEET in book.sheet_names else book.get_sheet_by_index(0)
    # Keep any empty area above and left of the data, so that row numbers are Excel's.
    return sheet.to_python(skip_empty_area=False)


def _blank(value) -> bool:
    return value == "" or value is None or (type(value) is str and not value.strip())


def _text(value, key: str) -> str:
    # python-calamine gives every number as a float: 13800138000.0 is the phone number 13800138000.
    if isinstance(value, float):
        if key == "id_number" and abs(value) >= 1e15:
            # 18 digits do not fit a spreadsheet number: the last ones are already lost.
            raise _CellError(_("the ID number was stored as a number and has lost digits; format the column as text"))
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time | datetime.timedelta):
        raise _CellError(_("a date or time is not expected here"))
    return str(value).strip()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))  # 20200701 typed as a number
    if isinstance(value, str):
        text = value.strip()
        if match := DATE_TEXT.match(text) or COMPACT_DATE.match(text):
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise _CellError(_("%(value)s is not a real date") % {"value": text}) from None
    raise _CellError(_("enter a date such as 2020-07-01"))


def _choice_lookup(key: str) -> dict[str, str]:
    """Every word accepted for a choice: the sheet's words, the codes and the interface's labels."""
    lookup: dict[str, str] = {}
    enum = CHOICE_ENUMS[key]
    for code in enum.values:
        lookup[code] = code
        lookup[str(enum(code).label).lower()] = code
    for code, words in CHOICE_WORDS[key].items():
        for word in words:
            lookup.setdefault(word, str(code))  # the plain value: a driver may write an enum by its name
    return lookup


@dataclass
class _OrgIndex:
    by_pk: dict[int, Organisation]
    by_code: dict[str, Organisation]
    by_name: dict[str, list[Organisation]]
    allowed: set[int]  # where the actor may manage members

    @classmethod
    def load(cls, actor: User | None) -> "_OrgIndex":
        orgs = list(Organisation.objects.only("code", "name", "kind", "path", "dissolved_on"))
        scope = scope_for(actor) if actor is not None else None
        by_name: dict[str, list[Organisation]] = {}
        for org in orgs:
            by_name.setdefault(org.name, []).append(org)
        return cls(
            by_pk={org.pk: org for org in orgs},
            by_code={org.code: org for org in orgs},
            by_name=by_name,
            allowed={org.pk for org in orgs if scope is None or scope.allows(Perm.MANAGE_MEMBERS, org.path)},
        )

    def find(self, text: str) -> Organisation:
        """The organisation a cell names: by code, "code name" (the drop-down's form), or a unique name."""
        text = " ".join(text.split())
        if org := self.by_code.get(text):
            return org
        code, _space, name = text.partition(" ")
        if name and (org := self.by_code.get(code)):
            return org
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise _CellError(
                _("several organisations are called %(name)s; enter the code of the one you mean") % {"name": text}
            )
        raise _CellError(_("there is no organisation %(name)s") % {"name": text})

    def path_of(self, org_id: int | None) -> str | None:
        org = self.by_pk.get(org_id) if org_id else None
        return org.path if org else None


# --- Checking -----------------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    data: dict  # cleaned values of the non-blank cells, keyed by Member field
    org: Organisation | None  # None when no usable organisation was given (a problem says why)
    member: dict | None = None  # the member on the roster this row updates: MEMBER_COLUMNS
    merged: dict = field(default_factory=dict)  # the member's data after the import
    changes: dict = field(default_factory=dict)  # field → [old, new], as `audit.diff` gives them
    unreadable: set[str] = field(default_factory=set)  # fields whose cell could not be read

    @property
    def moves(self) -> bool:
        return self.member is not None and self.org is not None and self.org.pk != self.member["org_id"]


@dataclass
class _Plan:
    preview: ImportPreview
    today: datetime.date
    orgs: _OrgIndex | None = None
    rows: list[_Row] = field(default_factory=list)
    open_memberships: dict[int, tuple[int, int, datetime.date]] = field(default_factory=dict)  # member → pk, org, since
    users: dict[str, int | None] = field(default_factory=dict)  # username → account free to link, None if taken
    initials: dict[str, str] = field(default_factory=dict)  # name → pinyin initials


def _chunks(values: list) -> Iterable[list]:
    size = min(connection.features.max_query_params or 10_000, 10_000) - 10
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(model: type[models.Model], column: str, values: list, fields: Sequence[str]) -> list[tuple]:
    """`fields` of the rows whose `column` is one of `values`, in batches.

    Plain SQL: for tens of thousands of values the ORM's per-parameter work costs more than the
    query. Values come back as the driver gives them, but for dates (text on SQLite).
    """
    ops = connection.ops
    target = ops.quote_name(model._meta.get_field(column).column)
    model_fields = [model._meta.get_field(name) for name in fields]
    selected = ", ".join(ops.quote_name(f.column) for f in model_fields)
    head = f"SELECT {selected} FROM {ops.quote_name(model._meta.db_table)} WHERE {target} IN "  # noqa: S608
    dates = [i for i, f in enumerate(model_fields) if isinstance(f, models.DateField)]
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(values):
            cursor.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
            found.extend(cursor.fetchall())
    if dates:
        found = [tuple(_as_date(v) if i in dates else v for i, v in enumerate(row)) for row in found]
    return found


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _plan(*, actor: User | None, data: bytes, filename: str, today: datetime.date | None = None) -> _Plan:
    """Read and check the whole file against the database and work out what it changes. No writes."""
    plan = _Plan(preview=ImportPreview(filename=filename), today=today or timezone.localdate())
    problems = plan.preview.problems
    if problem := file_problem(data, filename):
        problems.append(RowProblem(None, problem))
        return plan
    try:
        cells = _read_sheet(data)
    except (CalamineError, ValueError, OSError):
        problems.append(RowProblem(None, _("The workbook could not be read. Save it again as .xlsx and retry.")))
        return plan
    header_index = _find_header(cells)
    if header_index is None:
        problems.append(RowProblem(None, _("The sheet is empty: enter the members below the header row.")))
        return plan
    positions = _read_header(cells[header_index], problems)
    if problems:
        return plan

    plan.orgs = _OrgIndex.load(actor)
    row_problems: dict[int, list[str]] = {}
    _read_rows(plan, cells, header_index, positions, row_problems)
    if plan.preview.rows == 0:
        problems.append(RowProblem(None, _("The sheet has a header but no members below it.")))
        return plan
    _match(plan, actor, row_problems)
    for row in plan.rows:
        for key, message in rules.member_problems(row.merged, plan.today):
            if key not in row.unreadable:
                row_problems.setdefault(row.row, []).append(message)
    for row_no in sorted(row_problems):
        problems.extend(RowProblem(row_no, message) for message in row_problems[row_no])
    if not problems:
        _summarise(plan)
    return plan


def _find_header(cells: list[list]) -> int | None:
    """The header row: the first one naming a known column, below any title rows; else the first non-blank one."""
    filled = [i for i, row in enumerate(cells[:HEADER_SEARCH_ROWS]) if not all(_blank(cell) for cell in row)]
    for index in filled:
        known = {HEADER_LOOKUP.get(_header_key(cell)) for cell in cells[index] if isinstance(cell, str)}
        if len(known - {None}) >= 2:
            return index
    return filled[0] if filled else None


def _read_header(header: list, problems: list[RowProblem]) -> dict[str, int]:
    """Column positions by key; problems for missing or repeated columns. Unknown columns are ignored."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = HEADER_LOOKUP.get(_header_key(cell)) if isinstance(cell, str) else None
        if key is None:
            continue
        if key in positions:
            message = _("The column %(column)s appears twice.") % {"column": COLUMN_BY_KEY[key].header}
            problems.append(RowProblem(None, message))
        positions.setdefault(key, position)
    if missing := [column.header for column in COLUMNS if column.required and column.key not in positions]:
        message = _("The sheet lacks these columns: %(columns)s. Start from the template and keep its header row.")
        problems.append(RowProblem(None, message % {"columns": "、".join(missing)}))
    if not any(key in positions for key in IDENTIFIERS):
        message = _("The sheet needs a %(id)s or a %(number)s column, so that members can be found again.")
        problems.append(RowProblem(None, message % _identifier_headers()))
    return positions


def _identifier_headers() -> dict[str, str]:
    return {"id": COLUMN_BY_KEY["id_number"].header, "number": COLUMN_BY_KEY["number"].header}


def _read_rows(plan: _Plan, cells: list[list], header_index: int, positions: dict, row_problems: dict) -> None:
    """Each non-blank row's values, checked cell by cell, and rows that repeat an ID or number."""
    orgs = plan.orgs
    lookups = {key: _choice_lookup(key) for key in CHOICE_KEYS}
    org_cache: dict[str, Organisation | str] = {}  # cell text → organisation, or the problem with it
    seen: dict[str, dict[str, int]] = {key: {} for key in IDENTIFIERS}
    columns = list(positions.items())
    width = max(positions.values()) + 1
    for index in range(header_index + 1, len(cells)):
        raw = cells[index]
        if len(raw) < width:
            raw = [*raw, *[""] * (width - len(raw))]
        # python-calamine gives "" for an empty cell; text is stripped once, here.
        cells_here = [
            (key, value.strip() if type(value) is str else value)
            for key, position in columns
            if (value := raw[position]) != "" and value is not None
        ]
        cells_here = [(key, value) for key, value in cells_here if value != ""]
        if not cells_here:
            continue
        row_no = index + 1  # Excel counts from 1
        plan.preview.rows += 1
        messages: list[str] = []
        values: dict = {}
        unreadable: set[str] = set()  # said once: not again as "required" below
        org = None
        for key, value in cells_here:
            try:
                if key in DATE_KEYS:
                    values[key] = value if type(value) is datetime.date else _date(value)
                elif key in CHOICE_KEYS:
                    text = value if type(value) is str else _text(value, key)
                    if (code := lookups[key].get(text) or lookups[key].get(text.lower())) is None:
                        words = "、".join(words[0] for words in CHOICE_WORDS[key].values())
                        raise _CellError(_("%(value)s is not one of %(values)s") % {"value": text, "values": words})
                    values[key] = code
                elif key == "org":
                    text = _text(value, key)
                    if (found := org_cache.get(text)) is None:
                        found = org_cache[text] = _usable_org(orgs, text)
                    if isinstance(found, str):
                        raise _CellError(found)
                    org = found
                else:
                    text = value if type(value) is str else _text(value, key)
                    if key in ("id_number", "phone") and "*" in text:
                        continue  # masked by an export: leave the value on the roster as it is
                    values[key] = text
            except _CellError as exc:
                messages.append(f"{COLUMN_BY_KEY[key].header}：{exc}")
                unreadable.add(key)
        values = {key: value for key, value in clean_member_data(values).items() if value is not None and value != ""}
        messages.extend(
            _("%(column)s is longer than %(limit)d characters") % {"column": COLUMN_BY_KEY[key].header, "limit": limit}
            for key, limit in MAX_LENGTHS.items()
            if key in values and len(values[key]) > limit
        )
        if org is None and _blank(raw[positions["org"]]):
            messages.append(_("%(column)s is required") % {"column": COLUMN_BY_KEY["org"].header})
        if not any(key in values for key in IDENTIFIERS):
            messages.append(_("enter the %(id)s or the %(number)s") % _identifier_headers())
        repeated = {key: seen[key].setdefault(values[key], row_no) for key in IDENTIFIERS if key in values}
        messages.extend(
            _("the %(column)s %(value)s is also on row %(row)d")
            % {"column": COLUMN_BY_KEY[key].header, "value": values[key], "row": first}
            for key, first in repeated.items()
            if first != row_no
        )
        if messages:
            row_problems[row_no] = messages
        plan.rows.append(_Row(row=row_no, data=values, org=org, unreadable=unreadable))


def _usable_org(orgs: _OrgIndex, text: str) -> Organisation | str:
    """The organisation a cell names if members may be put there, else what is wrong."""
    try:
        org = orgs.find(text)
    except _CellError as exc:
        return str(exc)
    if org.pk not in orgs.allowed:
        return _("you may not manage the members of %(org)s") % {"org": org_label(org)}
    if org.kind not in MEMBER_ORG_KINDS:
        return _("%(org)s is not a branch or a Party group, where members belong") % {"org": org_label(org)}
    if org.dissolved_on:
        return _("%(org)s has been dissolved") % {"org": org_label(org)}
    return org


def _match(plan: _Plan, actor: User | None, row_problems: dict[int, list[str]]) -> None:
    """Find each row's member on the roster (by ID number, else number); check conflicts and scope."""
    rows, orgs = plan.rows, plan.orgs
    ids = [row.data["id_number"] for row in rows if "id_number" in row.data]
    numbers = [row.data["number"] for row in rows if "number" in row.data]
    members: dict[int, dict] = {}
    for column, values in (("id_number", ids), ("number", numbers)):
        for found in _select_in(Member, column, values, MEMBER_COLUMNS):
            members[found[0]] = dict(zip(MEMBER_COLUMNS, found, strict=True))
    by_id = {member["id_number"]: pk for pk, member in members.items() if member["id_number"]}
    by_number = {member["number"]: pk for pk, member in members.items() if member["number"]}
    for found in _select_in(Membership, "member_id", list(members), ("member_id", "id", "org_id", "since", "until")):
        if found[4] is None:  # the open one
            plan.open_memberships[found[0]] = found[1:4]
    # Where members who have left the college were last: their officers there keep them.
    last_org: dict[int, int] = {}
    for chunk in _chunks([pk for pk, member in members.items() if member["org_id"] is None]):
        history = Membership.objects.filter(member_id__in=chunk).order_by("member_id", "since", "pk")
        last_org.update(history.values_list("member_id", "org_id"))  # the latest one wins
    scope = scope_for(actor) if actor is not None else None

    matched_rows: dict[int, int] = {}  # member → the first row that matched them
    new_numbers = []
    for row in rows:
        data = row.data
        row.merged = data
        id_pk, number_pk = by_id.get(data.get("id_number", "")), by_number.get(data.get("number", ""))
        if id_pk and number_pk and id_pk != number_pk:
            message = _("the %(id)s is %(first)s's on the roster but the %(number)s is %(second)s's")
            names = {"first": members[id_pk]["name"], "second": members[number_pk]["name"]}
            row_problems.setdefault(row.row, []).append(message % (_identifier_headers() | names))
            continue
        member = members.get(id_pk or number_pk or 0)
        if member is None:
            if "number" in data:
                new_numbers.append(data["number"])
            continue
        path = orgs.path_of(member["org_id"] or last_org.get(member["id"]))
        if scope is not None and not scope.allows(Perm.MANAGE_MEMBERS, path):
            message = _("%(name)s is on the roster of an organisation you do not manage")
            row_problems.setdefault(row.row, []).append(message % {"name": member["name"]})
            continue
        if (first := matched_rows.setdefault(member["id"], row.row)) != row.row:
            message = _("this row and row %(row)d are both %(name)s on the roster")
            row_problems.setdefault(row.row, []).append(message % {"row": first, "name": member["name"]})
        row.member = member
        row.merged = merged = clean_member_data({key: member[key] for key in MEMBER_FIELDS} | data)
        if changed := [key for key in MEMBER_FIELDS if merged[key] != member[key]]:  # most rows: none
            row.changes = audit.diff({key: member[key] for key in changed}, {key: merged[key] for key in changed})
        current = plan.open_memberships.get(member["id"])
        if row.moves and current is not None and plan.today < current[2]:
            message = _("%(name)s joined the current organisation on %(date)s, after today; transfer them later")
            row_problems.setdefault(row.row, []).append(message % {"name": member["name"], "date": current[2]})

    # Like `member_create`: link an existing account that no member holds yet, else create one.
    users = dict(_select_in(User, "username", new_numbers, ("username", "id")))
    taken = {user_id for (user_id,) in _select_in(Member, "user_id", list(users.values()), ("user_id",))}
    plan.users = {name: (None if pk in taken else pk) for name, pk in users.items()}


def _summarise(plan: _Plan) -> None:
    preview, orgs = plan.preview, plan.orgs
    for row in plan.rows:
        if row.member is None:
            preview.creates += 1
            preview.accounts += "number" in row.data and row.data["number"] not in plan.users
        elif not row.changes and not row.moves:
            preview.unchanged += 1
        else:
            preview.updates += 1
            preview.transfers += row.moves
            from_org = orgs.by_pk.get(row.member["org_id"])
            preview.changes.append(
                PlannedChange(
                    row=row.row,
                    name=row.merged["name"],
                    fields=[column.header for column in COLUMNS if column.key in row.changes],
                    from_org=org_label(from_org) if from_org else "",
                    to_org=org_label(row.org) if row.moves else "",
                )
            )


def roster_import_preview(*, actor: User | None, data: bytes, filename: str) -> ImportPreview:
    """Check a roster file completely and say what importing it would do; writes nothing."""
    return _plan(actor=actor, data=data, filename=filename).preview


# --- Writing ------------------------------------------------------------------------------------


def roster_import_apply(*, actor: User | None, data: bytes, filename: str) -> ImportResult:
    """Check the file again and import it in one transaction; with any problem, import nothing.

    Raises `ImportRejected`, which carries the preview, when the file has problems.
    """
    with transaction.atomic(durable=True):
        # Checked inside the transaction, so nothing changes between the checks and the writes.
        plan = _plan(actor=actor, data=data, filename=filename)
        if not plan.preview.ok:
            raise ImportRejected(plan.preview)
        return _write(plan, actor)


class _Inserter:
    """Multi-row INSERT … RETURNING id from dicts of field values, the statement `bulk_create` sends.

    `bulk_create` spends most of its time building model instances and preparing every value
    through the field API; this prepares only the columns that need it (dates, datetimes, JSON).
    Rows are keyed by attname (`org_id`, not `org`). Missing values take the field's default, and
    auto_now fields the given time, as `save` would.
    """

    def __init__(self, model: type[models.Model], now: datetime.datetime):
        if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - SQLite ≥ 3.35, PostgreSQL
            raise NotImplementedError("The roster import needs INSERT … RETURNING.")
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.sql = "INSERT INTO {} ({}) ".format(  # noqa: S608 - names come from the model
            ops.quote_name(model._meta.db_table), ", ".join(ops.quote_name(f.column) for f in fields)
        )
        self.returning = " RETURNING " + ops.quote_name(model._meta.pk.column)
        self.row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        self.attnames = [f.attname for f in fields]
        self.defaults: dict = {}
        self.callable_defaults: list[tuple[str, object]] = []
        self.prepares: list[tuple[int, object]] = []  # (position, function) for values the driver cannot take
        for position, f in enumerate(fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and callable(f.default):
                self.callable_defaults.append((f.attname, f.default))
            else:
                self.defaults[f.attname] = f.get_default()
            # Cached: a whole import shares one timestamp and a few thousand dates.
            if isinstance(f, models.DateTimeField):
                self.prepares.append((position, functools.cache(ops.adapt_datetimefield_value)))
            elif isinstance(f, models.DateField):
                self.prepares.append((position, functools.cache(ops.adapt_datefield_value)))
            elif not isinstance(
                f, models.CharField | models.TextField | models.IntegerField | models.BooleanField | models.ForeignKey
            ):
                self.prepares.append((position, lambda value, f=f: f.get_db_prep_save(value, connection)))
        self.batch = max(1, min(1000, (connection.features.max_query_params or 65_535) // len(fields)))

    def _values(self, row: dict) -> list:
        full = self.defaults | row
        for attname, default in self.callable_defaults:
            if attname not in full:
                full[attname] = default()
        values = [full[attname] for attname in self.attnames]
        for position, prepare in self.prepares:
            if values[position] is not None:
                values[position] = prepare(values[position])
        return values

    def insert(self, rows: list[dict]) -> list[int]:
        """Insert the rows; their new ids, in order."""
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch):
                chunk = rows[start : start + self.batch]
                sql = self.sql + "VALUES " + ", ".join([self.row_sql] * len(chunk)) + self.returning
                cursor.execute(sql, list(itertools.chain.from_iterable(self._values(row) for row in chunk)))
                ids.extend(row[0] for row in cursor.fetchall())
        return ids


def _plain(value):
    """`audit.snapshot`'s form of a member field value (text, None or a date)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


class _Events:
    """Audit events as `audit.record` writes them, for many objects at once.

    The actor and the request's origin are the same for every event of an import, so they are
    worked out once per action; `changes` must already be plain JSON values.
    """

    def __init__(self, actor: User | None):
        self.actor = actor
        self.rows: list[dict] = []
        self._base: dict[str, dict] = {}

    def add(self, action: str, model: type[models.Model], pk: int, text: str, org_path: str, changes: dict) -> None:
        if (base := self._base.get(action)) is None:
            base = audit.event_fields(actor=self.actor, action=action)
            base["actor_id"] = getattr(base.pop("actor"), "pk", None)
            self._base[action] = base
        self.rows.append(
            base
            | {
                "org_path": org_path,
                "changes": changes,
                "object_type": model._meta.label_lower,
                "object_id": str(pk),
                "object_repr": text[:200],
            }
        )


def _write(plan: _Plan, actor: User | None) -> ImportResult:
    now = timezone.now()
    today = plan.today
    added_reason = _("Added to the roster")
    transfer_reason = _("Roster import")
    new_rows = [row for row in plan.rows if row.member is None]
    for row in new_rows:
        name = row.data["name"]
        if name not in plan.initials:  # one pinyin conversion per distinct name
            plan.initials[name] = rules.name_initials(name)

    # Accounts first, so that members can point at them (as `member_create` does, via `user_create`).
    new_users = [
        {
            "username": row.data["number"],
            "display_name": row.data["name"],
            "must_change_password": True,
            # What `set_unusable_password` stores, without its per-character random choice.
            "password": UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            "date_joined": now,
        }
        for row in new_rows
        if "number" in row.data and row.data["number"] not in plan.users
    ]
    for values, pk in zip(new_users, _Inserter(User, now).insert(new_users), strict=True):
        plan.users[values["username"]] = pk
    new_user_pks = {plan.users[values["username"]] for values in new_users}

    members = []
    for row in new_rows:
        # `member_create` stores the cleaned data; fields left out keep the model's defaults.
        values = dict(row.data, org_id=row.org.pk, name_initials=plan.initials[row.data["name"]])
        values["user_id"] = plan.users.get(row.data["number"]) if "number" in row.data else None
        members.append(values)
    member_pks = _Inserter(Member, now).insert(members)
    memberships = [
        {"member_id": pk, "org_id": values["org_id"], "since": today, "reason": added_reason}
        for pk, values in zip(member_pks, members, strict=True)
    ]
    defaults = {name: Member._meta.get_field(name).get_default() for name in MEMBER_FIELDS}
    events = _Events(actor)
    for pk, values, row in zip(member_pks, members, new_rows, strict=True):
        if values["user_id"] in new_user_pks:
            events.add("account.create", User, values["user_id"], values["name"], "", {"username": values["number"]})
        # What `audit.snapshot` gives for the saved member: dates as text, missing fields as their defaults.
        snapshot = {name: _plain(values.get(name, defaults[name])) for name in MEMBER_FIELDS}
        events.add(
            "member.create", Member, pk, values["name"], row.org.path, _audit_values(snapshot) | {"org": row.org.pk}
        )

    updates: dict[tuple[str, ...], list[tuple]] = {}  # changed columns → rows of values + pk
    closed = []
    transferred = 0
    for row in plan.rows:
        member = row.member
        if member is None or (not row.changes and not row.moves):
            continue
        from_path = plan.orgs.path_of(member["org_id"]) or ""
        new_values = {key: row.merged[key] for key in row.changes}
        if row.changes:
            # `member_update` saves the initials again with any change.
            if (initials := rules.name_initials(row.merged["name"])) != member["name_initials"]:
                new_values["name_initials"] = initials
            events.add(
                "member.update", Member, member["id"], row.merged["name"], from_path, _audit_changes(row.changes)
            )
        if row.moves:
            transferred += 1
            current = plan.open_memberships.get(member["id"])
            if current is not None:
                closed.append(current[0])
            memberships.append(
                {"member_id": member["id"], "org_id": row.org.pk, "since": today, "reason": transfer_reason}
            )
            new_values["org_id"] = row.org.pk
            changes = {
                "org": [current[1] if current else None, row.org.pk],
                "on": _plain(today),
                "reason": transfer_reason,
            }
            events.add("member.transfer", Member, member["id"], row.merged["name"], from_path, changes)
        key = tuple(sorted(new_values))
        updates.setdefault(key, []).append((*(new_values[k] for k in key), member["id"]))
    _update(Member, updates, now)
    if closed:
        _update(Membership, {("until",): [(today, pk) for pk in closed]}, now)
    _Inserter(Membership, now).insert(memberships)

    preview = plan.preview
    updated = sum(len(rows) for rows in updates.values())
    summary = audit.event_fields(
        actor=actor,
        action="member.import",
        object_repr=preview.filename,
        org_path=_common_path(row.org.path for row in plan.rows),
        changes={
            "filename": preview.filename,
            "rows": preview.rows,
            "created": len(members),
            "updated": updated,
            "unchanged": preview.unchanged,
            "transferred": transferred,
            "accounts_created": len(new_users),
        },
    )
    summary["actor_id"] = getattr(summary.pop("actor"), "pk", None)
    event_pks = _Inserter(AuditEvent, now).insert([*events.rows, summary])
    return ImportResult(
        filename=preview.filename,
        created=len(members),
        updated=updated,
        unchanged=preview.unchanged,
        transferred=transferred,
        accounts_created=len(new_users),
        event_id=event_pks[-1],
    )


def _update(model: type[models.Model], groups: dict[tuple[str, ...], list[tuple]], now: datetime.datetime) -> None:
    """UPDATE … SET the named columns (and updated_at) WHERE id = …, once per row, in batches."""
    ops = connection.ops
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            fields = [model._meta.get_field(name) for name in names]
            assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
            sql = "UPDATE {} SET {}, {} = %s WHERE {} = %s".format(  # noqa: S608 - names come from the model
                ops.quote_name(model._meta.db_table),
                assignments,
                ops.quote_name(model._meta.get_field("updated_at").column),
                ops.quote_name(model._meta.pk.column),
            )
            stamp = ops.adapt_datetimefield_value(now)
            params = [
                (
                    *(f.get_db_prep_save(value, connection) for f, value in zip(fields, row[:-1], strict=True)),
                    stamp,
                    row[-1],
                )
                for row in rows
            ]
            cursor.executemany(sql, params)


def _common_path(paths: Iterable[str]) -> str:
    """The deepest organisation path that holds all `paths` ("" when they share none)."""
    paths = list(paths)
    if not paths:
        return ""
    prefix = ""
    for first, last in zip(min(paths).split("/"), max(paths).split("/"), strict=False):
        if first != last or not first:
            break
        prefix += first + "/"
    return prefix
