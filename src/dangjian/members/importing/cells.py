"""Reading a roster file: checks on the file itself, the header row, and one cell at a time."""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.files import FileRefused, ReadLimits, check_archive, refusal_message, run_limited
from dangjian.members.exporting import CHOICE_WORDS, COLUMNS, ROSTER_SHEET
from dangjian.members.models import Category, Education, Gender
from dangjian.orgs.models import Organisation

SHEET_READER = "dangjian.core.files:workbook_rows"  # run in a child process
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A sheet may have a title or notes above its header row ("哲学系党员花名册").
HEADER_SEARCH_ROWS = 10
CHOICE_ENUMS = {"gender": Gender, "category": Category, "education": Education}


class CellError(ValueError):
    pass


def size_problem(size: int) -> str | None:
    """What is wrong with a file of `size` bytes, or None: checked before the file is read."""
    if size > (limit := settings.DANGJIAN_IMPORT_MAX_BYTES):
        return _("The file is larger than %(size)s. Split the roster into several files.") % {"size": size_text(limit)}
    return None


def file_problem(data: bytes, filename: str) -> str | None:
    """Why the bytes are not an .xlsx workbook we will read, or None."""
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
    try:
        # An upload limit means little if the zip inside may expand without bound.
        check_archive(io.BytesIO(data), ReadLimits.from_settings())
    except FileRefused as refusal:
        return refusal_message(refusal)
    return None


def size_text(limit: int) -> str:
    """A byte count as people say it: 10 MB."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"


def header_key(text: str) -> str:
    return re.sub(r"[\s*＊()（）:：]", "", text)


HEADER_LOOKUP = {header_key(name): column.key for column in COLUMNS for name in (column.header, *column.aliases)}


def read_sheet(data: bytes) -> list[list]:
    """The roster sheet's cells (or the first sheet's), read by python-calamine in a child process
    within the reading limits, after the workbook's entries are inflated and counted there.

    Raises `FileRefused` for a workbook over the limits, `ChildFailed` for one calamine cannot read.
    """
    limits = ReadLimits.from_settings()
    return run_limited(
        SHEET_READER,
        io.BytesIO(data),
        limits,
        sheet=ROSTER_SHEET,
    )


def blank(value) -> bool:
    return value == "" or value is None or (type(value) is str and not value.strip())


def cell_text(value, key: str) -> str:
    # python-calamine gives every number as a float: 13800138000.0 is the phone number 13800138000.
    if isinstance(value, float):
        if key == "id_number" and abs(value) >= 1e15:
            # 18 digits do not fit a spreadsheet number: the last ones are already lost.
            raise CellError(_("the ID number was stored as a number and has lost digits; format the column as text"))
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time | datetime.timedelta):
        raise CellError(_("a date or time is not expected here"))
    return str(value).strip()


def cell_date(value) -> datetime.date:
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
                raise CellError(_("%(value)s is not a real date") % {"value": text}) from None
    raise CellError(_("enter a date such as 2020-07-01"))


def choice_lookup(key: str) -> dict[str, str]:
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
class OrgIndex:
    by_pk: dict[int, Organisation]
    by_code: dict[str, Organisation]
    by_name: dict[str, list[Organisation]]
    allowed: set[int]  # where the actor may manage members

    @classmethod
    def load(cls, actor: User) -> "OrgIndex":
        orgs = list(Organisation.objects.only("code", "name", "kind", "path", "dissolved_on"))
        scope = scope_for(actor)
        by_name: dict[str, list[Organisation]] = {}
        for org in orgs:
            by_name.setdefault(org.name, []).append(org)
        return cls(
            by_pk={org.pk: org for org in orgs},
            by_code={org.code: org for org in orgs},
            by_name=by_name,
            allowed={org.pk for org in orgs if scope.allows(Perm.MANAGE_MEMBERS, org.path)},
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
            raise CellError(
                _("several organisations are called %(name)s; enter the code of the one you mean") % {"name": text}
            )
        raise CellError(_("there is no organisation %(name)s") % {"name": text})

    def path_of(self, org_id: int | None) -> str | None:
        org = self.by_pk.get(org_id) if org_id else None
        return org.path if org else None


def find_header(cells: list[list]) -> int | None:
    """The header row: the first one naming a known column, below any title rows; else the first non-blank one."""
    filled = [i for i, row in enumerate(cells[:HEADER_SEARCH_ROWS]) if not all(blank(cell) for cell in row)]
    for index in filled:
        known = {HEADER_LOOKUP.get(header_key(cell)) for cell in cells[index] if isinstance(cell, str)}
        if len(known - {None}) >= 2:
            return index
    return filled[0] if filled else None
