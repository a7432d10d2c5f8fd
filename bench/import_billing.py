"""Import benchmark: `billing_import` of a synthetic town against the raw floor.

    .venv/bin/python -m bench.import_billing --accounts 20000 [--db sqlite|postgres|both]

Floor, measured in the same run on the same files:
- SQLite: the files read with Python's csv module and inserted with sqlite3 executemany into
  bare tables that carry the same unique keys, in one transaction (same PRAGMAs as Kabinet).
- PostgreSQL: `COPY ... FROM STDIN (FORMAT csv)` of each file into bare tables with the same
  unique keys, in one transaction.

The import runs in a child process on a freshly migrated database (migration not timed); the
child's peak RSS comes from resource.getrusage. Goals (issue 2): at most 2x the floor, peak
memory under 500 MB. Figures go to bench/results/ (see bench/__init__.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Figure, quick, record
from bench._import_town import row_count, town_files
from bench.load_support import kabinet, kabinet_env, pg_database

BENCHMARK = "import_billing"
MEMORY_LIMIT_MB = 500.0
# Several people may share one server: each names its scratch databases apart.
PG_PREFIX = os.environ.get("KABINET_BENCH_PG_PREFIX", "kabinet_bench")
# The natural keys of each kind, as the real tables enforce them.
UNIQUE_KEYS = {
    "providers": ["provider"],
    "streets": ["street_id"],
    "accounts": ["provider", "account"],
    "meters": ["provider", "account", "meter"],
    "ledger": [],
}


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _bare_table_sql(path: Path) -> str:
    kind = path.stem
    columns = _header(path)
    unique = UNIQUE_KEYS[kind]
    constraint = f", UNIQUE ({', '.join(unique)})" if unique else ""
    body = ", ".join(f'"{column}" text' for column in columns)
    return f"CREATE TABLE floor_{kind} (id bigserial PRIMARY KEY, {body}{constraint})"


def sqlite_floor(paths: list[Path], folder: Path) -> float:
    """Seconds to read the files with csv and executemany them into bare SQLite tables."""
    db_path = folder / "floor.sqlite3"
    db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("BEGIN")
    for path in paths:
        kind = path.stem
        columns = _header(path)
        connection.execute(
            _bare_table_sql(path).replace("bigserial PRIMARY KEY", "INTEGER PRIMARY KEY")
        )
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            batch: list[list[str]] = []
            for row in reader:
                batch.append(row)
                if len(batch) >= 5000:
                    connection.executemany(
                        f"INSERT INTO floor_{kind} ({names}) VALUES ({marks})", batch
                    )
                    batch.clear()
            connection.executemany(f"INSERT INTO floor_{kind} ({names}) VALUES ({marks})", batch)
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - started


def postgres_floor(paths: list[Path], database_url: str) -> float:
    """Seconds to COPY the files into bare PostgreSQL tables, in one transaction."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for path in paths:
                cursor.execute(_bare_table_sql(path))  # type: ignore[arg-type]
                names = ", ".join(f'"{c}"' for c in _header(path))
                with (
                    path.open("rb") as handle,
                    cursor.copy(
                        f"COPY floor_{path.stem} ({names}) FROM STDIN"  # type: ignore[arg-type]
                        " (FORMAT csv, HEADER true)"
                    ) as copy,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
        connection.commit()
        return time.perf_counter() - started


def import_in_child(paths: list[Path], env: dict[str, str]) -> dict:
    """Run billing_import in a child process; return its seconds, counts and peak RSS."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.import_billing", "--import-child", *map(str, paths)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the import failed:\n{completed.stdout}\n{completed.stderr[-5000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["children_maxrss_mb"] = children.ru_maxrss / 1024
    return result


def child(paths: list[str]) -> None:
    """The child: set up Django, import, print one JSON line."""
    import django

    django.setup()
    from kabinet.exchange.importer import billing_import

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    summary = billing_import(paths=[Path(p) for p in paths])
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    usage = resource.getrusage(resource.RUSAGE_SELF)
    counts = {kind: vars(c) for kind, c in summary.counts.items()}
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "maxrss_mb": usage.ru_maxrss / 1024,
                "counts": counts,
            }
        )
    )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def floor_child(folder: str, paths: list[str]) -> None:
    """The SQLite floor in a process of its own, so that its CPU time can be told apart."""
    cpu_before = _cpu_seconds()
    seconds = sqlite_floor([Path(p) for p in paths], Path(folder))
    print(json.dumps({"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu_before}))


def sqlite_floor_in_child(paths: list[Path], folder: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.import_billing", "--floor-child", str(folder)]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(db: str, accounts: int, repeat: int) -> list[Figure]:
    paths = town_files(accounts)
    rows = row_count(paths)
    print(f"town of {accounts} accounts: {rows} rows in {len(paths)} files", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="kabinet-bench-import-"))
    try:
        floors: list[float] = []
        floor_cpus: list[float] = []
        results: list[dict] = []
        # Floor and import alternate, and the best of each counts: on a shared machine the
        # load of others comes and goes, and the minimum is the figure least disturbed by it.
        for _attempt in range(repeat):
            if db == "sqlite":
                floor_run = sqlite_floor_in_child(paths, folder)
                floors.append(floor_run["seconds"])
                floor_cpus.append(floor_run["cpu_seconds"])
                database = folder / "kabinet.sqlite3"
                for leftover in folder.glob("kabinet.sqlite3*"):
                    leftover.unlink()
                env = kabinet_env(f"sqlite:///{database}", var_dir=str(folder))
                kabinet("migrate", "--skip-checks", "--noinput", "-v0", env=env)
                results.append(import_in_child(paths, env))
                floor_name = "csv + sqlite3 executemany, bare tables"
            else:
                with pg_database(f"{PG_PREFIX}_import_floor") as floor_url:
                    floors.append(postgres_floor(paths, floor_url))
                with pg_database(f"{PG_PREFIX}_import") as url:
                    env = kabinet_env(url, var_dir=str(folder))
                    kabinet("migrate", "--skip-checks", "--noinput", "-v0", env=env)
                    results.append(import_in_child(paths, env))
                floor_name = "COPY (FORMAT csv), bare tables"
        floor = min(floors)
        floor_cpu = min(floor_cpus) if floor_cpus else None
        import_cpu = min(r["cpu_seconds"] for r in results)
        result = min(results, key=lambda r: r["seconds"])
        result["maxrss_mb"] = max(r["maxrss_mb"] for r in results)
        print(
            f"{db}: floors {[round(f, 2) for f in floors]} s,"
            f" imports {[round(r['seconds'], 2) for r in results]} s",
            flush=True,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    extra = {
        "accounts": accounts,
        "rows": rows,
        "db": db,
        "repeat": repeat,
        "counts": result["counts"],
        "load_average": os.getloadavg(),
    }
    print(
        f"{db}: floor {floor:.2f} s, import {result['seconds']:.2f} s "
        f"({result['seconds'] / floor:.2f}x), peak RSS {result['maxrss_mb']:.0f} MB",
        flush=True,
    )
    cpu_figures = []
    if floor_cpu:
        print(
            f"{db}: CPU time: floor {floor_cpu:.2f} s, import {import_cpu:.2f} s"
            f" ({import_cpu / floor_cpu:.2f}x)",
            flush=True,
        )
        cpu_figures.append(
            Figure(
                benchmark=BENCHMARK,
                name=f"{db} import CPU time, {accounts} accounts",
                value=round(import_cpu, 3),
                unit="s",
                floor=round(floor_cpu, 3),
                floor_name="the floor's CPU time",
                goal=0.5,
                higher_is_better=False,
                note=f"{import_cpu / floor_cpu:.2f}x; steadier than wall time on a busy machine",
                extra=extra,
            )
        )
    return [
        *cpu_figures,
        Figure(
            benchmark=BENCHMARK,
            name=f"{db} import, {accounts} accounts ({rows} rows)",
            value=round(result["seconds"], 3),
            unit="s",
            floor=round(floor, 3),
            floor_name=floor_name,
            goal=0.5,  # floor / time: at most twice the floor
            higher_is_better=False,
            note=f"{result['seconds'] / floor:.2f}x the floor; goal <= 2.0x",
            extra=extra,
        ),
        Figure(
            benchmark=BENCHMARK,
            name=f"{db} import peak RSS, {accounts} accounts",
            value=round(result["maxrss_mb"], 1),
            unit="MB",
            floor=MEMORY_LIMIT_MB,
            floor_name="the 500 MB limit",
            goal=1.0,
            higher_is_better=False,
            note="goal < 500 MB",
            extra=extra,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.import_billing")
    default_accounts = int(
        os.environ.get("KABINET_BENCH_IMPORT_ACCOUNTS") or (20000 if quick() else 200000)
    )
    parser.add_argument("--accounts", type=int, default=default_accounts)
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "both"],
        default=os.environ.get("KABINET_BENCH_IMPORT_DB", "sqlite" if quick() else "both"),
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs of floor and import, the best of each counts (default 3, 1 from 100,000)",
    )
    parser.add_argument("--import-child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--floor-child", nargs="+", help=argparse.SUPPRESS)
    # Known arguments only: `python -m bench` runs this module with its own `--child NAME`.
    args, _unknown = parser.parse_known_args(argv)
    if args.import_child:
        child(args.import_child)
        return
    if args.floor_child:
        floor_child(args.floor_child[0], args.floor_child[1:])
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    repeat = args.repeat or (3 if args.accounts < 100000 else 1)
    figures = [figure for db in dbs for figure in measure(db, args.accounts, repeat)]
    record(*figures)


if __name__ == "__main__":
    main()
