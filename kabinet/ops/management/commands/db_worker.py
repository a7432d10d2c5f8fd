"""`kabinet db_worker`: django-tasks-db's worker, with a heartbeat and shared metrics.

Started from the command line, it restarts itself once with PROMETHEUS_MULTIPROC_DIR set to the
workers' metrics folder (prometheus-client chooses its storage when first imported), so that
`/metrics` counts the mail and imports done here. The heartbeat thread writes to the cache
every 15 s; `/readyz` wants one younger than KABINET_WORKER_HEARTBEAT_MAX_AGE (60 s).
"""

import os
import sys
from typing import Any

from django_tasks_db.management.commands import db_worker

from kabinet.metrics import MULTIPROC_ENV
from kabinet.ops.folders import worker_metrics_folder
from kabinet.ops.heartbeat import Heartbeat


class Command(db_worker.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        from_command_line = len(sys.argv) > 1 and sys.argv[1] == "db_worker"
        if from_command_line and not os.environ.get(MULTIPROC_ENV):
            os.environ[MULTIPROC_ENV] = str(worker_metrics_folder())
            os.execv(sys.executable, [sys.executable, "-m", "kabinet", *sys.argv[1:]])  # noqa: S606
        Heartbeat().start()
        super().handle(*args, **options)
