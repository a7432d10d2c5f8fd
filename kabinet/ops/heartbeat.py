"""The task worker's heartbeat: a timestamp in the shared cache, written on a period.

`/readyz` fails when it is older than KABINET_WORKER_HEARTBEAT_MAX_AGE (60 s by default); the
worker writes it every HEARTBEAT_INTERVAL seconds (15), so three missed beats and more.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache
from django.db import connections

from .selectors import HEARTBEAT_KEY

HEARTBEAT_INTERVAL = 15.0
logger = logging.getLogger("kabinet.ops")


def heartbeat_write(*, at: float) -> None:
    """Record that a worker is alive at `at` (a Unix time)."""
    cache.set(HEARTBEAT_KEY, at, timeout=None)


class Heartbeat(threading.Thread):
    """Writes the heartbeat every `interval` seconds until the process ends.

    A thread rather than a step of the worker's loop: a long task (a large import) must not
    make the worker look dead. A stuck worker shows as the queue's oldest task growing older
    (kabinet_task_queue_oldest_age_seconds).
    """

    def __init__(self, interval: float = HEARTBEAT_INTERVAL) -> None:
        super().__init__(name="kabinet-heartbeat", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                heartbeat_write(at=time.time())
            except Exception:  # the cache or the database is down: /readyz says so already
                logger.warning("worker heartbeat not written", exc_info=True)
            finally:
                # The database cache opened a connection in this thread; do not keep it.
                connections.close_all()
            self.stopped.wait(self.interval)
