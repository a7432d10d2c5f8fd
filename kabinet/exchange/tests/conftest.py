"""Fixtures of the exchange tests: files written on the fly, the samples with a providers file."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

SAMPLE_FILES = ["streets.csv", "accounts.csv", "meters.csv", "readings.csv", "ledger.csv"]

PROVIDERS_CSV = (
    "provider,name,service,read_from,read_to,cutoff,meter_required\n"
    "vodokanal,КП «Водоканал»,cold_water,1,25,20,0\n"
)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are compared in English; the Ukrainian catalogue has its own test."""
    with translation.override("en"):
        yield


@pytest.fixture
def write_file(tmp_path) -> Callable[..., Path]:
    """Write `text` (or bytes) as a file under tmp_path and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@pytest.fixture
def providers_file(write_file) -> Path:
    return write_file("providers.csv", PROVIDERS_CSV)


@pytest.fixture
def sample_paths(samples_dir, providers_file) -> list[Path]:
    return [providers_file, *(samples_dir / name for name in SAMPLE_FILES)]
