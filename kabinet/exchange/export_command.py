"""What every export command does: `--provider CODE (--period YYYY-MM | --from DATE --to DATE)
[--format csv|dbf] [--output FILE]`, written aside and renamed when complete.

`kabinet export_readings` and `kabinet export_payments` differ only in the export they call.
"""

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kabinet.periods import InvalidPeriod, parse_period, period_end

from .exporter import FORMATS, ExportUsageError
from .language import command_language


class ExportCommand(BaseCommand):
    """A command that writes one export; a subclass names it in `export`.

    `export(provider_code=, date_from=, date_to=, file_format=, out=)` writes the file and
    raises ExportUsageError when it was asked for wrongly.
    """

    export: Callable[..., int]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", dest="provider_code", required=True, metavar="CODE")
        parser.add_argument("--period", metavar="YYYY-MM")
        parser.add_argument("--from", dest="date_from", metavar="DATE")
        parser.add_argument("--to", dest="date_to", metavar="DATE")
        parser.add_argument("--format", dest="file_format", choices=FORMATS, default="csv")
        parser.add_argument("--output", type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(command_language()):
            date_from, date_to = self._range(options)
            output: Path | None = options["output"]
            try:
                if output is None:
                    type(self).export(
                        provider_code=options["provider_code"],
                        date_from=date_from,
                        date_to=date_to,
                        file_format=options["file_format"],
                        out=sys.stdout.buffer,
                    )
                    sys.stdout.buffer.flush()
                    return
                # Written aside and renamed when complete: a half-written export never
                # stands under the name the billing system picks up.
                partial = output.with_name(output.name + ".part")
                try:
                    with partial.open("wb") as out:
                        type(self).export(
                            provider_code=options["provider_code"],
                            date_from=date_from,
                            date_to=date_to,
                            file_format=options["file_format"],
                            out=out,
                        )
                    partial.replace(output)
                finally:
                    partial.unlink(missing_ok=True)
            except ExportUsageError as error:
                raise CommandError(str(error), returncode=2) from error
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(reason)s")
                    % {"file": output, "reason": error.strerror},
                    returncode=2,
                ) from error

    def _range(self, options: dict[str, Any]) -> tuple[dt.date, dt.date]:
        period, date_from, date_to = options["period"], options["date_from"], options["date_to"]
        if period and not (date_from or date_to):
            try:
                start = parse_period(period)
            except InvalidPeriod as error:
                raise CommandError(
                    _("Not a period (YYYY-MM): %(value)s") % {"value": period}, returncode=2
                ) from error
            return start, period_end(start)
        if date_from and date_to and not period:
            try:
                return dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
            except ValueError as error:
                raise CommandError(
                    _("Dates are written YYYY-MM-DD: %(from)s, %(to)s")
                    % {"from": date_from, "to": date_to},
                    returncode=2,
                ) from error
        raise CommandError(_("Give either --period or both --from and --to."), returncode=2)
