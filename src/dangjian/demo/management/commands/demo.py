"""`dangjian demo`: migrate, build the demo college if it is not there yet, print its accounts, serve.

It refuses to touch a database that holds anything but the demo college (see
`dangjian.demo.generator.demo_state`), and checks that before it writes anything.
"""

import time
import unicodedata

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.demo import announcements as demo_announcements
from dangjian.demo import care as demo_care
from dangjian.demo import committee_meetings as demo_committee_meetings
from dangjian.demo import compliance as demo_compliance
from dangjian.demo import development as demo_development
from dangjian.demo import dues as demo_dues
from dangjian.demo import evaluation as demo_evaluation
from dangjian.demo import generator
from dangjian.demo import records as demo_records
from dangjian.demo import rights as demo_rights
from dangjian.demo import study as demo_study
from dangjian.demo.library import load as library_load
from dangjian.demo.library.load import library_demo_ensure
from dangjian.demo.plan import SMALL_MATERIALS, SMALL_SCALE
from dangjian.members.models import Member, Membership
from dangjian.ops.management.commands.serve import DEFAULT_HOST, DEFAULT_PORT
from dangjian.orgs.models import Organisation

OWN_TABLES = {model._meta.db_table for model in (User, Organisation, Member, Membership)}


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Build the demo college if it is not there yet, print the demo accounts and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Build the demo and exit without serving.")
        parser.add_argument(
            "--small",
            action="store_true",
            help="A small college (8 branches, 60 members, 6 study materials): every kind of page, built fast.",
        )
        parser.add_argument("--host", default=DEFAULT_HOST, help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="Port to listen on (default 8000).")

    def handle(self, *args, no_serve: bool, host: str, port: int, small: bool = False, **options):
        if small:  # this process builds nothing else: the module defaults may change for it
            generator.DEMO_SCALE = SMALL_SCALE
            library_load.MATERIAL_LIMIT = SMALL_MATERIALS
        self._refuse_foreign_data()
        self.stdout.write(_("Preparing the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        state, reason = generator.demo_state()
        if state == generator.OTHER:  # only reachable if the tables appeared meanwhile
            raise CommandError(self._refusal(reason))
        if state == generator.EMPTY:
            self.stdout.write(_("Building the demo college…"))
            started = time.perf_counter()
            counts = generator.build_demo()
            self.stdout.write(
                _(
                    "Built the demo college in %(seconds).1f s: %(branches)d branches, %(members)d members, "
                    "%(officers)d terms of office."
                )
                % {
                    "seconds": time.perf_counter() - started,
                    "branches": counts["branches"],
                    "members": counts["members"],
                    "officers": counts["officer_terms"],
                }
            )
        else:
            self.stdout.write(_("The demo college is already there; nothing was added."))
            if reset := generator.demo_accounts_ensure():
                self.stdout.write(
                    _("The password of these demo accounts was set back: %(names)s") % {"names": ", ".join(reset)}
                )
        if line := demo_study.study_demo_summary(demo_study.study_demo_ensure()):
            self.stdout.write(line)
        library = library_demo_ensure()
        if library.built:
            self.stdout.write(
                _("Study materials: %(materials)d in the library, %(sessions)d reading sessions behind the ledgers.")
                % {"materials": library.materials, "sessions": library.sessions}
            )
        for line in self._member_care():
            self.stdout.write(line)
        self._print_accounts()
        if no_serve:
            return
        call_command("serve", host=host, port=port)

    @staticmethod
    def _member_care() -> list[str]:
        """Needs and talks, then rights, evaluation and the early warning, which read them, and the
        announcements: a line each built."""
        lines = [
            demo_care.care_demo_summary(demo_care.care_demo_ensure()),
            demo_evaluation.evaluation_demo_summary(demo_evaluation.evaluation_demo_ensure()),
            demo_rights.rights_demo_summary(demo_rights.rights_demo_ensure()),  # appeals a grade of the evaluation
            demo_compliance.compliance_demo_summary(demo_compliance.compliance_demo_ensure()),
            demo_announcements.announcements_demo_summary(demo_announcements.announcements_demo_ensure()),
            demo_development.development_demo_summary(demo_development.development_demo_ensure()),
            demo_dues.dues_demo_summary(demo_dues.dues_demo_ensure()),
            demo_records.records_demo_summary(demo_records.records_demo_ensure()),
            demo_committee_meetings.committee_meetings_demo_summary(
                demo_committee_meetings.committee_meetings_demo_ensure()
            ),
        ]
        return [line for line in lines if line]

    def _refuse_foreign_data(self) -> None:
        """Refuse before anything is written: another application's tables, or non-demo rows."""
        tables = set(connection.introspection.table_names())
        if not tables:
            return
        prefixes = tuple(f"{config.label}_" for config in apps.get_app_configs()) + ("django_", "sqlite_")
        if any(not table.startswith(prefixes) for table in tables):
            raise CommandError(self._refusal(_("it holds tables of another application")))
        if not OWN_TABLES.issubset(tables):
            return  # an unfinished set-up of this application: migrate completes it
        state, reason = generator.demo_state()
        if state == generator.OTHER:
            raise CommandError(self._refusal(reason))

    @staticmethod
    def _refusal(reason: str) -> str:
        return _(
            "The database holds data that is not the demo college (%(reason)s), so the demo will not touch it. "
            "Run the demo with an empty data folder, for example DANGJIAN_DATA_DIR=./demo-data, "
            "and without DATABASE_URL."
        ) % {"reason": reason}

    def _print_accounts(self) -> None:
        rows = generator.demo_account_rows()
        table = format_table(
            [_("Account"), _("Who they are"), _("Name"), _("Organisation")],
            [[row.username, row.description, row.name, row.organisation] for row in rows],
        )
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s):") % {"password": generator.DEMO_PASSWORD})
        self.stdout.write("")
        self.stdout.write(table)
        self.stdout.write("")
        self.stdout.write(_("Data folder: %(path)s") % {"path": settings.DATA_DIR})
