# SQL here is built from model table names and fixed column names only; every value read from
# a file travels as a parameter or through COPY.
# ruff: noqa: S608
"""Loading ledger rows: a row of an (account, period) that had no rows before the run goes
straight into the ledger; the others are staged, for `apply.apply_ledger` to compare and
replace a group at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .report import Checks, Errors, missing_account
from .staging import T_ACCOUNT, T_LEDGER, Database, copy_text

LEDGER_COLUMNS = (
    "account_id",
    "period",
    "kind",
    "service",
    "amount",
    "volume",
    "tariff",
    "payment_date",
    "note",
    "zone",
    "reference",
    "position",
)
# Exchange 1.1's zone and reference, empty in most deliveries: a batch without either leaves
# them to the columns' database default, '', and writes two columns a row fewer.
_OPTIONAL_AT = (LEDGER_COLUMNS.index("zone"), LEDGER_COLUMNS.index("reference"))


def _written(columns: Sequence[Sequence[Any]]) -> tuple[list[str], list[Sequence[Any]]]:
    """The ledger columns worth writing for a batch given column by column (in the order of
    LEDGER_COLUMNS), and those columns."""
    if any(any(columns[at]) for at in _OPTIONAL_AT):
        return list(LEDGER_COLUMNS), list(columns)
    keep = [at for at in range(len(LEDGER_COLUMNS)) if at not in _OPTIONAL_AT]
    return [LEDGER_COLUMNS[at] for at in keep], [columns[at] for at in keep]


class LedgerLoader:
    """The ledger rows of one import: how many went straight in, and the COPY left open."""

    def __init__(self, db: Database, checks: Checks, errors: Errors) -> None:
        self.db = db
        self.checks = checks
        self.errors = errors
        self.max_id = db.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {T_LEDGER}")
        self.direct = 0
        self.report_missing = True
        self.pending_copy: Any = None

    def _account_ids(self, provider_id: int, numbers: set[str]) -> dict[str, int]:
        """The ids of the provider's accounts with these numbers (those that exist)."""
        if not numbers:
            return {}
        member, parameters = self.db.in_("number", list(numbers))
        self.db.cursor.execute(
            f"SELECT number, id FROM {T_ACCOUNT} WHERE provider_id = %s AND {member}",
            [provider_id, *parameters],
        )
        return dict(self.db.cursor.fetchall())

    def _groups_before(self, account_ids: set[int]) -> set[tuple[int, str]]:
        """The (account, period) groups among these accounts that had ledger rows before the
        run (rows this run inserted have greater ids)."""
        if not account_ids or not self.max_id:
            return set()
        member, parameters = self.db.in_("account_id", list(account_ids))
        self.db.cursor.execute(
            f"SELECT DISTINCT account_id, period FROM {T_LEDGER} WHERE {member} AND id <= %s",
            [*parameters, self.max_id],
        )
        return {(a, str(period)) for a, period in self.db.cursor.fetchall()}

    def load_columns(self, file_no: int, lines: list[int], columns: tuple[list[Any], ...]) -> None:
        """Insert a checked batch (columns of `fast_ledger_batch`) straight into the ledger.

        Only when every account exists and no group of the batch had rows before the run;
        otherwise the batch takes `load_rows`, which reports and stages."""
        self.finish_copy()
        provider_ids, numbers = columns[0], columns[1]
        account_ids: list[int] | None = None
        if len(set(provider_ids)) == 1:
            ids = self._account_ids(provider_ids[0], set(numbers))
            if len(ids) == len(set(numbers)):
                account_ids = list(map(ids.__getitem__, numbers))
        if account_ids is None or self._groups_before(set(account_ids)):
            self.load_rows(
                [
                    (file_no, line, *row)
                    for line, row in zip(lines, zip(*columns, strict=True), strict=True)
                ]
            )
            return
        self.direct += len(lines)
        names, values = _written((account_ids, *columns[2:], lines))
        if self.db.vendor == "postgresql":
            # The COPY is left open while the next batch is read and checked: the server
            # writes this one meanwhile, on the other core.
            pending = self.db.cursor.cursor.copy(f"COPY {T_LEDGER} ({', '.join(names)}) FROM STDIN")
            copy = pending.__enter__()
            self.pending_copy = pending
            copy.write(copy_text(values))
        else:
            self.db.sqlite_insert_columns(T_LEDGER, names, values)

    def finish_copy(self, error: BaseException | None = None) -> None:
        """End the COPY `load_columns` left open (before the connection is used for anything
        else); with `error`, abandon it."""
        pending, self.pending_copy = self.pending_copy, None
        if pending is not None:
            if error is None:
                pending.__exit__(None, None, None)
            else:
                pending.__exit__(type(error), error, error.__traceback__)

    def load_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert a batch of ledger rows straight into the ledger when their (account, period)
        had no rows before this run; stage the others, whose groups `apply_ledger` compares
        and replaces. A group is decided by the rows that were there before the run, so all of
        its rows go the same way, whichever batches they fall in."""
        self.finish_copy()
        if not rows:
            return
        # Staged row: (file_no, line, provider_id, account_number, period, kind, service,
        # amount, volume, tariff, payment_date, note, zone, reference).
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
        for row in rows:
            account_id = ids.get((row[2], row[3]))
            if account_id is None:
                if self.report_missing:
                    self.errors.add(
                        self.checks.error(row[0], row[1], "account", missing_account(row[3]))
                    )
                continue
            if (account_id, row[4]) in existing:
                staged.append(row)
            else:
                direct.append((account_id, *row[4:], row[1]))
        self.db.load("ledger", staged)
        self.direct += len(direct)
        if direct:
            self.db.write_rows(T_LEDGER, list(LEDGER_COLUMNS), direct)
