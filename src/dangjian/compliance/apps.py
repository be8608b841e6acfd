from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.compliance"
    verbose_name = _("Compliance and early warning")

    def ready(self) -> None:
        # Branches with open early-warning entries: in the officers' to-do inbox.
        from dangjian.compliance import todos

        todos.register()
