"""An import killed with SIGKILL part-way leaves the database exactly as it was."""

import datetime as dt
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from bench.load_support import KABINET, ROOT, kabinet
from kabinet.demo.town import town_write

from .dbstate import database_state

TODAY = dt.date(2026, 11, 28)
# Big enough that the import works for several seconds on 2 cores (about 100,000 rows).
BIG_TOWN = int(os.environ.get("KABINET_FAULTS_TOWN", "2000"))


def town_paths(directory: Path, accounts: int, seed: int) -> list[str]:
    files = town_write(directory=directory, accounts=accounts, today=TODAY, seed=seed)
    return [str(path) for paths in files.values() for path in paths]


def postgres_transaction_open(env: dict[str, str]) -> bool:
    """Whether another session of the database holds a transaction that has written."""
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        writers = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_xid IS NOT NULL"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    return bool(writers and writers[0])


def wait_for_other_sessions_to_end(env: dict[str, str], timeout: float = 30) -> None:
    """PostgreSQL rolls a dead client's transaction back when it notices; wait for that."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        return
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
            if row and row[0] == 0:
                return
            time.sleep(0.2)
    raise AssertionError("the killed import's database session did not end")


@pytest.mark.faults
def test_an_import_killed_part_way_leaves_the_database_exactly_as_before(migrated_env, var_dir):
    kabinet("import_billing", *town_paths(Path(var_dir, "small"), 150, seed=1), env=migrated_env)
    big_town = town_paths(Path(var_dir, "big"), BIG_TOWN, seed=2)
    before = database_state(migrated_env["DATABASE_URL"])
    assert before["billing_account"][0] == 150

    # -v 2 prints a line as each file is read; the ledger files, read last, take seconds
    # more of work inside the one transaction before it commits.
    process = subprocess.Popen(
        [KABINET, "import_billing", "--verbosity", "2", *big_town],
        env={**migrated_env, "PYTHONUNBUFFERED": "1"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    read_lines = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            read_lines.append(line)
            if "ledger" in line:
                break
        time.sleep(random.uniform(0, 0.3))
        still_running = process.poll() is None
        mid_transaction = migrated_env["DATABASE_URL"].startswith("sqlite") or (
            postgres_transaction_open(migrated_env)
        )
        process.send_signal(signal.SIGKILL)
        returncode = process.wait(timeout=30)
        summary = process.stdout.read() if process.stdout else ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    wait_for_other_sessions_to_end(migrated_env)
    after = database_state(migrated_env["DATABASE_URL"])

    assert any("ledger" in line for line in read_lines), read_lines
    assert still_running and mid_transaction and returncode == -signal.SIGKILL
    assert "inserted" not in summary
    assert {table: rows for table, (rows, _) in after.items()} == {
        table: rows for table, (rows, _) in before.items()
    }
    assert after == before
