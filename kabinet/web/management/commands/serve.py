"""`kabinet serve`: the production server, gunicorn with static files served by WhiteNoise."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kabinet.metrics import MULTIPROC_ENV
from kabinet.ops.folders import serve_metrics_folder


class Command(BaseCommand):
    help = "Run the portal with gunicorn (static files included)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument(
            "--workers", type=int, default=None, help="worker processes (default: 2 × cores + 1)"
        )
        parser.add_argument("--threads", type=int, default=1, help="threads per worker")
        parser.add_argument("--timeout", type=int, default=30)
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="skip collecting static files (they were collected at deploy)",
        )

    def handle(
        self,
        *args,
        bind: str,
        workers: int | None,
        threads: int,
        timeout: int,
        no_collectstatic: bool,
        **options,
    ):
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or (2 * (os.cpu_count() or 1) + 1)
        # ops: every worker counts into one metrics folder (prometheus-client multiprocess mode)
        os.environ[MULTIPROC_ENV] = str(serve_metrics_folder(bind=bind))
        argv = [
            "gunicorn",
            "kabinet.config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "10",
            # gunicorn 27's control socket defaults to one path per user (~/.gunicorn/), which
            # two instances on one host would share and a service user may not be able to
            # write; Kabinet is run with signals (HUP, TERM), so none is opened.
            "--no-control-socket",
        ]
        plural = "" if workers == 1 else "s"
        self.stdout.write(f"Kabinet listening on http://{bind}/ with {workers} worker{plural}")
        self.stdout.flush()
        os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606
