"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`).

Reading an announcement is not recorded (nobody else's business); confirming one is."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "announcement.": _("Announcements (all)"),
        "announcement.publish": _("Announcement published"),
        "announcement.update": _("Announcement changed"),
        "announcement.withdraw": _("Announcement withdrawn"),
        "announcement.confirm": _("Announcement confirmed"),
        "digest.": _("E-mail digest (all)"),
        "digest.update": _("Daily e-mail digest turned on or off"),
    }
)
