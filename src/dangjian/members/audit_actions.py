"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "member.": _("Members (all)"),
        "member.create": _("Member added"),
        "member.update": _("Member changed"),
        "member.transfer": _("Member transferred"),
        "member.transfer_in": _("Member transferred in"),
        "member.reveal": _("Personal data revealed"),
        "member.situation_add": _("Special situation recorded"),
        "member.situation_end": _("Special situation ended"),
        "member.import": _("Roster imported"),
        "member.export": _("Roster exported"),
    }
)
