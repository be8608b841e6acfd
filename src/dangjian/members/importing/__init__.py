"""Importing the roster from Excel: a preview that checks every row and writes nothing, then the import.

The sheet format (columns, words in the drop-down lists, the template) lives in `exporting`;
reading a file cell by cell in `importing.cells`; the bulk reads and writes in `importing.bulk`.

`roster_import_apply` checks the file again, then writes everything in one transaction. It is
built for files of tens of thousands of rows: lookups are batched, ids are reserved up front, and
rows are written from plain values (COPY on PostgreSQL, one prepared INSERT per table on SQLite)
rather than through model instances. It writes the rows that `members.services` would write
member by member — the same cleaning and checks (`clean_member_data`, `rules.member_problems`),
Membership rows, accounts and audit events — and the tests hold it to that, with one difference:
an account the import creates is named in the member's `member.create` event (`"account"`), not
recorded as an `account.create` event of its own as `member_create` (through `user_create`) does.
"""

import base64
import contextlib
import datetime
import gc
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, Scope, scope_for
from dangjian.core import audit
from dangjian.core.auditchain.hashing import BulkHasher, changes_json
from dangjian.core.errors import DomainError
from dangjian.core.files import ChildFailed, FileRefused, refusal_message
from dangjian.core.models import AuditEvent
from dangjian.members import rules
from dangjian.members.exporting import (
    CHOICE_KEYS,
    CHOICE_WORDS,
    COLUMN_BY_KEY,
    COLUMNS,
    DATE_KEYS,
    MEMBER_ORG_KINDS,
    org_label,
    roster_template,
    roster_workbook,
)
from dangjian.members.importing.bulk import Table, chunks, plain, select_in, update_rows
from dangjian.members.importing.cells import (
    HEADER_LOOKUP,
    CellError,
    OrgIndex,
    blank,
    cell_date,
    cell_text,
    choice_lookup,
    file_problem,
    find_header,
    header_key,
    read_sheet,
    size_problem,
    size_text,
)
from dangjian.members.models import Member, Membership
from dangjian.members.services import (
    MEMBER_FIELDS,
    PERSONAL_FIELDS,
    _audit_changes,
    _audit_values,
    clean_member_data,
)
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
# Model limits, checked here so that a long cell is a row problem and not a database error.
MAX_LENGTHS = {key: Member._meta.get_field(key).max_length for key in TEXT_KEYS}
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
class SheetPreview:
    """What an import's check found in a file, whatever it imports. With any problem, importing it does
    nothing at all."""

    filename: str
    rows: int = 0  # data rows read (blank rows are skipped)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unreadable(self) -> bool:
        """The file could not be read as a sheet at all, so no row was checked."""
        return any(problem.row is None for problem in self.problems)


@dataclass
class ImportPreview(SheetPreview):
    """What importing a roster would do."""

    creates: int = 0
    updates: int = 0  # members on the roster with any change, transfers included
    unchanged: int = 0
    transfers: int = 0  # the part of `updates` that moves to another organisation
    accounts: int = 0  # new accounts, for new members with a staff or student number
    changes: list[PlannedChange] = field(default_factory=list)


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

    def __init__(self, preview: SheetPreview):
        self.preview = preview
        count = len(preview.problems)
        message = ngettext(
            "The file has %(count)d problem; nothing was imported.",
            "The file has %(count)d problems; nothing was imported.",
            count,
        )
        super().__init__(message % {"count": count}, errors={"file": preview.errors})


# --- Reading cells ------------------------------------------------------------------------------


# --- Checking -----------------------------------------------------------------------------------


@dataclass(slots=True)
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
    orgs: OrgIndex | None = None
    rows: list[_Row] = field(default_factory=list)
    open_memberships: dict[int, tuple[int, int, datetime.date]] = field(default_factory=dict)  # member → pk, org, since
    users: dict[str, int | None] = field(default_factory=dict)  # username → account free to link, None if taken
    initials: dict[str, str] = field(default_factory=dict)  # name → pinyin initials


@dataclass
class _Sheet:
    """A file read: its cells, or None with the problem that stopped the reading in `preview`."""

    preview: ImportPreview
    cells: list[list] | None


def _read(data: bytes, filename: str) -> _Sheet:
    """Check the file itself and read its cells (in a child process, within limits). No database."""
    sheet = _Sheet(preview=ImportPreview(filename=filename), cells=None)
    problems = sheet.preview.problems
    if problem := file_problem(data, filename):
        problems.append(RowProblem(None, problem))
        return sheet
    try:
        sheet.cells = read_sheet(data)
    except FileRefused as refusal:
        problems.append(RowProblem(None, refusal_message(refusal)))
    except (ChildFailed, ValueError, OSError):
        problems.append(RowProblem(None, _("The workbook could not be read. Save it again as .xlsx and retry.")))
    return sheet


def _plan(*, actor: User, sheet: _Sheet, today: datetime.date | None = None) -> _Plan:
    """Check the cells read against the database and work out what the file changes. No writes."""
    plan = _Plan(preview=sheet.preview, today=today or timezone.localdate())
    problems = plan.preview.problems
    cells = sheet.cells
    if cells is None:
        return plan
    header_index = find_header(cells)
    if header_index is None:
        problems.append(RowProblem(None, _("The sheet is empty: enter the members below the header row.")))
        return plan
    positions = _read_header(cells[header_index], problems)
    if problems:
        return plan

    plan.orgs = OrgIndex.load(actor)
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
    if not any(key in positions for key in IDENTIFIERS):
        message = _("The sheet needs a %(id)s or a %(number)s column, so that members can be found again.")
        problems.append(RowProblem(None, message % _identifier_headers()))
    return positions


def _identifier_headers() -> dict[str, str]:
    return {"id": COLUMN_BY_KEY["id_number"].header, "number": COLUMN_BY_KEY["number"].header}


def _read_rows(plan: _Plan, cells: list[list], header_index: int, positions: dict, row_problems: dict) -> None:
    """Each non-blank row's values, checked cell by cell, and rows that repeat an ID or number."""
    readers = [(key, position, _cell_reader(key, plan.orgs)) for key, position in positions.items()]
    headers = {key: COLUMN_BY_KEY[key].header for key in positions}
    seen: dict[str, dict[str, int]] = {key: {} for key in IDENTIFIERS}
    width = max(positions.values()) + 1
    org_position = positions["org"]
    rows = plan.rows
    count = 0
    for index in range(header_index + 1, len(cells)):
        raw = cells[index]
        if len(raw) < width:
            raw = [*raw, *[""] * (width - len(raw))]
        messages: list[str] = []
        values: dict = {}
        unreadable: set[str] = set()  # said once: not again as "required" below
        filled = False
        for key, position, read in readers:
            value = raw[position]
            # python-calamine gives "" for an empty cell; text is stripped once, here.
            if type(value) is str:
                if not (value := value.strip()):
                    continue
            elif value is None:
                continue
            filled = True
            try:
                if (value := read(value)) is not None:  # None: a masked value, left as it is on the roster
                    values[key] = value
            except CellError as exc:
                messages.append(f"{headers[key]}：{exc}")
                unreadable.add(key)
        if not filled:
            continue
        count += 1
        row_no = index + 1  # Excel counts from 1
        org = values.pop("org", None)
        values = {key: value for key, value in clean_member_data(values).items() if value is not None and value != ""}
        for key, limit in MAX_LENGTHS.items():
            if key in values and len(values[key]) > limit:
                messages.append(
                    _("%(column)s is longer than %(limit)d characters") % {"column": headers[key], "limit": limit}
                )
        if org is None and blank(raw[org_position]):
            messages.append(_("%(column)s is required") % {"column": COLUMN_BY_KEY["org"].header})
        if "id_number" not in values and "number" not in values:
            messages.append(_("enter the %(id)s or the %(number)s") % _identifier_headers())
        repeated = {key: seen[key].setdefault(values[key], row_no) for key in IDENTIFIERS if key in values}
        messages.extend(
            _("the %(column)s %(value)s is also on row %(row)d")
            % {"column": headers[key], "value": values[key], "row": first}
            for key, first in repeated.items()
            if first != row_no
        )
        if messages:
            row_problems[row_no] = messages
        rows.append(_Row(row=row_no, data=values, org=org, unreadable=unreadable))
    plan.preview.rows = count


def _cell_reader(key: str, orgs: OrgIndex):
    """The function that turns a non-blank cell of column `key` into its value, or raises `CellError`.

    Made once per column, so that each cell costs one call; it returns None for a value to leave as
    it is on the roster (masked by an export).
    """
    if key in DATE_KEYS:
        return lambda value: value if type(value) is datetime.date else cell_date(value)
    if key in CHOICE_KEYS:
        lookup = choice_lookup(key)

        def read_choice(value) -> str:
            text = value if type(value) is str else cell_text(value, key)
            if (code := lookup.get(text) or lookup.get(text.lower())) is None:
                words = "、".join(words[0] for words in CHOICE_WORDS[key].values())
                raise CellError(_("%(value)s is not one of %(values)s") % {"value": text, "values": words})
            return code

        return read_choice
    if key == "org":
        found_by_cell: dict = {}  # cell → organisation, or what is wrong with it

        def read_org(value) -> Organisation:
            if (found := found_by_cell.get(value)) is None:
                found = found_by_cell[value] = _usable_org(orgs, cell_text(value, key))
            if isinstance(found, str):
                raise CellError(found)
            return found

        return read_org
    masked = key in ("id_number", "phone")

    def read_text(value) -> str | None:
        text = value if type(value) is str else cell_text(value, key)
        return None if masked and "*" in text else text

    return read_text


def _usable_org(orgs: OrgIndex, text: str) -> Organisation | str:
    """The organisation a cell names if members may be put there, else what is wrong."""
    try:
        org = orgs.find(text)
    except CellError as exc:
        return str(exc)
    if org.pk not in orgs.allowed:
        return _("you may not manage the members of %(org)s") % {"org": org_label(org)}
    if org.kind not in MEMBER_ORG_KINDS:
        return _("%(org)s is not a branch or a Party group, where members belong") % {"org": org_label(org)}
    if org.dissolved_on:
        return _("%(org)s has been dissolved") % {"org": org_label(org)}
    return org


NOT_YOURS = gettext_lazy("this row matches a person whom you may not manage")


def _manages(scope: Scope, orgs: OrgIndex, member: dict, last_org: dict[int, int]) -> bool:
    """Whether the actor manages this member, or, for one who left, their last organisation."""
    return scope.allows(Perm.MANAGE_MEMBERS, orgs.path_of(member["org_id"] or last_org.get(member["id"])))


def _match(plan: _Plan, actor: User, row_problems: dict[int, list[str]]) -> None:
    """Find each row's member on the roster (by ID number, else number); check conflicts and scope."""
    rows, orgs = plan.rows, plan.orgs
    ids = [row.data["id_number"] for row in rows if "id_number" in row.data]
    numbers = [row.data["number"] for row in rows if "number" in row.data]
    members = {
        found[0]: dict(zip(MEMBER_COLUMNS, found, strict=True))
        for found in select_in(Member, "id_number", ids, MEMBER_COLUMNS)
    }
    by_id = {member["id_number"]: pk for pk, member in members.items()}
    by_number = dict(select_in(Member, "number", numbers, ("number", "id")))
    for found in select_in(Member, "id", [pk for pk in set(by_number.values()) if pk not in members], MEMBER_COLUMNS):
        members[found[0]] = dict(zip(MEMBER_COLUMNS, found, strict=True))
    for found in select_in(Membership, "member_id", list(members), ("member_id", "id", "org_id", "since", "until")):
        if found[4] is None:  # the open one
            plan.open_memberships[found[0]] = found[1:4]
    # Where members who have left the college were last: their officers there keep them.
    last_org: dict[int, int] = {}
    for chunk in chunks([pk for pk, member in members.items() if member["org_id"] is None]):
        history = Membership.objects.filter(member_id__in=chunk).order_by("member_id", "since", "pk")
        last_org.update(history.values_list("member_id", "org_id"))  # the latest one wins
    scope = scope_for(actor)

    matched_rows: dict[int, int] = {}  # member → the first row that matched them
    new_numbers = []
    for row in rows:
        data = row.data
        row.merged = data
        id_pk, number_pk = by_id.get(data.get("id_number", "")), by_number.get(data.get("number", ""))
        # Whoever the actor may not manage stays nameless: numbers are sequential, so naming them
        # would let anyone with import rights read the college's roster one row at a time.
        if id_pk and number_pk and id_pk != number_pk:
            if not all(_manages(scope, orgs, members[pk], last_org) for pk in (id_pk, number_pk)):
                row_problems.setdefault(row.row, []).append(str(NOT_YOURS))
                continue
            message = _("the %(id)s is %(first)s's on the roster but the %(number)s is %(second)s's")
            names = {"first": members[id_pk]["name"], "second": members[number_pk]["name"]}
            row_problems.setdefault(row.row, []).append(message % (_identifier_headers() | names))
            continue
        member = members.get(id_pk or number_pk or 0)
        if member is None:
            if "number" in data:
                new_numbers.append(data["number"])
            continue
        if not _manages(scope, orgs, member, last_org):
            row_problems.setdefault(row.row, []).append(str(NOT_YOURS))
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
    users = dict(select_in(User, "username", new_numbers, ("username", "id")))
    taken = {user_id for (user_id,) in select_in(Member, "user_id", list(users.values()), ("user_id",))}
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


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while hundreds of thousands of short-lived objects are made.

    The rows hold no reference cycles, yet the collector would walk the growing heap again and again:
    a third of the time of checking a large file. Reference counting still frees everything.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def roster_import_preview(*, actor: User, data: bytes, filename: str) -> ImportPreview:
    """Check a roster file completely and say what importing it would do; writes nothing."""
    with _without_cycle_collection():
        return _plan(actor=actor, sheet=_read(data, filename)).preview


# --- Writing ------------------------------------------------------------------------------------


def roster_import_apply(*, actor: User, data: bytes, filename: str) -> ImportResult:
    """Check the file again and import it in one transaction; with any problem, import nothing.

    Raises `ImportRejected`, which carries the preview, when the file has problems.
    """
    with _without_cycle_collection():
        sheet = _read(data, filename)  # before the transaction: no write lock is held while the file is read
        with transaction.atomic(durable=True):
            # Checked inside the transaction, so nothing changes between the checks and the writes.
            plan = _plan(actor=actor, sheet=sheet)
            if not plan.preview.ok:
                raise ImportRejected(plan.preview)
            return _write(plan, actor)


def _write(plan: _Plan, actor: User) -> ImportResult:
    now = timezone.now()
    today = plan.today
    added_reason = _("Added to the roster")
    transfer_reason = _("Roster import")
    new_rows = [row for row in plan.rows if row.member is None]
    initials = plan.initials
    for row in new_rows:
        name = row.data["name"]
        if name not in initials:  # one pinyin conversion per distinct name
            initials[name] = rules.name_initials(name)

    # Accounts first, so that members can point at them (as `member_create` does, via `user_create`).
    account_rows = [row for row in new_rows if "number" in row.data and row.data["number"] not in plan.users]
    users = Table(User, ("id", "username", "display_name", "must_change_password", "password"), now)
    user_pks = users.reserve(len(account_rows))
    # What `set_unusable_password` stores: the prefix and random text (here 40 URL-safe characters
    # per account, as `secrets.token_urlsafe(30)` makes them, from one call to the system's source).
    noise = base64.urlsafe_b64encode(secrets.token_bytes(30 * len(account_rows))).decode()
    user_values = []
    for index, (pk, row) in enumerate(zip(user_pks, account_rows, strict=True)):
        number = row.data["number"]
        plan.users[number] = pk
        user_values.append(
            (pk, number, row.data["name"], True, UNUSABLE_PASSWORD_PREFIX + noise[40 * index : 40 * index + 40])
        )
    users.write(user_values)
    created_accounts = set(user_pks)

    # Members as `member_create` stores them: the cleaned data; fields left out keep the model's defaults.
    members = Table(Member, ("id", "org_id", "user_id", "name_initials", *MEMBER_FIELDS), now)
    member_pks = members.reserve(len(new_rows))
    defaults = [(name, Member._meta.get_field(name).get_default()) for name in MEMBER_FIELDS]
    dates = [i for i, name in enumerate(MEMBER_FIELDS) if name in DATE_KEYS]
    member_values = []
    new_events = []  # (pk, name, org path, changes)
    for pk, row in zip(member_pks, new_rows, strict=True):
        data = row.data
        values = [data.get(name, default) for name, default in defaults]
        number = data.get("number")
        user_pk = plan.users.get(number) if number is not None else None
        member_values.append((pk, row.org.pk, user_pk, initials[data["name"]], *values))
        # What `audit.snapshot` gives for the saved member: dates as text, missing fields as their defaults.
        for i in dates:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        changes = dict(zip(MEMBER_FIELDS, values, strict=True))
        changes |= _audit_values({name: changes[name] for name in PERSONAL_FIELDS})
        changes["org"] = row.org.pk
        if user_pk in created_accounts:
            # The account this import created for the member, recorded with the member rather than
            # as an `account.create` event of its own, which `member_create` writes (via `user_create`).
            changes["account"] = number
        new_events.append((pk, data["name"], row.org.path, changes))
    members.write(member_values)
    memberships = [
        (pk, values[1], today, None, added_reason) for pk, values in zip(member_pks, member_values, strict=True)
    ]

    updates: dict[tuple[str, ...], list[tuple]] = {}  # changed columns → rows of values + pk
    closed = []
    transferred = 0
    other_events = []  # (action, pk, name, org path, changes)
    for row in plan.rows:
        member = row.member
        if member is None or (not row.changes and not row.moves):
            continue
        from_path = plan.orgs.path_of(member["org_id"]) or ""
        new_values = {key: row.merged[key] for key in row.changes}
        if row.changes:
            # `member_update` saves the initials again with any change.
            if (name_initials := rules.name_initials(row.merged["name"])) != member["name_initials"]:
                new_values["name_initials"] = name_initials
            other_events.append(
                ("member.update", member["id"], row.merged["name"], from_path, _audit_changes(row.changes))
            )
        if row.moves:
            transferred += 1
            current = plan.open_memberships.get(member["id"])
            if current is not None:
                closed.append(current[0])
            memberships.append((member["id"], row.org.pk, today, None, transfer_reason))
            new_values["org_id"] = row.org.pk
            changes = {
                "org": [current[1] if current else None, row.org.pk],
                "on": plain(today),
                "reason": transfer_reason,
            }
            other_events.append(("member.transfer", member["id"], row.merged["name"], from_path, changes))
        key = tuple(sorted(new_values))
        updates.setdefault(key, []).append((*(new_values[k] for k in key), member["id"]))
    update_rows(Member, updates, now)
    if closed:
        update_rows(Membership, {("until",): [(today, pk) for pk in closed]}, now)
    membership_table = Table(Membership, ("id", "member_id", "org_id", "since", "until", "reason"), now)
    membership_pks = membership_table.reserve(len(memberships))
    membership_table.write([(pk, *values) for pk, values in zip(membership_pks, memberships, strict=True)])

    preview = plan.preview
    updated = sum(len(rows) for rows in updates.values())
    summary = {
        "filename": preview.filename,
        "rows": preview.rows,
        "created": len(member_values),
        "updated": updated,
        "unchanged": preview.unchanged,
        "transferred": transferred,
        "accounts_created": len(user_values),
    }
    # One event per member created (with the account made for them), changed or moved, then the
    # import's own event, last. The actor and the request's origin are the same for all of them.
    base = audit.event_fields(actor=actor, action="member.import")
    constants = {
        "actor_id": getattr(base["actor"], "pk", None),
        "actor_name": base["actor_name"],
        "ip_address": base["ip_address"],
        "user_agent": base["user_agent"],
    }
    columns = ("id", "action", "object_type", "object_id", "object_repr", "org_path", "changes", "content_hash")
    events = Table(AuditEvent, columns, now, constants)
    event_pks = events.reserve(len(new_events) + len(other_events) + 1)
    member_type = Member._meta.label_lower
    rows = [
        (event_pk, "member.create", member_type, str(pk), name[:200], path, changes)
        for event_pk, (pk, name, path, changes) in zip(event_pks, new_events, strict=False)
    ]
    rows.extend(
        (event_pk, action, member_type, str(pk), name[:200], path, changes)
        for event_pk, (action, pk, name, path, changes) in zip(event_pks[len(new_events) :], other_events, strict=False)
    )
    event_id = event_pks[-1]
    org_path = _common_path(row.org.path for row in plan.rows)
    rows.append((event_id, "member.import", "", "", preview.filename[:200], org_path, summary))
    # Each row's content hash, as the model would compute it on insert (see core.auditchain); the changes'
    # canonical text is both hashed and written, so they are encoded once.
    content_hash = BulkHasher(at=now, **constants)
    event_values = []
    for event_pk, action, object_type, object_id, object_repr, path, changes in rows:
        text = changes_json(changes)
        digest = content_hash(
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            org_path=path,
            changes_text=text,
        )
        event_values.append((event_pk, action, object_type, object_id, object_repr, path, text, digest))
    events.write(event_values)
    return ImportResult(
        filename=preview.filename,
        created=len(member_values),
        updated=updated,
        unchanged=preview.unchanged,
        transferred=transferred,
        accounts_created=len(user_values),
        event_id=event_id,
    )


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
