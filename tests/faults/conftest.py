"""Fault tests: real servers and commands, killed on purpose. Run with `pytest -m faults`.

They start `kabinet` processes against databases of their own (an SQLite file in a temporary
folder, or a PostgreSQL database created and dropped here), so they take no `db` fixture.
"""

import os
import tempfile
from collections.abc import Iterator

import pytest

from bench.load_support import kabinet_env, migrate, pg_database


def pytest_collection_modifyitems(config, items):
    # Selected explicitly (`-m faults`, as .ci/checks/faults.sh does) or not at all: these
    # tests take minutes and need PostgreSQL, which `make test` does not.
    if "faults" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="fault test: run with -m faults (.ci/checks/faults.sh)")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(skip)


def postgres_available() -> bool:
    try:
        import psycopg

        from bench.load_support import PG_ADMIN_URL

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture
def var_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="kabinet-faults-") as path:
        yield path


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_env(request, var_dir) -> Iterator[dict[str, str]]:
    """The environment of `kabinet` commands on a fresh, migrated database of each backend."""
    if request.param == "sqlite":
        env = kabinet_env(f"sqlite:///{var_dir}/faults.sqlite3", var_dir=var_dir)
        migrate(env)
        yield env
        return
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable")
    with pg_database(f"kabinet_faults_{os.getpid()}") as url:
        env = kabinet_env(url, var_dir=var_dir)
        migrate(env)
        yield env
