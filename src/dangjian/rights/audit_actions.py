"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "opinion.": _("Opinions (all)"),
        "opinion.create": _("Opinion sent"),
        "opinion.answer": _("Opinion answered"),
        "appeal.": _("Appeals (all)"),
        "appeal.create": _("Appeal made"),
        "appeal.accept": _("Appeal accepted"),
        "appeal.answer": _("Appeal answered"),
        "appeal.withdraw": _("Appeal withdrawn"),
        "appeal.remind_overdue": _("Overdue appeal reminded"),
    }
)
