"""A synthetic town in the billing exchange format: the demo's data and the benchmarks' input.

`town_write` writes providers, streets, accounts, meters, readings and ledger files the way
three utilities of one town would export them (`exchange-format.md`). It is deterministic (one
`random.Random(seed)`, the date is given, never read) and streams: each household is generated,
written row by row and forgotten, so a million accounts take as little memory as a thousand.

The first households are the showcase (fixed data the demo's subscribers and docs/demo.md refer
to); the rest are drawn at random with the shapes real billing data has: renamed streets,
fractional and lettered houses, private houses, apostrophes and Russian spellings in names,
closed accounts, meters with overdue verification or a counter that wraps, readings on irregular
days from mixed sources, and a ledger whose every period opens at the previous period's close.

Its parts: `tables.py` (the data: utilities, streets, names, tariffs, seasons), `showcase.py`
(the fixed households), `history.py` (the months and the accounts and meters drawn over them),
`households.py` (drawing households), `rows.py` (writing an account's rows: readings and ledger)
and `files.py` (`town_write`: the files and their headers).
"""

from .files import FILE_KINDS, TownTooSmall, town_write
from .showcase import MIN_ACCOUNTS

__all__ = ["FILE_KINDS", "MIN_ACCOUNTS", "TownTooSmall", "town_write"]
