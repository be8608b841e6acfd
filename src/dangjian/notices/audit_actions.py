"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "digest.": _("E-mail digest (all)"),
        "digest.update": _("Daily e-mail digest turned on or off"),
    }
)
