from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.rights"
    verbose_name = _("Members' rights")

    def ready(self) -> None:
        # Appeals to answer: in the to-do inbox.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("rights.appeals", "dangjian.rights.todos.appeal_todos")
