# SQL here is built from model table names only.
# ruff: noqa: S608
"""One import run: the files read and their kinds told, each kind's rows converted (fast path
first, the checked one in doubt) and loaded in batches, then applied, all in one transaction.

Memory stays flat whatever the size of the files: no more than one batch of rows is held, and
duplicate keys are found in SQL.
"""

from __future__ import annotations

import codecs
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from kabinet.exchange.files import FileRejected, SourceFile, open_source

from . import rows
from .apply import Applier
from .cells import Cells
from .columns import KINDS, Kind, detect_kind
from .fast_batches import BatchConverter, fast_batch_converter
from .fast_rows import fast_converter
from .ledger import LedgerLoader
from .report import Checks, Errors, ImportRejected, ImportSummary, ImportUsageError
from .staging import STAGE_KEYS, T_ACCOUNT, T_METER, T_PROVIDER, T_STREET, Database

BATCH_ROWS = 5000
GC_THRESHOLD = 50000
# The tables each kind writes, which the kinds after it look rows up in.
ANALYZED_AFTER = {
    "streets": (T_STREET,),
    "accounts": (T_ACCOUNT,),
    "meters": (T_METER,),
}

Progress = Callable[[str, int], None]


def billing_import(
    *,
    paths: Sequence[Path],
    provider_code: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    display_names: Mapping[Path, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import exchange files in one transaction: all of them or, on any invalid row, nothing.

    Raises ImportRejected (every invalid row, nothing changed) and ImportUsageError (no files,
    a missing file, an unknown encoding). A dry run validates and counts, then rolls back.
    """
    if not paths:
        raise ImportUsageError(_("Give at least one file to import."))
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise ImportUsageError(
                _("Unknown encoding: %(encoding)s") % {"encoding": encoding}
            ) from error
    for path in paths:
        if not Path(path).is_file():
            raise ImportUsageError(_("No such file: %(path)s") % {"path": path})
    names = dict(display_names or {})
    run = _Run(
        paths=[Path(p) for p in paths],
        names={Path(p): names.get(p, str(p)) for p in paths},
        provider_code=provider_code or None,
        encoding=encoding or None,
        progress=progress,
        summary=ImportSummary(dry_run=dry_run),
    )
    with transaction.atomic(), _fewer_collections():
        run.execute()
        if run.errors.total:
            raise ImportRejected(run.errors.sorted(), run.errors.total)
        if dry_run:
            transaction.set_rollback(True)
    return run.summary


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the garbage collector's youngest generation less often while importing.

    A batch keeps thousands of rows (lists) alive; at the default threshold the collector
    walks them again and again as they age, which cost a third of reading a file. The rows
    form no cycles, so collecting less often frees the same memory.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


class _Run:
    """One import: the files, the staging tables, the errors and the counts."""

    def __init__(
        self,
        *,
        paths: list[Path],
        names: dict[Path, str],
        provider_code: str | None,
        encoding: str | None,
        progress: Progress | None,
        summary: ImportSummary,
    ) -> None:
        self.paths = paths
        self.names = names
        self.provider_code = provider_code
        self.encoding = encoding
        self.progress = progress
        self.summary = summary
        self.errors = Errors({names[p]: i for i, p in enumerate(paths)})
        self.providers: dict[str, int] = {}
        self.failed_kinds: set[str] = set()
        self.display_by_file_no: dict[int, str] = {}
        self.db: Database
        self.checks: Checks
        self.ledger: LedgerLoader | None = None

    def execute(self) -> None:
        sources = self._open_sources()
        # Staging tables are temporary and created inside the run's transaction: a rollback
        # takes them away, and the success path drops them.
        with connection.cursor() as cursor:
            self.db = Database(cursor, connection.vendor)
            self.checks = Checks(self.db, self.errors, self.display_by_file_no)
            cache_sizes = self.db.enlarge_sqlite_cache()
            try:
                for kind in KINDS:
                    of_kind = [(no, src) for no, src, k in sources if k is kind]
                    if of_kind:
                        self._import_kind(kind, of_kind)
                self.db.drop_stages()
            finally:
                self.db.restore_sqlite_cache(cache_sizes)

    def _open_sources(self) -> list[tuple[int, SourceFile, Kind]]:
        """Open each file and tell its kind from its header; report those that cannot be."""
        sources: list[tuple[int, SourceFile, Kind]] = []
        for file_no, path in enumerate(self.paths):
            self.display_by_file_no[file_no] = self.names[path]
            try:
                source = open_source(
                    path=path, display_name=self.names[path], encoding=self.encoding
                )
            except FileRejected as rejected:
                self.errors.add(rejected.error)
                continue
            detected = detect_kind(source.columns, self.names[path])
            if detected.kind is None:
                self.errors.add(
                    source.error(
                        1,
                        "*",
                        _("cannot tell the kind of file from its header: %(header)s")
                        % {"header": ",".join(source.columns)},
                    )
                )
                continue
            if detected.missing or detected.unknown:
                for column in detected.missing:
                    self.errors.add(source.error(1, column, _("required column is missing")))
                for column in detected.unknown:
                    self.errors.add(
                        source.error(
                            1,
                            column,
                            _("unknown column in a %(kind)s file") % {"kind": detected.kind.name},
                        )
                    )
                self.failed_kinds.add(detected.kind.name)
                continue
            sources.append((file_no, source, detected.kind))
            self.summary.files.append((self.names[path], detected.kind.name))
        return sources

    def _import_kind(self, kind: Kind, sources: list[tuple[int, SourceFile]]) -> None:
        errors_before = self.errors.total
        db = self.db
        if kind.name != "providers":
            self._load_providers()
        db.create_stage(kind.name)
        if kind.name == "streets":
            db.create_stage("street_names")
        if kind.name == "ledger":
            self.ledger = LedgerLoader(db, self.checks, self.errors)
            self.ledger.report_missing = "accounts" not in self.failed_kinds
        for file_no, source in sources:
            self._stage_file(kind, file_no, source)
        if kind.name in STAGE_KEYS:
            self.checks.report_duplicates(kind.name)
        applier = Applier(db, self.checks, self.failed_kinds, self.ledger)
        self.summary.counts[kind.name] = applier.apply(kind.name)
        if db.vendor == "postgresql" and kind.name in ANALYZED_AFTER:
            # The planner's idea of a table filled in this transaction is its size before
            # (often empty), which made each batch's account lookup scan all the accounts.
            for table in ANALYZED_AFTER[kind.name]:
                db.cursor.execute(f"ANALYZE {table}")
        if self.errors.total > errors_before:
            self.failed_kinds.add(kind.name)

    def _load_providers(self) -> None:
        self.db.cursor.execute(f"SELECT code, id FROM {T_PROVIDER}")
        self.providers = dict(self.db.cursor.fetchall())

    def _resolve_provider(self) -> Callable[[str], int | None]:
        """The fast path's provider lookup: an id, or None for anything it would report."""
        given = self.provider_code
        providers = self.providers
        only = next(iter(providers.values())) if len(providers) == 1 else None
        default = providers.get(given) if given is not None else only

        def resolve(code: str) -> int | None:
            if not code:
                return default
            if given is not None and code != given:
                return None
            return providers.get(code)

        return resolve

    def _provider_of(self) -> Callable[[Cells], int | None]:
        given = self.provider_code
        providers = self.providers
        only = next(iter(providers.values())) if len(providers) == 1 else None

        def provider_of(c: Cells) -> int | None:
            code = c.get("provider")
            if code is not None and not isinstance(code, str):
                code = str(code)
            if code is None:
                if given is None:
                    if only is not None:
                        return only
                    c.fail(
                        "provider",
                        _("no provider: add a provider column or give --provider"),
                    )
                    return None
                code = given
            elif given is not None and code != given:
                c.fail(
                    "provider",
                    _("the row says %(row)s but --provider says %(given)s")
                    % {"row": code, "given": given},
                )
                return None
            provider_id = providers.get(code)
            if provider_id is None:
                c.fail(
                    "provider",
                    _("unknown provider %(code)s: import a providers file first") % {"code": code},
                )
            return provider_id

        return provider_of

    def _load(self, name: str, batch: list[tuple[Any, ...]]) -> None:
        if name == "ledger":
            assert self.ledger is not None
            self.ledger.load_rows(batch)
        else:
            self.db.load(name, batch)

    def _stage_file(self, kind: Kind, file_no: int, source: SourceFile) -> None:
        name = kind.name
        provider_of = self._provider_of()
        converters: dict[str, Callable[[Cells], Any]] = {
            "providers": rows.convert_provider,
            "streets": lambda c: rows.convert_street(c, provider_of),
            "accounts": lambda c: rows.convert_account(c, provider_of),
            "meters": lambda c: rows.convert_meter(c, provider_of),
            "readings": lambda c: rows.convert_reading(c, provider_of),
            "ledger": lambda c: rows.convert_ledger(c, provider_of),
        }
        convert = converters[name]
        index = {column: position for position, column in enumerate(source.columns)}
        csv = source.format == "csv"
        fast = fast_converter(name, index, self._resolve_provider()) if csv else None
        error = source.error
        add_error = self.errors.add

        def stage_row(line: int, values: list[Any]) -> Any:
            """The row's staging values, or None when its problems were reported."""
            staged = fast(values) if fast else None
            if staged is None:
                cells = Cells(values, index)
                staged = convert(cells)
                if cells.problems:
                    for column, reason in cells.problems:
                        add_error(error(line, column, reason))
                    return None
            return staged

        batch_convert = fast_batch_converter(name, index, self._resolve_provider()) if csv else None
        if batch_convert is not None:
            self._stage_csv_batches(name, file_no, source, batch_convert, stage_row)
            return
        batch: list[tuple[Any, ...]] = []
        names_batch: list[tuple[Any, ...]] = []
        done = 0
        for line, values in source.rows(add_error):
            staged = stage_row(line, values)
            if staged is None:
                continue
            if name == "streets":
                street, street_names = staged
                batch.append((file_no, line, *street))
                names_batch.extend((file_no, line, *n) for n in street_names)
            else:
                batch.append((file_no, line, *staged))
            if len(batch) >= BATCH_ROWS:
                self._load(name, batch)
                self.db.load("street_names", names_batch)
                done += len(batch)
                batch.clear()
                names_batch.clear()
                if self.progress:
                    self.progress(source.display_name, done)
        self._load(name, batch)
        self.db.load("street_names", names_batch)
        if self.progress:
            self.progress(source.display_name, done + len(batch))

    def _finish_copy(self, error: BaseException | None = None) -> None:
        if self.ledger is not None:
            self.ledger.finish_copy(error)

    def _stage_csv_batches(
        self,
        name: str,
        file_no: int,
        source: SourceFile,
        convert: BatchConverter,
        stage_row: Callable[[int, list[Any]], Any],
    ) -> None:
        """Stage a CSV file of a bulk kind a batch at a time, column by column; a batch with
        any row in doubt goes row by row, which words the problems."""
        done = 0

        def flush(lines: list[int], raw: list[list[str]]) -> None:
            columns = convert(raw)
            if columns is not None:
                if self.ledger is not None and name == "ledger":
                    self.ledger.load_columns(file_no, lines, columns)
                else:
                    self.db.load_columns(name, file_no, lines, columns)
                return
            staged_rows = []
            for line, values in zip(lines, raw, strict=True):
                staged = stage_row(line, values)
                if staged is not None:
                    staged_rows.append((file_no, line, *staged))
            self._load(name, staged_rows)

        lines: list[int] = []
        raw: list[list[str]] = []
        try:
            for line, values in source.rows(self.errors.add):
                lines.append(line)
                raw.append(values)  # type: ignore[arg-type]
                if len(raw) < BATCH_ROWS:
                    continue
                flush(lines, raw)
                done += len(raw)
                lines, raw = [], []
                if self.progress:
                    self._finish_copy()  # the callback may use the connection
                    self.progress(source.display_name, done)
            if raw:
                flush(lines, raw)
                done += len(raw)
        except BaseException as error:
            self._finish_copy(error)
            raise
        self._finish_copy()
        if self.progress:
            self.progress(source.display_name, done)
