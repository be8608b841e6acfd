"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "org.": _("Organisations (all)"),
        "org.create": _("Organisation created"),
        "org.update": _("Organisation changed"),
        "officer.": _("Officers (all)"),
        "officer.appoint": _("Officer appointed"),
        "officer.end": _("Officer term ended"),
    }
)
