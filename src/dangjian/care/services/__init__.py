"""State changes for member care: needs, talks and required-talk to-dos."""

from dangjian.care.services.needs import (
    need_accept,
    need_answer,
    need_assign,
    need_attachment_add,
    need_confirm,
    need_escalate_overdue,
    need_mark_hardship,
    need_note,
    need_reopen,
    need_submit,
    need_widen,
)
from dangjian.care.services.settings import care_settings_update
from dangjian.care.services.talks import talk_record, talk_todo_cancel, talk_todo_open, talk_todos_sync

__all__ = [
    "care_settings_update",
    "need_accept",
    "need_answer",
    "need_assign",
    "need_attachment_add",
    "need_confirm",
    "need_escalate_overdue",
    "need_mark_hardship",
    "need_note",
    "need_reopen",
    "need_submit",
    "need_widen",
    "talk_record",
    "talk_todo_cancel",
    "talk_todo_open",
    "talk_todos_sync",
]
