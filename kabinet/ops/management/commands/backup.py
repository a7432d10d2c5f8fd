"""`kabinet backup PATH`: a consistent copy of the database while the portal runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kabinet.ops import services


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to PATH while the portal runs: SQLite's "
        "online backup, or pg_dump's custom format for PostgreSQL (restore: docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the file to write")
        parser.add_argument("--force", action="store_true", help="replace PATH if it exists")

    def handle(self, *args, path: str, force: bool, **options) -> None:
        target = Path(path).expanduser()
        try:
            method = services.database_backup(target=target, overwrite=force)
        except services.BackupFailed as error:
            raise CommandError(str(error), returncode=1) from None
        size = target.stat().st_size
        self.stdout.write(
            _("Backup written to %(path)s (%(method)s, %(size)d bytes)")
            % {"path": target, "method": method, "size": size}
        )
