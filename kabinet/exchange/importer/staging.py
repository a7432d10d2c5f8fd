# SQL here is built from model table names and fixed column names only; every value read from
# a file travels as a parameter or through COPY.
# ruff: noqa: S608
"""Staging per database: the temporary tables rows are loaded into, and the few places where
SQLite and PostgreSQL differ (multi-row INSERT on SQLite, COPY on PostgreSQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from kabinet.addresses.models import Street, StreetName
from kabinet.billing.models import Account, LedgerEntry
from kabinet.metering.models import Meter, Reading
from kabinet.providers.models import Provider

T_PROVIDER = Provider._meta.db_table
T_STREET = Street._meta.db_table
T_STREET_NAME = StreetName._meta.db_table
T_ACCOUNT = Account._meta.db_table
T_METER = Meter._meta.db_table
T_READING = Reading._meta.db_table
T_LEDGER = LedgerEntry._meta.db_table
SQLITE_CACHE_KIB = 64 * 1024
SQLITE_MAX_PARAMETERS = 30000  # SQLite allows 32766 since 3.32

TYPES = {
    "sqlite": {"T": "text", "I": "integer", "N": "decimal", "D": "date", "B": "bool"},
    "postgresql": {"T": "text", "I": "bigint", "N": "numeric", "D": "date", "B": "boolean"},
}

# The staging table of each kind: its columns in the order the converters give them.
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
        ("zones", "I"),
        ("serial_key", "T"),
    ),
    "readings": (
        ("provider_id", "I"),
        ("account_number", "T"),
        ("serial", "T"),
        ("reading_date", "D"),
        ("value", "N"),
        ("source", "T"),
        ("zone", "T"),
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
        ("zone", "T"),
        ("reference", "T"),
    ),
}

# The natural key of each staging table and the column a repeated key is reported in:
# duplicates within the files are errors.
STAGE_KEYS = {
    "providers": (("code",), "provider"),
    "streets": (("provider_id", "street_code"), "street_id"),
    "accounts": (("provider_id", "number"), "account"),
    "meters": (("provider_id", "account_number", "serial"), "meter"),
    "readings": (("provider_id", "account_number", "serial", "reading_date", "zone"), "date"),
}


def stage(kind: str) -> str:
    return f"exchange_stage_{kind}"


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(columns: Sequence[Sequence[Any]]) -> str:
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


class Database:
    """One import's connection: staging tables, writes of rows and columns, SQL dialect."""

    def __init__(self, cursor: Any, vendor: str) -> None:
        self.cursor = cursor
        self.vendor = vendor
        self.distinct = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
        self.same = "IS" if vendor == "sqlite" else "IS NOT DISTINCT FROM"

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> int:
        self.cursor.execute(sql, params)
        return int(self.cursor.fetchone()[0] or 0)

    def enlarge_sqlite_cache(self) -> dict[str, int]:
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

    def restore_sqlite_cache(self, sizes: dict[str, int]) -> None:
        for schema, size in sizes.items():
            self.cursor.execute(f"PRAGMA {schema}.cache_size = {int(size)}")

    def create_stage(self, name: str) -> None:
        types = TYPES[self.vendor]
        columns = ", ".join(f"{col} {types[t]}" for col, t in STAGES[name])
        self.cursor.execute(f"DROP TABLE IF EXISTS {stage(name)}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {stage(name)} (file_no integer, line integer, {columns})"
        )

    def drop_stages(self) -> None:
        for name in [*STAGES, "ledger_groups"]:
            self.cursor.execute(f"DROP TABLE IF EXISTS {stage(name)}")

    @staticmethod
    def stage_columns(name: str) -> list[str]:
        return ["file_no", "line", *(col for col, _t in STAGES[name])]

    def load(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.write_rows(stage(name), self.stage_columns(name), rows)

    def load_columns(
        self, name: str, file_no: int, lines: list[int], columns: Sequence[list[Any]]
    ) -> None:
        """Load a batch given column by column into its staging table."""
        values = [[file_no] * len(lines), lines, *columns]
        self.write_columns(stage(name), self.stage_columns(name), values)

    def write_columns(
        self, table: str, names: Sequence[str], columns: Sequence[Sequence[Any]]
    ) -> None:
        if self.vendor == "postgresql":
            with self.cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                copy.write(copy_text(columns))
        else:
            self.sqlite_insert_columns(table, names, columns)

    def write_rows(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Write rows into `table`: COPY on PostgreSQL, multi-row INSERTs on SQLite."""
        if self.vendor == "postgresql":
            with self.cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.sqlite_insert(
                table,
                columns,
                len(rows),
                lambda start, stop: list(chain.from_iterable(rows[start:stop])),
            )

    def sqlite_insert_columns(
        self, table: str, names: Sequence[str], columns: Sequence[Sequence[Any]]
    ) -> None:
        """`sqlite_insert` of rows given column by column: each statement's parameters are
        interleaved from slices of the columns, with no tuple a row."""
        width = len(names)

        def parameters(start: int, stop: int) -> list[Any]:
            flat: list[Any] = [None] * ((stop - start) * width)
            for offset, column in enumerate(columns):
                flat[offset::width] = column[start:stop]
            return flat

        self.sqlite_insert(table, names, len(columns[0]), parameters)

    def sqlite_insert(
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

    def in_(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` in `values`, as SQL and its parameters. On PostgreSQL one array parameter:
        a list of thousands of parameters costs it more to parse and plan than to run."""
        if self.vendor == "postgresql":
            return f"{column} = ANY(%s)", [list(values)]
        return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)
