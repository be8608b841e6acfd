from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """The running system: the background worker's heartbeat, its status page and its system check."""

    name = "dangjian.ops"
    verbose_name = _("System status")

    def ready(self) -> None:
        from dangjian.ops import checks  # noqa: F401 - registers the system check
