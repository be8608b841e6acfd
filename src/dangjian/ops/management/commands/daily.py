"""`dangjian daily`: run the daily jobs now (escalate overdue needs, refresh the early warning, …).

`dangjian serve` schedules them on the background worker every night; this command is for a run by
hand, or for a deployment that prefers cron (`--schedule` only puts the next run in the queue).
"""

import datetime

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.ops.backup.nightly import schedule_backup
from dangjian.ops.daily import run_daily_jobs, schedule_daily


class Command(BaseCommand):
    help = "Run the daily jobs now, or with --schedule put the next nightly run in the background queue."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--schedule", action="store_true", help="Only schedule the next nightly run.")

    def handle(self, *args, date: str | None, schedule: bool, **options):
        if schedule:
            added = schedule_daily()
            schedule_backup()
            self.stdout.write(
                _("The nightly jobs are scheduled.") if added else _("The nightly jobs were already scheduled.")
            )
            return
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(_("Enter a date as YYYY-MM-DD.")) from None
        for name, result in run_daily_jobs(today=today).items():
            self.stdout.write(f"{name}: {result}")
