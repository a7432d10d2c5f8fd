"""The folders of prometheus-client's multiprocess files (see metrics.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from kabinet.metrics import MULTIPROC_ENV, WORKER_FOLDER

PID_IN_NAME = re.compile(r"_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve_metrics_folder(*, bind: str) -> Path:
    """An empty folder for this server's workers: PROMETHEUS_MULTIPROC_DIR when set, else
    `serve-<bind>` under KABINET_METRICS_DIR, so two servers on one host keep apart."""
    given = os.environ.get(MULTIPROC_ENV)
    folder = (
        Path(given) if given else settings.METRICS_DIR / ("serve-" + re.sub(r"[^\w.-]", "_", bind))
    )
    folder.mkdir(parents=True, exist_ok=True)
    # The counters start again with the server, as prometheus-client requires; Prometheus
    # reads a drop as a restart.
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    return folder


def worker_metrics_folder() -> Path:
    """The task workers' shared folder, without the files of workers no longer running."""
    folder = settings.METRICS_DIR / WORKER_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name in folder.glob("*.db"):
        found = PID_IN_NAME.search(name.name)
        if found and not _alive(int(found.group(1))):
            name.unlink(missing_ok=True)
    return folder
