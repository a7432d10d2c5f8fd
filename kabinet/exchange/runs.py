"""Import runs: one upload of billing files through the back office or the API, stored, then
imported at once (a small upload) or by the task worker (a large one), with its outcome and
progress written on the run."""

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.providers.models import Provider

from .importer import ImportRejected, ImportSummary, ImportUsageError, billing_import
from .models import ImportRun

# Uploads larger than this go to the task worker; smaller ones are imported while the operator
# waits, which keeps the dry-run report one click away.
BACKGROUND_IMPORT_BYTES = getattr(settings, "KABINET_BACKGROUND_IMPORT_BYTES", 1024 * 1024)
# The report keeps the first rows of a rejection, as the exchange format asks.
MAX_STORED_ERRORS = 1000

SAFE_NAME_RE = re.compile(r"[^\w.\-]+", re.UNICODE)


class Upload(Protocol):
    """What an uploaded file offers: Django's UploadedFile, or any named binary stream."""

    name: str | None

    def chunks(self) -> Iterable[bytes]: ...


class ImportRunRefused(Exception):
    """A request about an import run that breaks a rule; `message` says which, in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _import_dir(run: ImportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(run.pk)


def _safe_name(name: str, index: int) -> str:
    base = SAFE_NAME_RE.sub("_", Path(name).name).strip("._") or "file"
    return f"{index:02d}-{base}"


def import_run_create(
    *,
    actor,
    provider: Provider,
    files: list[Upload] | list[Any],
    dry_run: bool,
    via: str,
    now: dt.datetime,
    encoding: str = "",
) -> ImportRun:
    """Store the uploaded files and record a queued import run; raises ImportRunRefused."""
    if not files:
        raise ImportRunRefused(_("Choose at least one file to import."))
    run = ImportRun.objects.create(
        created_at=now,
        actor=actor,
        provider=provider,
        via=via,
        dry_run=dry_run,
        encoding=encoding,
    )
    folder = _import_dir(run)
    folder.mkdir(parents=True, exist_ok=True)
    names, paths, total = [], [], 0
    for index, upload in enumerate(files, start=1):
        name = Path(upload.name or f"file{index}").name
        target = folder / _safe_name(name, index)
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
                total += len(chunk)
        names.append(name)
        paths.append(str(target))
    run.file_names, run.stored_paths, run.total_bytes = names, paths, total
    run.save(update_fields=["file_names", "stored_paths", "total_bytes"])
    return run


def import_run_apply(*, dry_run: ImportRun, actor, now: dt.datetime) -> ImportRun:
    """Record a real import of the files a successful dry run checked; raises ImportRunRefused."""
    if not dry_run.dry_run or dry_run.status != ImportRun.Status.DONE:
        raise ImportRunRefused(_("Only a dry run that found no errors can be applied."))
    if not all(Path(path).exists() for path in dry_run.stored_paths):
        raise ImportRunRefused(_("The files of this dry run are gone; upload them again."))
    return ImportRun.objects.create(
        created_at=now,
        actor=actor,
        provider=dry_run.provider,
        via=dry_run.via,
        dry_run=False,
        applied_from=dry_run,
        encoding=dry_run.encoding,
        file_names=dry_run.file_names,
        stored_paths=dry_run.stored_paths,
        total_bytes=dry_run.total_bytes,
    )


def import_run_start(*, run: ImportRun) -> ImportRun:
    """Import `run`'s files now when they are small, or hand them to the task worker."""
    if run.total_bytes > BACKGROUND_IMPORT_BYTES:
        from .tasks import import_run_task

        import_run_task.enqueue(run.pk)
        run.refresh_from_db()
        return run
    return import_run_execute(run_id=run.pk)


def _summary_counts(summary: ImportSummary) -> dict[str, dict[str, int]]:
    """Turn the importer's summary into {kind: {inserted, updated, unchanged}}."""
    return {kind: dataclasses.asdict(counts) for kind, counts in summary.counts.items()}


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only once the folder is empty


def _estimated_rows(path: Path) -> int:
    """Return about how many rows a file holds, for the progress bar (no parsing)."""
    with path.open("rb") as stream:
        head = stream.read(8)
        if head[:1] in (b"\x03", b"\x04", b"\x83", b"\x8b", b"\xf5", b"\x30"):
            # A DBF header gives its record count in bytes 4..7, little-endian.
            return int.from_bytes(head[4:8], "little")
        stream.seek(0)
        return max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b"")) - 1, 0
        )


def import_run_execute(*, run_id: int) -> ImportRun:
    """Run the importer on a queued run and record its outcome (never raises on bad data)."""
    run = ImportRun.objects.select_related("provider").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return run
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])

    paths = [Path(path) for path in run.stored_paths]
    names = {path: name for path, name in zip(paths, run.file_names, strict=True)}
    done_by_file: dict[str, int] = {}
    total_rows = sum(_estimated_rows(path) for path in paths)
    run.progress_total = total_rows
    ImportRun.objects.filter(pk=run.pk).update(progress_total=total_rows)

    def progress(file_name: str, done: int) -> None:
        done_by_file[file_name] = done
        ImportRun.objects.filter(pk=run.pk).update(progress_done=sum(done_by_file.values()))

    try:
        summary = billing_import(
            paths=paths,
            provider_code=run.provider.code,
            encoding=run.encoding or None,
            dry_run=run.dry_run,
            display_names=names,
            progress=progress,
        )
    except ImportRejected as rejection:
        run.status = ImportRun.Status.REJECTED
        run.errors = [str(error) for error in rejection.errors[:MAX_STORED_ERRORS]]
        run.error_total = int(getattr(rejection, "total", len(rejection.errors)))
        run.message = _("Nothing was changed: fix the rows listed and upload the files again.")
    except ImportUsageError as usage:
        run.status = ImportRun.Status.FAILED
        run.message = str(usage)[:500]
    except Exception as failure:
        # A defect must not leave the run "running" for ever; the operator sees it failed.
        run.status = ImportRun.Status.FAILED
        run.message = (_("The import failed unexpectedly: %(error)s") % {"error": failure})[:500]
    else:
        run.status = ImportRun.Status.DONE
        run.counts = _summary_counts(summary)
    run.progress_done = sum(done_by_file.values())
    run.finished_at = timezone.now()
    run.save()
    # Only a clean dry run's files are needed again (to apply them); uploads hold personal data.
    if not (run.dry_run and run.status == ImportRun.Status.DONE):
        _remove_files(paths)
    if not run.dry_run:
        audit_record(
            at=run.finished_at,
            actor=run.actor,
            action="import.applied" if run.status == ImportRun.Status.DONE else "import.failed",
            target=run,
            provider=run.provider,
            after={
                "files": run.file_names,
                "status": run.status,
                "counts": run.counts,
                "errors": run.error_total,
            },
        )
    return run
