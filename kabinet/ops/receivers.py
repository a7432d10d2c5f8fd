"""Where the portal's events reach the metrics and the logs: Django's, allauth's (through
Django's auth signals), django-tasks' and the import run's signals, connected in OpsConfig.

The request id travels into a task through the cache: the enqueuing request writes it under
the task's id, the worker reads it back when the task starts.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db.models.signals import post_save
from django_tasks.signals import task_enqueued, task_finished, task_started

from kabinet import metrics

from .logs import REQUEST_ID

logger = logging.getLogger("kabinet.task")
TASK_REQUEST_KEY = "kabinet:ops:task-request:{}"
TASK_REQUEST_TIMEOUT = 7 * 24 * 3600
_running: dict[str, tuple[float, Any]] = {}


def on_signed_in(sender: Any, **kwargs: Any) -> None:
    metrics.sign_in(succeeded=True)


def on_sign_in_failed(sender: Any, **kwargs: Any) -> None:
    # kwargs carry the credentials typed (the password among them): never logged.
    metrics.sign_in(succeeded=False)


def on_task_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = REQUEST_ID.get()
    if request_id:
        try:
            cache.set(TASK_REQUEST_KEY.format(task_result.id), request_id, TASK_REQUEST_TIMEOUT)
        except Exception:  # a task runs even when its request id could not be kept
            logger.warning("request id not kept for task %s", task_result.id)


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = REQUEST_ID.get()
    if request_id is None:
        try:
            request_id = cache.get(TASK_REQUEST_KEY.format(task_result.id))
        except Exception:
            request_id = None
        token = REQUEST_ID.set(request_id) if request_id else None
    else:
        token = None  # run at once in the enqueuing request (the immediate backend)
    _running[str(task_result.id)] = (time.perf_counter(), token)


def on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started, token = _running.pop(str(task_result.id), (None, None))
    task_name = getattr(task_result.task, "module_path", None) or str(task_result.task)
    status = str(getattr(task_result.status, "value", task_result.status)).lower()
    metrics.task_finished(task=task_name, status=status)
    fields: dict[str, Any] = {
        "request_id": REQUEST_ID.get(),
        "task": task_name,
        "task_id": str(task_result.id),
        "status": status,
    }
    if started is not None:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    logger.info("task", extra={"fields": fields})
    if token is not None:
        REQUEST_ID.reset(token)


FINISHED_IMPORT_STATUSES = {"done", "rejected", "failed"}


def on_import_run_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "status" not in update_fields:
        return
    status = getattr(instance, "status", None)
    finished_at = getattr(instance, "finished_at", None)
    if status not in FINISHED_IMPORT_STATUSES or finished_at is None:
        return
    # Counting must never fail an import: a model that changed shape is logged, not raised.
    try:
        started_at = getattr(instance, "created_at", None)
        counts = getattr(instance, "counts", None)
        metrics.import_run_finished(
            status=status,
            via=str(getattr(instance, "via", "") or ""),
            seconds=(finished_at - started_at).total_seconds() if started_at else None,
            counts=counts if isinstance(counts, dict) else {},
        )
    except Exception:
        logging.getLogger("kabinet.ops").warning("import run not counted", exc_info=True)


def _import_run_model() -> type | None:
    # ImportRun is moving from the back office to exchange; follow it wherever it is.
    for label in ("exchange.ImportRun", "backoffice.ImportRun"):
        try:
            return apps.get_model(label)
        except LookupError:
            continue
    return None


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="kabinet.ops.signed_in")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="kabinet.ops.sign_in_failed")
    task_enqueued.connect(on_task_enqueued, dispatch_uid="kabinet.ops.task_enqueued")
    task_started.connect(on_task_started, dispatch_uid="kabinet.ops.task_started")
    task_finished.connect(on_task_finished, dispatch_uid="kabinet.ops.task_finished")
    model = _import_run_model()
    if model is not None:
        post_save.connect(on_import_run_saved, sender=model, dispatch_uid="kabinet.ops.import_run")
