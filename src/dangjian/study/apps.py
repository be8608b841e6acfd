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
        from dangjian.notices.inbox import register_todo_source

        register_todo_source("study.review", "dangjian.study.todos.officer_todos")
        register_todo_source("study.make_ups", "dangjian.study.todos.member_todos")
        register_todo_source("study.plans", "dangjian.study.todos.plan_todos")
        register_todo_source("study.reading", "dangjian.study.todos.reading_todos")
        # Open 整改 measures after an organisational life meeting, for their owners.
        register_todo_source("study.rectifications", "dangjian.study.todos_records.rectification_todos")
        # Open decisions of the 党委会 and the 党政联席会议, for their owners.
        register_todo_source("study.decisions", "dangjian.study.committee_todos.decision_todos")
