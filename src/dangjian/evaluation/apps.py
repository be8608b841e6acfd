from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.evaluation"
    verbose_name = _("Democratic evaluation")

    def ready(self) -> None:
        # A member may appeal their grade (党章 Art.4 (8)); the rights app builds the appeal on this.
        from dangjian.evaluation.appeals import register

        register()
