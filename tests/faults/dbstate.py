"""A fingerprint of a whole database: every table's row count and a checksum of its rows."""

import hashlib
import sqlite3

import psycopg


def database_state(database_url: str) -> dict[str, tuple[int, str]]:
    """Return {table: (rows, checksum)} for every table of the database at `database_url`."""
    if database_url.startswith("sqlite:///"):
        return _sqlite_state(database_url.removeprefix("sqlite:///"))
    return _postgres_state(database_url)


def _sqlite_state(path: str) -> dict[str, tuple[int, str]]:
    state = {}
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in sorted(tables):
            digest = hashlib.sha256()
            rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            for row in rows:
                digest.update(row.encode())
            state[table] = (len(rows), digest.hexdigest())
    return state


def _postgres_state(url: str) -> dict[str, tuple[int, str]]:
    state = {}
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        for table in tables:
            row = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
                f' FROM "{table}" t'
            ).fetchone()
            assert row is not None
            state[table] = (row[0], row[1])
    return state
