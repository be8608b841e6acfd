from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.development"
    verbose_name = _("Member development")

    def ready(self) -> None:
        # Late steps of the people in the pipeline: in the branch officers' to-do inbox.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("development.late_steps", "dangjian.development.todos.late_step_todos")
