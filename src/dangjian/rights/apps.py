from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.rights"
    verbose_name = _("Members' rights")

    def ready(self) -> None:
        # Appeals to answer: in the to-do inbox.
        from dangjian.rights import todos

        todos.register()
