"""A synthetic town as billing exchange files, for the import benchmark (a helper: the runner
skips modules whose name starts with an underscore).

Deterministic for a given number of accounts: one provider, a street per ~200 accounts (some
renamed), each account with one meter and six months of ledger (an opening balance, a charge
a month, a payment in three months of four): about 13.5 rows per account.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MONTHS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
SURNAMES = [
    "Коваленко",
    "Шевчук",
    "Кондрат'єв",
    "Бондаренко",
    "Ткаченко",
    "Олійник",
    "Мельник",
    "Соловйов",
    "Ємельянова",
    "Гаврилів",
    "Іваненко",
    "Дорошенко",
]
NAMES = ["Олена", "Іван", "Сергій", "Ганна", "Микола", "Оксана", "Петро", "Марія"]
STREETS = ["Шевченка", "Героїв України", "Садова", "Лесі Українки", "Соборна", "Вокзальна"]
TYPES = ["вул.", "просп.", "пров.", "бульв."]
FILES = ["providers.csv", "streets.csv", "accounts.csv", "meters.csv", "ledger.csv"]


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def town_files(accounts: int) -> list[Path]:
    """Write (once) and return the exchange files of a town of `accounts` accounts."""
    folder = DATA_DIR / f"import-town-{accounts}"
    done = folder / ".complete"
    paths = [folder / name for name in FILES]
    if done.exists():
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(accounts)
    street_count = max(10, accounts // 200)

    def writer(name: str, header: list[str]):
        handle = (folder / name).open("w", newline="", encoding="utf-8")
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        return handle, out

    handle, out = writer("providers.csv", ["provider", "name", "service", "read_from", "read_to"])
    out.writerow(["vodokanal", "КП «Водоканал»", "cold_water", "1", "25"])
    handle.close()

    handle, out = writer("streets.csv", ["street_id", "type", "name", "old_names"])
    for n in range(street_count):
        name = f"{STREETS[n % len(STREETS)]} {n // len(STREETS) + 1}"
        old = f"Леніна {n}" if n % 7 == 0 else ""
        out.writerow([f"{n:05d}", TYPES[n % len(TYPES)], name, old])
    handle.close()

    accounts_handle, accounts_out = writer(
        "accounts.csv",
        [
            "provider",
            "account",
            "street_id",
            "house",
            "korpus",
            "apartment",
            "surname",
            "name",
            "persons",
            "opened",
        ],
    )
    meters_handle, meters_out = writer(
        "meters.csv",
        ["provider", "account", "meter", "service", "digits", "decimals", "installed", "initial"],
    )
    ledger_handle, ledger_out = writer(
        "ledger.csv",
        ["provider", "account", "period", "kind", "service", "amount", "volume", "tariff", "date"],
    )
    for n in range(accounts):
        number = f"{n:08d}"
        house = rng.randint(1, 120)
        letter = "а" if n % 17 == 0 else ""
        accounts_out.writerow(
            [
                "vodokanal",
                number,
                f"{n % street_count:05d}",
                f"{house}{letter}",
                "2" if n % 11 == 0 else "",
                str(rng.randint(1, 200)) if n % 5 else "",
                SURNAMES[n % len(SURNAMES)],
                NAMES[n % len(NAMES)],
                str(rng.randint(1, 5)),
                f"{2000 + n % 25}-{n % 12 + 1:02d}-01",
            ]
        )
        meters_out.writerow(
            [
                "vodokanal",
                number,
                f"SN{n:09d}",
                "cold_water",
                "5",
                "3",
                f"{2015 + n % 10}-0{n % 9 + 1}-15",
                "0",
            ]
        )
        balance = rng.randint(-5000, 50000)
        for index, month in enumerate(MONTHS):
            if index == 0:
                ledger_out.writerow(
                    ["vodokanal", number, month, "balance", "", _money(balance), "", "", ""]
                )
            volume_milli = rng.randint(2000, 15000)
            charge = volume_milli * 4072 // 100000
            ledger_out.writerow(
                [
                    "vodokanal",
                    number,
                    month,
                    "charge",
                    "cold_water",
                    _money(charge),
                    f"{volume_milli // 1000}.{volume_milli % 1000:03d}",
                    "40.72",
                    "",
                ]
            )
            if rng.random() < 0.75:
                ledger_out.writerow(
                    [
                        "vodokanal",
                        number,
                        month,
                        "payment",
                        "",
                        _money(charge + rng.randint(0, 2000)),
                        "",
                        "",
                        f"{month}-{rng.randint(1, 28):02d}",
                    ]
                )
    for h in (accounts_handle, meters_handle, ledger_handle):
        h.close()
    done.touch()
    return paths


def row_count(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with path.open("rb") as handle:
            total += sum(1 for _ in handle) - 1
    return total
