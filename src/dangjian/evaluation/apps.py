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
        # A member's recognition shows on their profile page.
        from dangjian.members.registry import ProfilePanel, register_profile_panel

        register_profile_panel(
            ProfilePanel(
                name="recognitions", template="evaluation/_member_recognitions.html", context=_recognitions_panel
            )
        )
        # A ballot still to cast: in the to-do inbox.
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("evaluation.ballots", "dangjian.evaluation.todos.ballot_todos")
        register_todo_source("evaluation.self_assessments", "dangjian.evaluation.todos.self_assessment_todos")


def _recognitions_panel(*, actor, member) -> dict:
    from dangjian.evaluation.selectors import recognitions_for_profile

    return {"recognitions": recognitions_for_profile(actor=actor, member=member)}
