"""`kabinet seed_demo [--accounts N]`: the demo town, imported, with its subscribers."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.demo.services import demo_seed
from kabinet.demo.town import TownTooSmall
from kabinet.exchange.importer import ImportRejected, iter_errors


class Command(BaseCommand):
    help = (
        "Build the demo town (providers, streets, accounts, meters, a year of readings and "
        "ledger), import it, and create the demo's subscribers. Deterministic for a given N."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts", type=int, default=3000, help=_("accounts in the town (default 3000)")
        )

    def handle(self, *args, accounts: int, **options):
        started = time.monotonic()
        directory = settings.VAR_DIR / "demo-town"
        shown: dict[str, int] = {}

        def progress(file_name: str, rows: int) -> None:
            # A line per 100,000 rows of a file: quiet for the default town, alive for big ones.
            if rows // 100_000 > shown.get(file_name, 0):
                shown[file_name] = rows // 100_000
                self.stdout.write(f"  {file_name}: {rows:,}")

        self.stdout.write(
            _("Writing a town of %(accounts)d accounts into %(directory)s and importing it...")
            % {"accounts": accounts, "directory": directory}
        )
        try:
            result = demo_seed(
                accounts=accounts,
                today=timezone.localdate(),
                directory=directory,
                now=timezone.now(),
                progress=progress if options["verbosity"] >= 1 else None,
            )
        except TownTooSmall as error:
            raise CommandError(str(error)) from error
        except ImportRejected as error:
            for line in iter_errors(error):
                self.stderr.write(line)
            raise CommandError(_("The demo town did not import.")) from error
        elapsed = time.monotonic() - started
        self.stdout.write(_("Done in %(seconds).1f s:") % {"seconds": elapsed})
        for kind, counts in result.summary.counts.items():
            self.stdout.write(
                f"  {kind}: "
                + _("%(inserted)d inserted, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "inserted": counts.inserted,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Sign in at %(url)s/login/ as:") % {"url": settings.SITE_URL})
        )
        roles = {
            "subscriber": _("subscriber"),
            "operator": _("operator"),
            "superuser": _("superuser"),
        }
        password = _("password")
        for login in result.logins:
            linked = ", ".join(login.accounts)
            self.stdout.write(
                f"  {login.username:<9} {password}: {login.password:<22} "
                f"({roles[login.role]}{': ' + linked if linked else ''})"
            )
        self.stdout.write("")
        self.stdout.write(_("Accounts to try registration with (docs/demo.md tells more):"))
        for free in result.free_accounts:
            self.stdout.write(
                f"  {free.provider:<9} {free.number:<10} {free.address}; {free.surname}"
            )
