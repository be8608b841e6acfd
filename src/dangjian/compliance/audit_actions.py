"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "warning.": _("Warnings (all)"),
        "warning.open": _("Warning raised"),
        "warning.update": _("Warning changed"),
        "warning.close": _("Warning closed"),
        "warning.clear": _("Warning cleared"),
        "requirement.": _("Excused requirements (all)"),
        "requirement.excuse": _("Requirement excused for a period"),
        "requirement.withdraw": _("Excuse of a requirement withdrawn"),
        "life_settings.update": _("Organisational-life settings changed"),
        "reminder.": _("Reminders (all)"),
        "reminder.requirement": _("Reminder of a requirement still due sent"),
        "reminder.activity": _("Reminder of an activity sent"),
    }
)
