from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.compliance"
    verbose_name = _("Compliance and early warning")

    def ready(self) -> None:
        # Branches with open early-warning entries: in the officers' to-do inbox.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("compliance.warnings", "dangjian.compliance.todos.warning_todos")
        register_todo_source("compliance.requirements", "dangjian.compliance.todos.requirement_todos")
