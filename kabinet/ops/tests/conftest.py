import pytest
from prometheus_client import REGISTRY


@pytest.fixture
def metric():
    """The current value of a sample of the process' metrics (0 when it has none yet)."""

    def value(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    return value


@pytest.fixture
def worker_alive(settings):
    """A task worker's heartbeat, as fresh as can be."""
    import time

    from kabinet.ops.heartbeat import heartbeat_write

    heartbeat_write(at=time.time())


@pytest.fixture(autouse=True)
def in_english():
    """Commands and pages are read in English here; the Ukrainian catalogue has its own test."""
    from django.utils import translation

    with translation.override("en"):
        yield
