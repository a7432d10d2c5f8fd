"""/metrics: the figures counted in kabinet.metrics, and those read at scrape time."""

from __future__ import annotations

import datetime as dt
import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from kabinet.metrics import MULTIPROC_ENV, WORKER_FOLDER

# --- exposition ------------------------------------------------------------------------------


class QueueCollector(Collector):
    """Figures read at scrape time: the task queue and the worker's heartbeat."""

    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now

    def collect(self) -> Iterator[Metric]:
        from . import selectors

        queue = selectors.task_queue(now=self.now)
        depth = GaugeMetricFamily(
            "kabinet_task_queue_depth", "Background tasks waiting to run.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "kabinet_task_queue_oldest_age_seconds",
            "Age of the oldest task waiting to run (0 when none waits).",
            labels=["queue"],
        )
        for name, (count, age) in sorted(queue.items()):
            depth.add_metric([name], count)
            oldest.add_metric([name], age)
        yield depth
        yield oldest
        heartbeat = selectors.worker_heartbeat_age(now=self.now)
        if heartbeat is not None:
            yield GaugeMetricFamily(
                "kabinet_task_worker_heartbeat_age_seconds",
                "Seconds since a task worker last said it was alive.",
                value=heartbeat,
            )


class FilesCollector(Collector):
    """prometheus-client's multiprocess files of several folders, added up as one."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = list(folders)

    def collect(self) -> Iterable[Metric]:
        files = [name for folder in self.folders for name in glob.glob(str(folder / "*.db"))]
        return MultiProcessCollector.merge(files, accumulate=True)


class _ProcessCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def metric_folders() -> list[Path]:
    """This server's folder and the task workers' folder beside it (multiprocess mode)."""
    own = Path(os.environ[MULTIPROC_ENV])
    workers = own.parent / WORKER_FOLDER
    folders = [own]
    if workers != own and workers.is_dir():
        folders.append(workers)
    return folders


def exposition(*, now: dt.datetime) -> tuple[bytes, str]:
    """Return the metrics in Prometheus' text format, and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        registry.register(FilesCollector(metric_folders()))
    else:
        registry.register(_ProcessCollector())
    registry.register(QueueCollector(now=now))
    return generate_latest(registry), CONTENT_TYPE_LATEST
