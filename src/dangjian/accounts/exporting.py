"""The audit log as an Excel sheet: every event the log page shows under its filters, not one page.

Column headers are data in Chinese, like the other exported sheets. The changes are written as
they are stored (personal data in them is already masked when recorded).
"""

import io
import json
from collections.abc import Iterable

from django.utils import timezone

from dangjian.accounts import audit_actions
from dangjian.core.models import AuditEvent
from dangjian.edge.xlsx import write_headers

# One export holds at most this many events: a bigger log is narrowed by date or action first.
MAX_EVENTS = 20_000

HEADERS = [
    ("时间", 20),
    ("操作人", 14),
    ("操作", 24),
    ("操作代码", 24),
    ("对象", 36),
    ("变更", 60),
    ("IP 地址", 16),
]


def audit_workbook(events: Iterable[AuditEvent]) -> bytes:
    """One row per event, newest first, as the log page lists them."""
    import xlsxwriter  # imported when used: importing it at start-up slows every process

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("审计日志")
    write_headers(book, sheet, HEADERS)
    for row, event in enumerate(events, start=1):
        sheet.write_string(row, 0, timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"))
        sheet.write_string(row, 1, event.actor_name)
        sheet.write_string(row, 2, audit_actions.label(event.action))
        sheet.write_string(row, 3, event.action)
        sheet.write_string(row, 4, event.object_repr)
        sheet.write_string(row, 5, json.dumps(event.changes, ensure_ascii=False) if event.changes else "")
        sheet.write_string(row, 6, event.ip_address or "")
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
