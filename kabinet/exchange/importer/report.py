# SQL here is built from model table names and fixed column names only.
# ruff: noqa: S608
"""Reporting: what an import did (counts per kind), the errors it found (the first
MAX_REPORTED_ERRORS in file and line order, and the count of all), and the checks made in SQL
over the staged rows, each of which reports `file:line: column: reason`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kabinet.exchange.files import RowError

from .staging import STAGE_KEYS, T_ACCOUNT, Database, stage

MAX_REPORTED_ERRORS = 1000


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


def iter_errors(rejected: ImportRejected) -> Iterator[str]:
    """The report lines of a rejected import, as the command prints them."""
    for error in rejected.errors:
        yield str(error)
    hidden = rejected.total - len(rejected.errors)
    if hidden > 0:
        yield ngettext("... and %(count)d more error", "... and %(count)d more errors", hidden) % {
            "count": hidden
        }


class Errors:
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


def missing_account(number: str) -> str:
    return _("account %(number)s does not exist: import it in an accounts file") % {
        "number": number
    }


class Checks:
    """Checks over the staged rows, made in SQL, whose findings go to `errors`."""

    def __init__(self, db: Database, errors: Errors, file_names: dict[int, str]) -> None:
        self.db = db
        self.errors = errors
        self.file_names = file_names  # the display name of each file by its number

    def error(self, file_no: int, line: int, column: str, reason: str) -> RowError:
        return RowError(file=self.file_names[file_no], line=line, column=column, reason=reason)

    def report_query(
        self, sql: str, params: Sequence[Any], column: str, reason: Callable[[tuple[Any, ...]], str]
    ) -> None:
        """Report each row that `sql` (selecting file_no, line, ...) returns."""
        cursor = self.db.cursor
        count_sql = f"SELECT COUNT(*) FROM ({sql}) AS found"
        limit = max(self.errors.room, 0)
        cursor.execute(f"{sql} ORDER BY file_no, line LIMIT {limit + 1}", params)
        found = cursor.fetchall()
        if len(found) > limit:
            cursor.execute(count_sql, params)
            total = cursor.fetchone()[0]
        else:
            total = len(found)
        for row in found[:limit]:
            self.errors.add(self.error(row[0], row[1], column, reason(row)))
        self.errors.add_count(total - min(len(found), limit))

    def report_duplicates(self, name: str) -> None:
        keys, column = STAGE_KEYS[name]
        partition = ", ".join(keys)
        cursor = self.db.cursor
        # Repeated keys are rare: a grouping finds out whether there are any for less than
        # the window functions that name them cost.
        cursor.execute(
            f"SELECT 1 FROM {stage(name)} GROUP BY {partition} HAVING COUNT(*) > 1 LIMIT 1"
        )
        if cursor.fetchone() is None:
            return
        sql = (
            "SELECT file_no, line, first_file, first_line FROM ("
            " SELECT file_no, line,"
            f" FIRST_VALUE(file_no) OVER (PARTITION BY {partition} ORDER BY file_no, line)"
            " AS first_file,"
            f" FIRST_VALUE(line) OVER (PARTITION BY {partition} ORDER BY file_no, line)"
            " AS first_line,"
            f" ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY file_no, line) AS rn"
            f" FROM {stage(name)}) AS ranked WHERE rn > 1"
        )
        before = self.errors.total
        self.report_query(
            sql,
            [],
            column,
            lambda row: (
                _("the same key as %(file)s:%(line)d")
                % {"file": self.file_names[row[2]], "line": row[3]}
            ),
        )
        if self.errors.total > before:
            # Keep the first row of each key, so that the upsert (whose work is rolled back
            # anyway) can go on to find the problems of the kinds that follow.
            cursor.execute(
                f"DELETE FROM {stage(name)} WHERE (file_no, line) IN"
                f" (SELECT file_no, line FROM ({sql}) AS repeated)"
            )

    def report_missing_accounts(self, name: str) -> None:
        sql = (
            f"SELECT file_no, line, account_number FROM {stage(name)} AS s WHERE NOT EXISTS"
            f" (SELECT 1 FROM {T_ACCOUNT} AS a"
            "  WHERE a.provider_id = s.provider_id AND a.number = s.account_number)"
        )
        self.report_query(sql, [], "account", lambda row: missing_account(row[2]))
