from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.dues"
    verbose_name = _("Party dues")

    def ready(self) -> None:
        # Members three months or more behind: a to-do for their branch's officers and a reminder to themselves.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("dues.arrears", "dangjian.dues.todos.arrears_todos")
