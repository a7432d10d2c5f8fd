"""Import of billing exchange files (CSV, DBF): the `billing_import` service.

Set-based: files are streamed row by row, each row validated and folded in Python, loaded in
batches into temporary staging tables, and applied with a few INSERT ... SELECT ... ON CONFLICT
statements per kind. The package's modules, in the order a row meets them:

- `columns`: the kinds of file and ONE column specification per kind (every limit);
- `cells`, `rows`: the checked converters, which word every problem;
- `fast_rows`, `fast_batches`: the fast paths (a CSV row, a CSV batch a column at a time),
  which step aside at the first doubt;
- `staging`: the temporary tables and the writes, per database (SQLite, PostgreSQL);
- `ledger`: ledger rows written straight into the ledger when their period is new;
- `apply`: each kind checked against the tables and upserted;
- `report`: the counts, the errors and the checks made in SQL;
- `run`: one import, driving the above in one transaction.
"""

from kabinet.exchange.files import RowError

from .report import (
    MAX_REPORTED_ERRORS,
    ImportRejected,
    ImportSummary,
    ImportUsageError,
    KindCounts,
    iter_errors,
)
from .run import billing_import

__all__ = [
    "MAX_REPORTED_ERRORS",
    "ImportRejected",
    "ImportSummary",
    "ImportUsageError",
    "KindCounts",
    "RowError",
    "billing_import",
    "iter_errors",
]
