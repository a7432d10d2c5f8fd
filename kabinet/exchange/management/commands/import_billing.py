"""`kabinet import_billing PATH... [--provider CODE] [--encoding ENC] [--dry-run]`."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kabinet.exchange.importer import (
    ImportRejected,
    ImportUsageError,
    billing_import,
    iter_errors,
)
from kabinet.exchange.language import command_language


class Command(BaseCommand):
    help = "Import billing exchange files (CSV or DBF) in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--provider", dest="provider_code", metavar="CODE")
        parser.add_argument("--encoding", metavar="ENC")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(command_language()):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        progress = None
        if options["verbosity"] >= 2:

            def progress(name: str, rows: int) -> None:
                self.stderr.write(_("%(file)s: %(rows)d rows read") % {"file": name, "rows": rows})

        try:
            summary = billing_import(
                paths=options["paths"],
                provider_code=options["provider_code"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportUsageError as error:
            raise CommandError(str(error), returncode=2) from error
        except ImportRejected as rejected:
            for line in iter_errors(rejected):
                self.stderr.write(line)
            self.stderr.write(
                ngettext(
                    "%(count)d error; nothing was changed.",
                    "%(count)d errors; nothing was changed.",
                    rejected.total,
                )
                % {"count": rejected.total}
            )
            sys.exit(1)
        except (DatabaseError, OSError) as error:
            # A rule the checks above missed: still one clear line, and nothing changed.
            if options["traceback"]:
                raise
            self.stderr.write(
                _("The import stopped, nothing was changed: %(reason)s") % {"reason": error}
            )
            sys.exit(1)
        if summary.dry_run:
            self.stdout.write(_("Dry run: the files are valid; nothing was changed."))
        for kind, counts in summary.counts.items():
            self.stdout.write(
                _("%(kind)s: %(inserted)d inserted, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "kind": kind,
                    "inserted": counts.inserted,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
