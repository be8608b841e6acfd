from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dangjian.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from dangjian.core.datadir import data_dir_check

        checks.register(data_dir_check)
