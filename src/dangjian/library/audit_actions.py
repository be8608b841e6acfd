"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "material.": _("Materials (all)"),
        "material.upload": _("Material uploaded"),
        "material.video_create": _("Video added"),
        "material.update": _("Material changed"),
        "material.publish": _("Material published"),
        "material.withdraw": _("Material withdrawn"),
        "material.delete": _("Material deleted"),
        "topic.create": _("Topic created"),
        "topic.update": _("Topic changed"),
    }
)
