"""`town_write`: the town's files, one of each kind per utility, with their headers, filled
household by household (households.py draws them, rows.py writes them)."""

import csv
import datetime as dt
import itertools
import random
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from .history import history_months
from .households import Households
from .rows import AccountRows
from .showcase import MIN_ACCOUNTS
from .tables import PROVIDERS, STREET_IDS, STREETS

FILE_KINDS = ("providers", "streets", "accounts", "meters", "readings", "ledger")

HEADERS = {
    "providers": (
        "provider",
        "name",
        "service",
        "read_from",
        "read_to",
        "cutoff",
        "meter_required",
    ),
    "streets": ("provider", "street_id", "type", "name", "old_names"),
    "accounts": (
        "provider",
        "account",
        "street_id",
        "house",
        "korpus",
        "apartment",
        "surname",
        "name",
        "patronymic",
        "persons",
        "opened",
        "closed",
    ),
    "meters": (
        "provider",
        "account",
        "meter",
        "service",
        "digits",
        "decimals",
        "installed",
        "verify_by",
        "initial",
        "removed",
    ),
    "readings": ("provider", "account", "meter", "date", "value", "source"),
    "ledger": (
        "provider",
        "account",
        "period",
        "kind",
        "service",
        "amount",
        "volume",
        "tariff",
        "date",
        "note",
    ),
}


class TownTooSmall(ValueError):
    """Fewer accounts were asked for than the showcase households need."""


def town_write(
    *, directory: Path, accounts: int, today: dt.date, seed: int = 1
) -> dict[str, list[Path]]:
    """Write a synthetic town of `accounts` accounts into `directory`; return its files by kind.

    One file of each kind per provider (providers and streets first), in the order an import
    needs them. The same `accounts`, `today` and `seed` always give the same bytes.
    Raises TownTooSmall when `accounts` is below MIN_ACCOUNTS.
    """
    if accounts < MIN_ACCOUNTS:
        raise TownTooSmall(f"a town needs at least {MIN_ACCOUNTS} accounts, not {accounts}")
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {kind: [] for kind in FILE_KINDS}
    with ExitStack() as stack:

        def open_writer(path: Path, kind: str, encoding: str) -> Any:
            handle = stack.enter_context(path.open("w", encoding=encoding, newline=""))
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADERS[kind])
            files[kind].append(path)
            return writer.writerow, handle.write

        write_providers, _ = open_writer(directory / "providers.csv", "providers", "utf-8")
        for provider in PROVIDERS:
            write_providers(
                (
                    provider.code,
                    provider.name,
                    provider.service,
                    provider.read_from,
                    provider.read_to,
                    provider.cutoff or "",
                    int(provider.meter_required),
                )
            )
        writers: dict[str, dict[str, Any]] = {}
        for provider in PROVIDERS:
            writers[provider.code] = {}
            for kind in FILE_KINDS[1:]:
                if provider.service == "heat" and kind in ("meters", "readings"):
                    continue  # heat is billed by the flat's area: no meters
                path = directory / f"{provider.code}-{kind}.csv"
                writerow, write = open_writer(path, kind, provider.encoding)
                writers[provider.code][kind] = writerow
                writers[provider.code][f"{kind}:raw"] = write
        # One generator for the households and their rows: the draws interleave, in one order.
        rng = random.Random(seed)
        months = history_months(today)
        drawn = Households(today=today, rng=rng, months=months)
        rows = AccountRows(today=today, rng=rng, months=months, writers=writers)
        for provider in PROVIDERS:
            write_street = writers[provider.code]["streets"]
            for index, (street_type, name, old_names) in enumerate(STREETS):
                write_street(
                    (
                        provider.code,
                        STREET_IDS[provider.code][index],
                        street_type,
                        name,
                        old_names,
                    )
                )
        written = 0
        households = itertools.chain(drawn.showcase_households(), drawn.random_households())
        for household in households:
            for account in household:
                if written == accounts:
                    break
                rows.write(account)
                written += 1
            if written == accounts:
                break
    return files
