"""The list of activities as an Excel sheet: every activity the list shows under its filters, not one page.

The column headers are a sheet committees file with their records, so they are data in Chinese,
like the ledger's. The sheet names activities, organisations and counts, no member.
"""

import io
from collections.abc import Iterable

from django.utils import timezone

from dangjian.edge.xlsx import write_headers
from dangjian.study.models import Activity

HEADERS = [
    ("开始时间", 18),
    ("主题", 48),
    ("形式", 14),
    ("组织", 26),
    ("地点", 20),
    ("状态", 10),
    ("应到人数", 10),
    ("实到人数", 10),
]


def activities_workbook(activities: Iterable[Activity]) -> bytes:
    """One row per activity, in the list's order; the counts are those `activity_list` annotates."""
    import xlsxwriter  # imported when used: importing it at start-up slows every process

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("学习活动")
    write_headers(book, sheet, HEADERS)
    for row, activity in enumerate(activities, start=1):
        sheet.write_string(row, 0, timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"))
        sheet.write_string(row, 1, activity.theme)
        sheet.write_string(row, 2, activity.get_form_display())
        sheet.write_string(row, 3, activity.org.name)
        sheet.write_string(row, 4, activity.place or "")
        sheet.write_string(row, 5, activity.get_status_display())
        sheet.write_number(row, 6, activity.n_expected)
        sheet.write_number(row, 7, activity.n_attended)
    sheet.freeze_panes(1, 2)
    book.close()
    return buffer.getvalue()
