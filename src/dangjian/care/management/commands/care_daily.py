"""The daily run of member care: escalate overdue needs, open required talks for new arrivals."""

import datetime

from django.core.management.base import BaseCommand

from dangjian.care.services import need_escalate_overdue, talk_todos_sync


class Command(BaseCommand):
    help = "Escalate overdue needs and open required-talk to-dos for new and transferred-in members."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Run as of this day (YYYY-MM-DD).")

    def handle(self, *args, today: datetime.date | None = None, **options):
        escalated = need_escalate_overdue(today=today)
        opened = talk_todos_sync(today=today)
        self.stdout.write(f"needs escalated: {escalated}; talk to-dos opened: {opened}")
