from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.development"
    verbose_name = _("Member development")

    def ready(self) -> None:
        # Late steps of the people in the pipeline: in the branch officers' to-do inbox.
        from dangjian.development import todos

        todos.register()
