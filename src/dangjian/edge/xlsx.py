"""Excel workbooks the pages hand out: the response that downloads one, and the header row they share."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of the workbook under `filename` (Chinese names are encoded for every browser)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def write_headers(book, sheet, headers: list[tuple[str, int]]) -> None:
    """The first row: each (title, column width), bold on grey."""
    style = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    for col, (title, width) in enumerate(headers):
        sheet.write(0, col, title, style)
        sheet.set_column(col, col, width)
