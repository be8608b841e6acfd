from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.care"
    verbose_name = _("Member care")

    def ready(self) -> None:
        # Needs to accept, answer or confirm and required talks: in the to-do inbox.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("care.needs", "dangjian.care.todos.need_todos")
        register_todo_source("care.confirm", "dangjian.care.todos.confirm_todos")
        register_todo_source("care.talks", "dangjian.care.todos.talk_todos")
