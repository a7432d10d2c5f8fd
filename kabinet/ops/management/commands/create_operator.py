"""`kabinet create_operator LOGIN --email ADDRESS --provider CODE [--provider CODE ...]`."""

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.ops import services

PASSWORD_ENV = "KABINET_OPERATOR_PASSWORD"  # noqa: S105 (a variable name)


class Command(BaseCommand):
    help = (
        "Make or update a staff user with a verified e-mail who operates the given providers. "
        f"The password comes from a prompt or {PASSWORD_ENV}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login")
        parser.add_argument("--email", required=True, help="the operator's e-mail address")
        parser.add_argument(
            "--provider",
            action="append",
            required=True,
            dest="providers",
            metavar="CODE",
            help="a provider the operator works for (repeat for several)",
        )

    def _password(self) -> str:
        from_env = os.environ.get(PASSWORD_ENV)
        if from_env is not None:
            return from_env
        if not sys.stdin.isatty():
            raise CommandError(
                _("No password: set %(env)s or run the command in a terminal.")
                % {"env": PASSWORD_ENV},
                returncode=2,
            )
        first = getpass.getpass(_("Password: "))
        second = getpass.getpass(_("Password (again): "))
        if first != second:
            raise CommandError(_("The passwords do not match."), returncode=2)
        return first

    def handle(self, *args, login: str, email: str, providers: list[str], **options) -> None:
        password = self._password()
        try:
            saved = services.operator_save(
                login=login,
                email=email,
                provider_codes=providers,
                password=password,
                now=timezone.now(),
            )
        except services.OperatorInvalid as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(_("Nothing was changed."), returncode=1) from None
        message = _("Operator %(login)s created, operating: %(providers)s")
        if not saved.created:
            message = _("Operator %(login)s updated, operating: %(providers)s")
        self.stdout.write(
            message % {"login": saved.user.username, "providers": ", ".join(saved.providers)}
        )
