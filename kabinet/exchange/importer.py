# SQL here is built from model table names and fixed column names only; every value read from
# a file travels as a parameter or through COPY.
# ruff: noqa: S608
"""Import of billing exchange files (CSV, DBF): the `billing_import` service.

Set-based: files are streamed row by row, each row validated and folded in Python, loaded in
batches into temporary staging tables (multi-row INSERT on SQLite, COPY on PostgreSQL), and
applied with a few INSERT ... SELECT ... ON CONFLICT statements per kind. Ledger rows of an
(account, period) new to the portal skip the staging and go straight into the ledger. CSV
ledger and meter batches are checked a column at a time (`kinds.fast_batch_converter`), a
batch in doubt row by row. Counts of inserted, updated and unchanged rows are computed in SQL.
Memory stays flat whatever the size of the files: no more than one batch of rows is held, and
duplicate keys are found in SQL.
"""

from __future__ import annotations

import codecs
import gc
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kabinet.addresses.models import Street, StreetName
from kabinet.billing.models import Account, LedgerEntry
from kabinet.metering.models import Meter, Reading
from kabinet.providers.models import Provider

from . import kinds
from .files import FileRejected, RowError, SourceFile, open_source
from .kinds import KINDS, Cells

__all__ = [
    "ImportRejected",
    "ImportSummary",
    "ImportUsageError",
    "KindCounts",
    "RowError",
    "billing_import",
]

MAX_REPORTED_ERRORS = 1000
BATCH_ROWS = 5000
GC_THRESHOLD = 50000
SQLITE_CACHE_KIB = 64 * 1024
SQLITE_MAX_PARAMETERS = 30000  # SQLite allows 32766 since 3.32
PORTAL_SOURCES = tuple(str(source) for source in Reading.PORTAL_SOURCES)


class ImportUsageError(Exception):
    """The import was called wrongly (no files, a file that does not exist, a bad option)."""


class ImportRejected(Exception):
    """The files hold invalid rows; nothing was changed.

    `errors` holds the first MAX_REPORTED_ERRORS problems in file and line order, `total`
    counts all of them.
    """

    def __init__(self, errors: list[RowError], total: int) -> None:
        super().__init__(ngettext("%(total)d error", "%(total)d errors", total) % {"total": total})
        self.errors = errors
        self.total = total


@dataclass
class KindCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do), per kind in dependency order."""

    dry_run: bool
    counts: dict[str, KindCounts] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)  # (file name, kind)

    @property
    def changed(self) -> int:
        return sum(c.inserted + c.updated for c in self.counts.values())


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


class _Errors:
    """The first MAX_REPORTED_ERRORS problems and the count of all."""

    def __init__(self, file_order: dict[str, int]) -> None:
        self.kept: list[RowError] = []
        self.total = 0
        self.file_order = file_order

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.kept) < MAX_REPORTED_ERRORS:
            self.kept.append(error)

    def add_count(self, count: int) -> None:
        self.total += count

    @property
    def room(self) -> int:
        return MAX_REPORTED_ERRORS - len(self.kept)

    def sorted(self) -> list[RowError]:
        return sorted(self.kept, key=lambda e: (self.file_order.get(e.file, 0), e.line))


# --- SQL dialect: the few places where SQLite and PostgreSQL differ ----------------------------

TYPES = {
    "sqlite": {"T": "text", "I": "integer", "N": "decimal", "D": "date", "B": "bool"},
    "postgresql": {"T": "text", "I": "bigint", "N": "numeric", "D": "date", "B": "boolean"},
}

STAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "providers": (
        ("code", "T"),
        ("name", "T"),
        ("service", "T"),
        ("read_from", "I"),
        ("read_to", "I"),
        ("cutoff", "I"),
        ("meter_required", "B"),
    ),
    "streets": (("provider_id", "I"), ("street_code", "T"), ("type", "T"), ("name", "T")),
    "street_names": (
        ("provider_id", "I"),
        ("street_code", "T"),
        ("position", "I"),
        ("name", "T"),
        ("name_key", "T"),
        ("is_current", "B"),
    ),
    "accounts": (
        ("provider_id", "I"),
        ("number", "T"),
        ("street_code", "T"),
        ("house", "T"),
        ("house_key", "T"),
        ("korpus", "T"),
        ("korpus_key", "T"),
        ("apartment", "T"),
        ("apartment_key", "T"),
        ("surname", "T"),
        ("surname_key", "T"),
        ("name", "T"),
        ("patronymic", "T"),
        ("persons", "I"),
        ("opened_date", "D"),
        ("closed_date", "D"),
    ),
    "meters": (
        ("provider_id", "I"),
        ("account_number", "T"),
        ("serial", "T"),
        ("service", "T"),
        ("digits", "I"),
        ("decimals", "I"),
        ("installed_date", "D"),
        ("verify_by_date", "D"),
        ("initial", "N"),
        ("removed_date", "D"),
    ),
    "readings": (
        ("provider_id", "I"),
        ("account_number", "T"),
        ("serial", "T"),
        ("reading_date", "D"),
        ("value", "N"),
        ("source", "T"),
    ),
    "ledger": (
        ("provider_id", "I"),
        ("account_number", "T"),
        ("period", "D"),
        ("kind", "T"),
        ("service", "T"),
        ("amount", "N"),
        ("volume", "N"),
        ("tariff", "N"),
        ("payment_date", "D"),
        ("note", "T"),
    ),
}

# The natural key of each staging table: duplicates within the files are errors.
STAGE_KEYS = {
    "providers": (("code",), "provider"),
    "streets": (("provider_id", "street_code"), "street_id"),
    "accounts": (("provider_id", "number"), "account"),
    "meters": (("provider_id", "account_number", "serial"), "meter"),
    "readings": (("provider_id", "account_number", "serial", "reading_date"), "date"),
}


def _stage(kind: str) -> str:
    return f"exchange_stage_{kind}"


T_PROVIDER = Provider._meta.db_table
T_STREET = Street._meta.db_table
T_STREET_NAME = StreetName._meta.db_table
T_ACCOUNT = Account._meta.db_table
T_METER = Meter._meta.db_table
T_READING = Reading._meta.db_table
T_LEDGER = LedgerEntry._meta.db_table
# The tables each kind writes, which the kinds after it look rows up in.
ANALYZED_AFTER = {
    "streets": (T_STREET,),
    "accounts": (T_ACCOUNT,),
    "meters": (T_METER,),
}
LEDGER_COLUMNS = (
    "account_id, period, kind, service, amount, volume, tariff, payment_date, note, position"
)
_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(columns: Sequence[Sequence[Any]]) -> str:
    """Rows for COPY's text format, built a column at a time.

    The cells are ints, None or text already checked, which only in a free-text column can
    hold the characters COPY escapes.
    """
    cells = []
    for column in columns:
        if None in column:
            texts = ["\\N" if value is None else str(value) for value in column]
            joined = "".join(str(value) for value in column if value is not None)
        else:
            texts = list(map(str, column))
            joined = "".join(texts)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            texts = [
                text if value is None else text.translate(_COPY_SPECIAL)
                for text, value in zip(texts, column, strict=True)
            ]
        cells.append(texts)
    return "".join(row + "\n" for row in map("\t".join, zip(*cells, strict=True)))


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
        self.errors = _Errors({names[p]: i for i, p in enumerate(paths)})
        self.vendor = connection.vendor
        self.distinct = "IS NOT" if self.vendor == "sqlite" else "IS DISTINCT FROM"
        self.same = "IS" if self.vendor == "sqlite" else "IS NOT DISTINCT FROM"
        self.cursor: Any = None
        self.providers: dict[str, int] = {}
        self.failed_kinds: set[str] = set()
        self.display_by_file_no: dict[int, str] = {}
        self.ledger_max_id = 0
        self.ledger_direct = 0
        self.pending_copy: Any = None

    # --- driving ---------------------------------------------------------------------------

    def execute(self) -> None:
        sources: list[tuple[int, SourceFile, kinds.Kind]] = []
        for file_no, path in enumerate(self.paths):
            self.display_by_file_no[file_no] = self.names[path]
            try:
                source = open_source(
                    path=path, display_name=self.names[path], encoding=self.encoding
                )
            except FileRejected as rejected:
                self.errors.add(rejected.error)
                continue
            detected = kinds.detect_kind(source.columns, self.names[path])
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
        # Staging tables are temporary and created inside the run's transaction: a rollback
        # takes them away, and the success path drops them.
        with connection.cursor() as cursor:
            self.cursor = cursor
            cache_sizes = self._enlarge_sqlite_cache()
            try:
                for kind in KINDS:
                    of_kind = [(no, src) for no, src, k in sources if k is kind]
                    if of_kind:
                        self._import_kind(kind, of_kind)
                for name in [*STAGES, "ledger_groups"]:
                    cursor.execute(f"DROP TABLE IF EXISTS {_stage(name)}")
            finally:
                for schema, size in cache_sizes.items():
                    cursor.execute(f"PRAGMA {schema}.cache_size = {int(size)}")

    def _enlarge_sqlite_cache(self) -> dict[str, int]:
        """Give SQLite's page cache room for the indexes being written (a bounded amount);
        return the sizes to put back."""
        if self.vendor != "sqlite":
            return {}
        previous = {}
        for schema in ("main", "temp"):
            self.cursor.execute(f"PRAGMA {schema}.cache_size")
            previous[schema] = int(self.cursor.fetchone()[0])
            self.cursor.execute(f"PRAGMA {schema}.cache_size = -{SQLITE_CACHE_KIB}")
        return previous

    def _import_kind(self, kind: kinds.Kind, sources: list[tuple[int, SourceFile]]) -> None:
        errors_before = self.errors.total
        if kind.name != "providers":
            self._load_providers()
        self._create_stage(kind.name)
        if kind.name == "streets":
            self._create_stage("street_names")
        if kind.name == "ledger":
            self.ledger_max_id = self._scalar(f"SELECT COALESCE(MAX(id), 0) FROM {T_LEDGER}")
            self.ledger_direct = 0
        for file_no, source in sources:
            self._stage_file(kind, file_no, source)
        if kind.name in STAGE_KEYS:
            self._report_duplicates(kind.name)
        counts = getattr(self, f"_apply_{kind.name}")()
        self.summary.counts[kind.name] = counts
        if self.vendor == "postgresql" and kind.name in ANALYZED_AFTER:
            # The planner's idea of a table filled in this transaction is its size before
            # (often empty), which made each batch's account lookup scan all the accounts.
            for table in ANALYZED_AFTER[kind.name]:
                self.cursor.execute(f"ANALYZE {table}")
        if self.errors.total > errors_before:
            self.failed_kinds.add(kind.name)

    def _load_providers(self) -> None:
        self.cursor.execute(f"SELECT code, id FROM {T_PROVIDER}")
        self.providers = dict(self.cursor.fetchall())

    # --- staging ---------------------------------------------------------------------------

    def _create_stage(self, name: str) -> None:
        types = TYPES[self.vendor]
        columns = ", ".join(f"{col} {types[t]}" for col, t in STAGES[name])
        self.cursor.execute(f"DROP TABLE IF EXISTS {_stage(name)}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {_stage(name)} (file_no integer, line integer, {columns})"
        )

    def _columns(self, name: str) -> list[str]:
        return ["file_no", "line", *(col for col, _t in STAGES[name])]

    def _load(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._write_rows(_stage(name), self._columns(name), rows)

    def _load_columns(
        self, name: str, file_no: int, lines: list[int], columns: Sequence[list[Any]]
    ) -> None:
        """Load a batch given column by column into its staging table."""
        values = [[file_no] * len(lines), lines, *columns]
        table, names = _stage(name), self._columns(name)
        if self.vendor == "postgresql":
            with self.cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                copy.write(_copy_text(values))
        else:
            self._sqlite_insert_columns(table, names, values)

    def _write_rows(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Write rows into `table`: COPY on PostgreSQL, multi-row INSERTs on SQLite."""
        if self.vendor == "postgresql":
            with self.cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self._sqlite_insert(
                table,
                columns,
                len(rows),
                lambda start, stop: list(chain.from_iterable(rows[start:stop])),
            )

    def _sqlite_insert_columns(
        self, table: str, names: Sequence[str], columns: Sequence[Sequence[Any]]
    ) -> None:
        """`_sqlite_insert` of rows given column by column: each statement's parameters are
        interleaved from slices of the columns, with no tuple a row."""
        width = len(names)

        def parameters(start: int, stop: int) -> list[Any]:
            flat: list[Any] = [None] * ((stop - start) * width)
            for offset, column in enumerate(columns):
                flat[offset::width] = column[start:stop]
            return flat

        self._sqlite_insert(table, names, len(columns[0]), parameters)

    def _sqlite_insert(
        self,
        table: str,
        columns: Sequence[str],
        count: int,
        parameters: Callable[[int, int], list[Any]],
    ) -> None:
        """Insert `count` rows with multi-row VALUES statements, straight through sqlite3;
        `parameters(start, stop)` gives the flat parameters of rows start..stop.

        Many rows a statement: SQLite then evaluates a table's CHECK ... IN (...) constraints
        with one ephemeral lookup table a statement rather than one a row (several times faster
        on the ledger). Django's cursor wrapper is bypassed: it would rewrite the placeholders
        and copy the rows.
        """
        width = len(columns)
        per = max(1, min(500, SQLITE_MAX_PARAMETERS // width))
        one = "(" + ", ".join(["?"] * width) + ")"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        raw = self.cursor.cursor
        full = count - count % per
        if full:
            sqlite3.Cursor.executemany(
                raw,
                head + ", ".join([one] * per),
                (parameters(i, i + per) for i in range(0, full, per)),
            )
        if full < count:
            sqlite3.Cursor.execute(
                raw, head + ", ".join([one] * (count - full)), parameters(full, count)
            )

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

    def _stage_file(self, kind: kinds.Kind, file_no: int, source: SourceFile) -> None:
        name = kind.name
        provider_of = self._provider_of()
        converters: dict[str, Callable[[Cells], Any]] = {
            "providers": kinds.convert_provider,
            "streets": lambda c: kinds.convert_street(c, provider_of),
            "accounts": lambda c: kinds.convert_account(c, provider_of),
            "meters": lambda c: kinds.convert_meter(c, provider_of),
            "readings": lambda c: kinds.convert_reading(c, provider_of),
            "ledger": lambda c: kinds.convert_ledger(c, provider_of),
        }
        convert = converters[name]
        index = {column: position for position, column in enumerate(source.columns)}
        fast = (
            kinds.fast_converter(name, index, self._resolve_provider())
            if source.format == "csv"
            else None
        )
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

        batch_convert = (
            kinds.fast_batch_converter(name, index, self._resolve_provider())
            if source.format == "csv"
            else None
        )
        if batch_convert is not None:
            self._stage_csv_batches(name, file_no, source, batch_convert, stage_row)
            return
        load = self._load_ledger if name == "ledger" else self._load
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
                load(name, batch)
                self._load("street_names", names_batch)
                done += len(batch)
                batch.clear()
                names_batch.clear()
                if self.progress:
                    self.progress(source.display_name, done)
        load(name, batch)
        self._load("street_names", names_batch)
        if self.progress:
            self.progress(source.display_name, done + len(batch))

    def _stage_csv_batches(
        self,
        name: str,
        file_no: int,
        source: SourceFile,
        convert: kinds.BatchConverter,
        stage_row: Callable[[int, list[Any]], Any],
    ) -> None:
        """Stage a CSV file of a bulk kind a batch at a time, column by column; a batch with
        any row in doubt goes row by row, which words the problems."""
        done = 0

        def flush(lines: list[int], raw: list[list[str]]) -> None:
            columns = convert(raw)
            if columns is not None:
                if name == "ledger":
                    self._load_ledger_columns(file_no, lines, columns)
                else:
                    self._load_columns(name, file_no, lines, columns)
                return
            rows = []
            for line, values in zip(lines, raw, strict=True):
                staged = stage_row(line, values)
                if staged is not None:
                    rows.append((file_no, line, *staged))
            if name == "ledger":
                self._load_ledger(name, rows)
            else:
                self._load(name, rows)

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

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` in `values`, as SQL and its parameters. On PostgreSQL one array parameter:
        a list of thousands of parameters costs it more to parse and plan than to run."""
        if self.vendor == "postgresql":
            return f"{column} = ANY(%s)", [list(values)]
        return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)

    def _account_ids(self, provider_id: int, numbers: set[str]) -> dict[str, int]:
        """The ids of the provider's accounts with these numbers (those that exist)."""
        if not numbers:
            return {}
        member, parameters = self._in("number", list(numbers))
        self.cursor.execute(
            f"SELECT number, id FROM {T_ACCOUNT} WHERE provider_id = %s AND {member}",
            [provider_id, *parameters],
        )
        return dict(self.cursor.fetchall())

    def _groups_before(self, account_ids: set[int]) -> set[tuple[int, str]]:
        """The (account, period) groups among these accounts that had ledger rows before the
        run (rows this run inserted have greater ids)."""
        if not account_ids or not self.ledger_max_id:
            return set()
        member, parameters = self._in("account_id", list(account_ids))
        self.cursor.execute(
            f"SELECT DISTINCT account_id, period FROM {T_LEDGER} WHERE {member} AND id <= %s",
            [*parameters, self.ledger_max_id],
        )
        return {(a, str(period)) for a, period in self.cursor.fetchall()}

    def _load_ledger_columns(
        self, file_no: int, lines: list[int], columns: kinds.LedgerColumns
    ) -> None:
        """Insert a checked batch (columns of `fast_ledger_batch`) straight into the ledger.

        Only when every account exists and no group of the batch had rows before the run;
        otherwise the batch takes `_load_ledger`, which reports and stages."""
        self._finish_copy()
        provider_ids, numbers = columns[0], columns[1]
        account_ids: list[int] | None = None
        if len(set(provider_ids)) == 1:
            ids = self._account_ids(provider_ids[0], set(numbers))
            if len(ids) == len(set(numbers)):
                account_ids = list(map(ids.__getitem__, numbers))
        if account_ids is None or self._groups_before(set(account_ids)):
            self._load_ledger(
                "ledger",
                [
                    (file_no, line, *row)
                    for line, row in zip(lines, zip(*columns, strict=True), strict=True)
                ],
            )
            return
        self.ledger_direct += len(lines)
        values = (account_ids, *columns[2:], lines)
        if self.vendor == "postgresql":
            # The COPY is left open while the next batch is read and checked: the server
            # writes this one meanwhile, on the other core.
            pending = self.cursor.cursor.copy(f"COPY {T_LEDGER} ({LEDGER_COLUMNS}) FROM STDIN")
            copy = pending.__enter__()
            self.pending_copy = pending
            copy.write(_copy_text(values))
        else:
            self._sqlite_insert_columns(T_LEDGER, LEDGER_COLUMNS.split(", "), values)

    def _finish_copy(self, error: BaseException | None = None) -> None:
        """End the COPY `_load_ledger_columns` left open (before the connection is used for
        anything else); with `error`, abandon it."""
        pending, self.pending_copy = self.pending_copy, None
        if pending is not None:
            if error is None:
                pending.__exit__(None, None, None)
            else:
                pending.__exit__(type(error), error, error.__traceback__)

    def _load_ledger(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        self._finish_copy()
        self._load_ledger_rows(name, rows)

    def _load_ledger_rows(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        """Insert a batch of ledger rows straight into the ledger when their (account, period)
        had no rows before this run; stage the others, whose groups `_apply_ledger` compares
        and replaces. A group is decided by the rows that were there before the run, so all of
        its rows go the same way, whichever batches they fall in."""
        if not rows:
            return
        # Staged row: (file_no, line, provider_id, account_number, period, kind, service,
        # amount, volume, tariff, payment_date, note).
        ids: dict[tuple[int, str], int] = {}
        by_provider: dict[int, set[str]] = {}
        for row in rows:
            by_provider.setdefault(row[2], set()).add(row[3])
        for provider_id, numbers in by_provider.items():
            found = self._account_ids(provider_id, numbers)
            ids.update(((provider_id, number), id_) for number, id_ in found.items())
        existing = self._groups_before(set(ids.values()))
        direct: list[tuple[Any, ...]] = []
        staged: list[tuple[Any, ...]] = []
        report_missing = "accounts" not in self.failed_kinds
        for row in rows:
            account_id = ids.get((row[2], row[3]))
            if account_id is None:
                if report_missing:
                    self.errors.add(
                        RowError(
                            file=self.display_by_file_no[row[0]],
                            line=row[1],
                            column="account",
                            reason=_(
                                "account %(number)s does not exist: import it in an accounts file"
                            )
                            % {"number": row[3]},
                        )
                    )
                continue
            if (account_id, row[4]) in existing:
                staged.append(row)
            else:
                direct.append((account_id, *row[4:], row[1]))
        self._load(name, staged)
        self.ledger_direct += len(direct)
        if not direct:
            return
        self._write_rows(T_LEDGER, LEDGER_COLUMNS.split(", "), direct)

    # --- checks in SQL ---------------------------------------------------------------------

    def _report_query(
        self, sql: str, params: Sequence[Any], column: str, reason: Callable[[tuple[Any, ...]], str]
    ) -> None:
        """Report each row that `sql` (selecting file_no, line, ...) returns."""
        count_sql = f"SELECT COUNT(*) FROM ({sql}) AS found"
        limit = max(self.errors.room, 0)
        self.cursor.execute(f"{sql} ORDER BY file_no, line LIMIT {limit + 1}", params)
        found = self.cursor.fetchall()
        if len(found) > limit:
            self.cursor.execute(count_sql, params)
            total = self.cursor.fetchone()[0]
        else:
            total = len(found)
        for row in found[:limit]:
            self.errors.add(
                RowError(
                    file=self.display_by_file_no[row[0]],
                    line=row[1],
                    column=column,
                    reason=reason(row),
                )
            )
        self.errors.add_count(total - min(len(found), limit))

    def _report_duplicates(self, name: str) -> None:
        keys, column = STAGE_KEYS[name]
        partition = ", ".join(keys)
        # Repeated keys are rare: a grouping finds out whether there are any for less than
        # the window functions that name them cost.
        self.cursor.execute(
            f"SELECT 1 FROM {_stage(name)} GROUP BY {partition} HAVING COUNT(*) > 1 LIMIT 1"
        )
        if self.cursor.fetchone() is None:
            return
        sql = (
            "SELECT file_no, line, first_file, first_line FROM ("
            " SELECT file_no, line,"
            f" FIRST_VALUE(file_no) OVER (PARTITION BY {partition} ORDER BY file_no, line)"
            " AS first_file,"
            f" FIRST_VALUE(line) OVER (PARTITION BY {partition} ORDER BY file_no, line)"
            " AS first_line,"
            f" ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY file_no, line) AS rn"
            f" FROM {_stage(name)}) AS ranked WHERE rn > 1"
        )
        before = self.errors.total
        self._report_query(
            sql,
            [],
            column,
            lambda row: (
                _("the same key as %(file)s:%(line)d")
                % {"file": self.display_by_file_no[row[2]], "line": row[3]}
            ),
        )
        if self.errors.total > before:
            # Keep the first row of each key, so that the upsert (whose work is rolled back
            # anyway) can go on to find the problems of the kinds that follow.
            self.cursor.execute(
                f"DELETE FROM {_stage(name)} WHERE (file_no, line) IN"
                f" (SELECT file_no, line FROM ({sql}) AS repeated)"
            )

    def _report_missing_accounts(self, name: str) -> None:
        if "accounts" in self.failed_kinds:
            return  # the invalid account rows were reported; their meters would only echo them
        sql = (
            f"SELECT file_no, line, account_number FROM {_stage(name)} AS s WHERE NOT EXISTS"
            f" (SELECT 1 FROM {T_ACCOUNT} AS a"
            "  WHERE a.provider_id = s.provider_id AND a.number = s.account_number)"
        )
        self._report_query(
            sql,
            [],
            "account",
            lambda row: (
                _("account %(number)s does not exist: import it in an accounts file")
                % {"number": row[2]}
            ),
        )

    # --- counting and upserting -------------------------------------------------------------

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> int:
        self.cursor.execute(sql, params)
        return int(self.cursor.fetchone()[0] or 0)

    def _upsert(
        self,
        *,
        name: str,
        target: str,
        resolved: str,
        columns: Sequence[str],
        keys: Sequence[str],
        updates: Sequence[str],
        guard: str = "",
    ) -> KindCounts:
        """Insert or update `target` from the `resolved` SELECT (which yields `columns`)."""
        staged = self._scalar(f"SELECT COUNT(*) FROM {_stage(name)}")
        # Into an empty table (a first delivery) everything written is inserted: the count
        # of new keys, a lookup a staged row, is only needed otherwise.
        was_empty = not self._scalar(f"SELECT EXISTS (SELECT 1 FROM {target})")
        key_match = " AND ".join(f"t.{k} = r.{k}" for k in keys)
        inserted = (
            0
            if was_empty
            else self._scalar(
                f"SELECT COUNT(*) FROM ({resolved}) AS r"
                f" WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {key_match})"
            )
        )
        changed = " OR ".join(f"{target}.{col} {self.distinct} excluded.{col}" for col in updates)
        where = f"({changed})" + (f" AND {guard}" if guard else "")
        column_list = ", ".join(columns)
        self.cursor.execute(
            f"INSERT INTO {target} ({column_list})"
            f" SELECT {column_list} FROM ({resolved}) AS r WHERE true"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{col} = excluded.{col}" for col in updates)
            + f" WHERE {where}"
        )
        written = max(self.cursor.rowcount, 0)
        if was_empty:
            inserted = written
        return KindCounts(inserted=inserted, updated=written - inserted, unchanged=staged - written)

    def _apply_providers(self) -> KindCounts:
        columns = ["code", "name", "service", "read_from", "read_to", "cutoff", "meter_required"]
        resolved = f"SELECT {', '.join(columns)}, 5 AS usual_factor FROM {_stage('providers')}"
        return self._upsert(
            name="providers",
            target=T_PROVIDER,
            resolved=resolved,
            columns=[*columns, "usual_factor"],
            keys=["code"],
            updates=columns[1:],
        )

    def _apply_streets(self) -> KindCounts:
        stage, names = _stage("streets"), _stage("street_names")
        staged = self._scalar(f"SELECT COUNT(*) FROM {stage}")
        street_of = "st.provider_id = s.provider_id AND st.street_id = s.street_code"
        new = self._scalar(
            f"SELECT COUNT(*) FROM {stage} AS s"
            f" WHERE NOT EXISTS (SELECT 1 FROM {T_STREET} AS st WHERE {street_of})"
        )
        changed = self._scalar(
            f"SELECT COUNT(*) FROM {stage} AS s JOIN {T_STREET} AS st ON {street_of}"
            f" WHERE st.type {self.distinct} s.type OR st.name {self.distinct} s.name"
            f" OR EXISTS (SELECT 1 FROM {names} AS sn"
            "  WHERE sn.provider_id = s.provider_id AND sn.street_code = s.street_code"
            f"  AND NOT EXISTS (SELECT 1 FROM {T_STREET_NAME} AS n WHERE n.street_id = st.id"
            "   AND n.name_key = sn.name_key AND n.name = sn.name"
            "   AND n.position = sn.position AND n.is_current = sn.is_current))"
            f" OR EXISTS (SELECT 1 FROM {T_STREET_NAME} AS n WHERE n.street_id = st.id"
            f"  AND NOT EXISTS (SELECT 1 FROM {names} AS sn"
            "   WHERE sn.provider_id = s.provider_id AND sn.street_code = s.street_code"
            "   AND sn.name_key = n.name_key))"
        )
        self.cursor.execute(
            f"INSERT INTO {T_STREET} (provider_id, street_id, type, name)"
            f" SELECT provider_id, street_code, type, name FROM {stage} WHERE true"
            " ON CONFLICT (provider_id, street_id) DO UPDATE SET"
            " type = excluded.type, name = excluded.name"
            f" WHERE {T_STREET}.type {self.distinct} excluded.type"
            f" OR {T_STREET}.name {self.distinct} excluded.name"
        )
        # Former names that the file no longer lists go; the rest are upserted.
        self.cursor.execute(
            f"DELETE FROM {T_STREET_NAME} WHERE id IN ("
            f" SELECT n.id FROM {T_STREET_NAME} AS n JOIN {T_STREET} AS st ON st.id = n.street_id"
            f" JOIN {stage} AS s ON {street_of}"
            f" WHERE NOT EXISTS (SELECT 1 FROM {names} AS sn"
            "  WHERE sn.provider_id = s.provider_id AND sn.street_code = s.street_code"
            "  AND sn.name_key = n.name_key))"
        )
        self.cursor.execute(
            f"INSERT INTO {T_STREET_NAME} (street_id, name, name_key, is_current, position)"
            f" SELECT st.id, sn.name, sn.name_key, sn.is_current, sn.position FROM {names} AS sn"
            f" JOIN {T_STREET} AS st ON st.provider_id = sn.provider_id"
            " AND st.street_id = sn.street_code WHERE true"
            " ON CONFLICT (street_id, name_key) DO UPDATE SET name = excluded.name,"
            " is_current = excluded.is_current, position = excluded.position"
            f" WHERE {T_STREET_NAME}.name {self.distinct} excluded.name"
            f" OR {T_STREET_NAME}.is_current {self.distinct} excluded.is_current"
            f" OR {T_STREET_NAME}.position {self.distinct} excluded.position"
        )
        return KindCounts(inserted=new, updated=changed, unchanged=staged - new - changed)

    def _apply_accounts(self) -> KindCounts:
        stage = _stage("accounts")
        if "streets" not in self.failed_kinds:
            self._report_query(
                f"SELECT file_no, line, street_code FROM {stage} AS s WHERE NOT EXISTS"
                f" (SELECT 1 FROM {T_STREET} AS st"
                "  WHERE st.provider_id = s.provider_id AND st.street_id = s.street_code)",
                [],
                "street_id",
                lambda row: (
                    _("street %(code)s does not exist: import it in a streets file")
                    % {"code": row[2]}
                ),
            )
        fields = [
            "house",
            "house_key",
            "korpus",
            "korpus_key",
            "apartment",
            "apartment_key",
            "surname",
            "surname_key",
            "name",
            "patronymic",
            "persons",
            "opened_date",
            "closed_date",
        ]
        resolved = (
            "SELECT s.provider_id, s.number, st.id AS street_id, "
            + ", ".join(f"s.{f}" for f in fields)
            + f" FROM {stage} AS s JOIN {T_STREET} AS st"
            " ON st.provider_id = s.provider_id AND st.street_id = s.street_code"
        )
        return self._upsert(
            name="accounts",
            target=T_ACCOUNT,
            resolved=resolved,
            columns=["provider_id", "number", "street_id", *fields],
            keys=["provider_id", "number"],
            updates=["street_id", *fields],
        )

    def _apply_meters(self) -> KindCounts:
        stage = _stage("meters")
        self._report_missing_accounts("meters")
        fields = [
            "service",
            "digits",
            "decimals",
            "installed_date",
            "verify_by_date",
            "initial",
            "removed_date",
        ]
        resolved = (
            "SELECT a.id AS account_id, s.serial, "
            + ", ".join(f"s.{f}" for f in fields)
            + f" FROM {stage} AS s JOIN {T_ACCOUNT} AS a"
            " ON a.provider_id = s.provider_id AND a.number = s.account_number"
        )
        return self._upsert(
            name="meters",
            target=T_METER,
            resolved=resolved,
            columns=["account_id", "serial", *fields],
            keys=["account_id", "serial"],
            updates=fields,
        )

    def _apply_readings(self) -> KindCounts:
        stage = _stage("readings")
        self._report_missing_accounts("readings")
        if "meters" not in self.failed_kinds:
            self._report_query(
                f"SELECT s.file_no, s.line, s.serial AS serial FROM {stage} AS s"
                f" JOIN {T_ACCOUNT} AS a ON a.provider_id = s.provider_id"
                " AND a.number = s.account_number"
                f" WHERE NOT EXISTS (SELECT 1 FROM {T_METER} AS m"
                "  WHERE m.account_id = a.id AND m.serial = s.serial)",
                [],
                "meter",
                lambda row: (
                    _("meter %(serial)s is not on this account: import it in a meters file")
                    % {"serial": row[2]}
                ),
            )
        resolved = (
            "SELECT m.id AS meter_id, s.reading_date, '' AS zone, s.value, s.source,"
            f" 'accepted' AS status FROM {stage} AS s"
            f" JOIN {T_ACCOUNT} AS a ON a.provider_id = s.provider_id"
            " AND a.number = s.account_number"
            f" JOIN {T_METER} AS m ON m.account_id = a.id AND m.serial = s.serial"
        )
        protected = ", ".join(f"'{source}'" for source in PORTAL_SOURCES)
        # What a subscriber or operator submitted in the portal is never overwritten.
        return self._upsert(
            name="readings",
            target=T_READING,
            resolved=resolved,
            columns=["meter_id", "reading_date", "zone", "value", "source", "status"],
            keys=["meter_id", "reading_date", "zone"],
            updates=["value", "source"],
            guard=f"{T_READING}.source NOT IN ({protected})",
        )

    def _apply_ledger(self) -> KindCounts:
        """Replace, for each (account, period) in the files, all its ledger rows.

        A group whose rows are all already there, in the same order, is left alone.
        """
        stage = _stage("ledger")
        groups = _stage("ledger_groups")
        direct = self.ledger_direct
        account_of = "a.provider_id = s.provider_id AND a.number = s.account_number"
        columns = "kind, service, amount, volume, tariff, payment_date, note"
        staged_columns = ", ".join(f"s.{c.strip()}" for c in columns.split(","))
        insert = (
            f"INSERT INTO {T_LEDGER} (account_id, period, {columns}, position)"
            f" SELECT a.id, s.period, {staged_columns}, s.line"
            f" FROM {stage} AS s JOIN {T_ACCOUNT} AS a ON {account_of}"
        )
        if not self._scalar(f"SELECT COUNT(*) FROM {stage}"):
            return KindCounts(inserted=direct)
        self.cursor.execute(f"DROP TABLE IF EXISTS {groups}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {groups} AS"
            " SELECT a.id AS account_id, s.period AS period, COUNT(*) AS n,"
            " 0 AS existing, 0 AS same"
            f" FROM {stage} AS s JOIN {T_ACCOUNT} AS a ON {account_of} GROUP BY a.id, s.period"
        )
        self.cursor.execute(f"CREATE INDEX {groups}_key ON {groups} (account_id, period)")
        self.cursor.execute(
            f"CREATE INDEX {stage}_key ON {stage} (provider_id, account_number, period)"
        )
        self.cursor.execute(
            f"UPDATE {groups} SET existing = (SELECT COUNT(*) FROM {T_LEDGER} AS l"
            f" WHERE l.account_id = {groups}.account_id AND l.period = {groups}.period)"
        )
        same_row = " AND ".join(
            f"l.{c} {self.same} s.{c}"
            for c in ["kind", "service", "amount", "volume", "tariff", "payment_date", "note"]
        )
        self.cursor.execute(
            f"UPDATE {groups} SET same = 1 WHERE existing = n AND NOT EXISTS ("
            f" SELECT 1 FROM {T_ACCOUNT} AS a JOIN {stage} AS s ON {account_of}"
            f" WHERE a.id = {groups}.account_id AND s.period = {groups}.period"
            f" AND NOT EXISTS (SELECT 1 FROM {T_LEDGER} AS l WHERE l.account_id = a.id"
            f"  AND l.period = s.period AND l.position = s.line AND {same_row}))"
        )
        self.cursor.execute(
            f"DELETE FROM {T_LEDGER} WHERE id IN (SELECT l.id FROM {groups} AS g"
            f" JOIN {T_LEDGER} AS l ON l.account_id = g.account_id AND l.period = g.period"
            " WHERE g.existing > 0 AND g.same = 0)"
        )
        self.cursor.execute(
            f"{insert} WHERE NOT EXISTS (SELECT 1 FROM {groups} AS g"
            " WHERE g.account_id = a.id AND g.period = s.period AND g.same = 1)"
        )
        self.cursor.execute(
            "SELECT"
            " COALESCE(SUM(CASE WHEN existing = 0 THEN n ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN existing > 0 AND same = 0 THEN n ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN same = 1 THEN n ELSE 0 END), 0)"
            f" FROM {groups}"
        )
        inserted, updated, unchanged = (int(v) for v in self.cursor.fetchone())
        return KindCounts(inserted=direct + inserted, updated=updated, unchanged=unchanged)


def iter_errors(rejected: ImportRejected) -> Iterator[str]:
    """The report lines of a rejected import, as the command prints them."""
    for error in rejected.errors:
        yield str(error)
    hidden = rejected.total - len(rejected.errors)
    if hidden > 0:
        yield ngettext("... and %(count)d more error", "... and %(count)d more errors", hidden) % {
            "count": hidden
        }
