from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "dangjian.study"
    verbose_name = _("Study")

    def ready(self) -> None:
        from dangjian.library.registry import register_study_record
        from dangjian.study.models import SelfStudy

        # A self-study entry about a library material counts as having studied it.
        register_study_record(SelfStudy)

        # Leave to decide, make-ups to review or to hand in: in the to-do inbox.
        from dangjian.study import todos, todos_records

        todos.register()
        # Open 整改 measures after an organisational life meeting, for their owners.
        todos_records.register()

        # Open decisions of the 党委会 and the 党政联席会议, for their owners.
        from dangjian.study import committee_todos

        committee_todos.register()
