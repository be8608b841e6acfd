"""API for records of past meetings: check a file (writes nothing), then import it, all or nothing."""

import datetime

from ninja import Field, File, Router, Schema, Status, UploadedFile

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, Forbidden
from dangjian.edge.schemas import responses
from dangjian.members.importing.cells import size_problem
from dangjian.study.services import past_records as services

router = Router(tags=["activities"])

FILE = (
    "multipart/form-data with one `file` part: an .xlsx made from the template (columns 组织, 形式, 主题, 日期, "
    "开始时间, 结束时间, 地点, 主讲人, 会议内容/记录, 应到人数, 实到人数). 403 when the caller runs study "
    "nowhere. 400 when the file itself is refused (too large, not an .xlsx workbook, no header row, too many rows); "
    "`errors.file` lists why."
)


class RowProblemOut(Schema):
    row: int | None = Field(description="The row as Excel numbers it; null for a problem with the file as a whole.")
    message: str


class PastRecordOut(Schema):
    row: int
    org: int = Field(description="The organisation's id.")
    org_name: str
    form: str
    theme: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    speaker_name: str
    expected: int = Field(description="应到: the number expected to attend.")
    present: int = Field(description="实到: the number who attended.")

    @staticmethod
    def resolve_org(obj) -> int:
        return obj.org.pk

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class PastRecordPreviewOut(Schema):
    filename: str
    rows: int = Field(description="Data rows read (blank rows are skipped).")
    ok: bool = Field(description="True when the file can be imported as it is.")
    problems: list[RowProblemOut]
    records: list[PastRecordOut] = Field(description="The meetings the import would record; empty with any problem.")


class PastRecordImportOut(Schema):
    filename: str
    created: int
    activity_ids: list[int]


def _read_upload(request, file: UploadedFile) -> tuple[bytes, str]:
    if not scope_for(request.auth).has_anywhere(Perm.MANAGE_STUDY):
        raise Forbidden()
    if problem := size_problem(file.size):  # before reading: a large upload is never read into memory
        raise DomainError(problem, field="file", errors={"file": [problem]})
    return file.read(), file.name or ""


@router.post(
    "/activities/past-records/preview",
    operation_id="past_record_import_preview",
    response=responses({200: PastRecordPreviewOut}),
    summary="Check a file of past meetings (writes nothing)",
    description=(
        "Every row is checked: the organisation (one the caller runs study for), the form, the date (not in the "
        "future), the times (the end after the start), the content, and 实到 not above 应到. Row problems come back "
        f"with 200 and `ok` false. {FILE}"
    ),
)
def past_record_import_preview(request, file: File[UploadedFile]):
    data, filename = _read_upload(request, file)
    preview = services.past_record_import_preview(actor=request.auth, data=data, filename=filename)
    if preview.unreadable:
        raise services.RecordImportRejected(preview)
    return {
        "filename": preview.filename,
        "rows": preview.rows,
        "ok": preview.ok,
        "problems": [{"row": problem.row, "message": problem.message} for problem in preview.problems],
        "records": preview.records,
    }


@router.post(
    "/activities/past-records",
    operation_id="past_record_import",
    response=responses({201: PastRecordImportOut}),
    summary="Import a file of past meetings, all or nothing",
    description=(
        "The file is checked again; with any problem nothing is imported and the answer is 400 with every problem "
        "in `errors.file`. Each meeting becomes a published activity recorded afterwards (no attendance list, so it "
        f"credits nobody study hours) that counts as held in the compliance checks. {FILE}"
    ),
)
def past_record_import(request, file: File[UploadedFile]):
    data, filename = _read_upload(request, file)
    result = services.past_record_import_apply(actor=request.auth, data=data, filename=filename)
    return Status(201, {"filename": result.filename, "created": result.created, "activity_ids": result.activity_ids})
