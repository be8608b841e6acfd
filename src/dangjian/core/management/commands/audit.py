"""`dangjian audit seal` and `dangjian audit verify [--since DATE]`: the audit log's tamper evidence.

`seal` seals every finished day not sealed yet (the nightly job does the same); `verify` recomputes
every event's hash, every sealed day's root and count and the seals' chain, prints what it finds and
exits with status 1 if anything was found. See docs/audit.md.
"""

import datetime

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.core.auditchain.chain import Trigger, audit_seal, audit_verify, describe


class Command(BaseCommand):
    help = "Seal the audit log's finished days, or verify the events, the seals and their chain."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("seal", help="Seal every finished day not sealed yet (never a sealed day again).")
        verify = actions.add_parser("verify", help="Verify events, seals and chain; exit status 1 on any finding.")
        verify.add_argument("--since", help="Only from this day on (YYYY-MM-DD).")

    def handle(self, *args, action: str, since: str | None = None, **options):
        if action == "seal":
            result = audit_seal()
            if result.sealed:
                self.stdout.write(
                    _("Sealed %(count)d days, %(first)s to %(last)s.")
                    % {"count": len(result.sealed), "first": result.sealed[0], "last": result.sealed[-1]}
                )
            else:
                self.stdout.write(_("No finished day is left to seal."))
            if result.head is not None:
                self.stdout.write(
                    _("Newest seal: %(day)s, chain %(chain)s.") % {"day": result.head.day, "chain": result.head.chain}
                )
            return
        try:
            day = datetime.date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(_("Enter a date as YYYY-MM-DD.")) from None
        verification = audit_verify(
            since=day, trigger=Trigger.COMMAND, on_finding=lambda f: self.stderr.write(describe(f.as_json()))
        )
        self.stdout.write(
            _("Checked %(events)d events and %(days)d sealed days.")
            % {"events": verification.events, "days": verification.days}
        )
        if verification.head_day:
            self.stdout.write(
                _("Newest seal: %(day)s, chain %(chain)s.")
                % {"day": verification.head_day, "chain": verification.head_chain}
            )
        if not verification.ok:
            raise CommandError(
                _("The audit log failed verification: %(count)d findings.") % {"count": verification.finding_count}
            )
        self.stdout.write(_("The audit log is intact."))
