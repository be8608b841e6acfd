"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "need.": _("Needs (all)"),
        "need.submit": _("Need submitted"),
        "need.attach": _("Need attachments added"),
        "need.confirm": _("Need answer confirmed"),
        "need.reopen": _("Need reopened"),
        "need.widen": _("Need shown to the committee"),
        "need.accept": _("Need accepted"),
        "need.assign": _("Need handed to an officer"),
        "need.note": _("Need note added"),
        "need.answer": _("Need answered"),
        "need.hardship": _("Hardship help started"),
        "need.escalate": _("Overdue need escalated"),
        "talk.": _("Talks (all)"),
        "talk.record": _("Talk recorded"),
        "talk_todo.open": _("Required talk opened"),
        "talk_todo.cancel": _("Required talk cancelled"),
        "care_settings.update": _("Care settings changed"),
    }
)
