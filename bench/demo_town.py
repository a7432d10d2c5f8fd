"""Demo town generator benchmark: `town_write` throughput and memory against a copy floor.

    .venv/bin/python -m bench.demo_town            # 100,000 and 1,000,000 accounts
    KABINET_BENCH_TOWN_SIZES=20000 .venv/bin/python -m bench.demo_town

For each size the town is written into a temporary folder, then the floor is measured on the
same files: each one copied line by line into a new file (the same bytes written with no
generation at all). Both are reported in rows a second. Memory: the peak RSS of a child
process that only writes the town, which must not grow with the size (the generator streams).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Figure, quick, record

BENCHMARK = "demo_town"
TODAY = dt.date(2026, 11, 28)
MEMORY_GOAL_MB = 100.0


def write_town(directory: Path, accounts: int) -> tuple[float, int, list[Path]]:
    from kabinet.demo.town import town_write

    started = time.perf_counter()
    files = town_write(directory=directory, accounts=accounts, today=TODAY)
    elapsed = time.perf_counter() - started
    paths = [path for kind_paths in files.values() for path in kind_paths]
    rows = 0
    for path in paths:
        with path.open("rb") as handle:
            rows += sum(1 for _ in handle) - 1
    return elapsed, rows, paths


def copy_floor(paths: list[Path], directory: Path) -> float:
    """Seconds to copy the files line by line (text mode, as the generator writes them)."""
    started = time.perf_counter()
    for path in paths:
        encoding = "cp1251" if path.name.startswith("gas-") else "utf-8"
        with (
            path.open(encoding=encoding, newline="") as source,
            (directory / path.name).open("w", encoding=encoding, newline="") as target,
        ):
            write = target.write
            for line in source:
                write(line)
    return time.perf_counter() - started


def child_peak_rss_mb(accounts: int, directory: Path) -> float:
    """Peak RSS of a fresh process that writes the town and nothing else."""
    code = (
        "import datetime as dt, resource, sys; from pathlib import Path; "
        "from kabinet.demo.town import town_write; "
        f"town_write(directory=Path(sys.argv[1]), accounts={accounts}, "
        f"today=dt.date({TODAY.year}, {TODAY.month}, {TODAY.day})); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(completed.stdout.strip()) / 1024


def main() -> None:
    default = "2000 20000" if quick() else "100000 1000000"
    sizes = [int(size) for size in os.environ.get("KABINET_BENCH_TOWN_SIZES", default).split()]
    for accounts in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"town-{accounts}-"))
        try:
            elapsed, rows, paths = write_town(folder / "town", accounts)
            (folder / "copy").mkdir()
            floor = copy_floor(paths, folder / "copy")
            size_mb = sum(path.stat().st_size for path in paths) / 1024 / 1024
            shutil.rmtree(folder / "copy")
            shutil.rmtree(folder / "town")
            peak = child_peak_rss_mb(accounts, folder / "town")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        record(
            Figure(
                BENCHMARK,
                f"town_write {accounts:,} accounts",
                rows / elapsed,
                "rows/s",
                floor=rows / floor,
                floor_name="line-by-line copy of the same files",
                note=f"{rows:,} rows, {size_mb:,.0f} MB in {elapsed:.1f} s",
            ),
            Figure(
                BENCHMARK,
                f"town_write {accounts:,} accounts peak RSS",
                peak,
                "MB",
                floor=MEMORY_GOAL_MB,
                floor_name="constant-memory budget",
                goal=1.0,
                higher_is_better=False,
            ),
        )


if __name__ == "__main__":
    main()
