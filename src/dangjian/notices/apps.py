from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # Announcements not yet read (or confirmed): in their readers' to-do inbox.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("notices.announcements", "dangjian.notices.todos.announcement_todos")
