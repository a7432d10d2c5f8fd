import json
import time

import pytest
from django.db import connection

from kabinet.ops.heartbeat import Heartbeat, heartbeat_write


def test_healthz_answers_without_touching_the_database_or_setting_a_cookie(client):
    # No `db` fixture: pytest-django makes any query here an error.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.cookies == {}
    assert response["X-Request-ID"]


def test_healthz_answers_for_a_host_not_in_allowed_hosts(client):
    # A load balancer probes by the backend's address, not the site's name.
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_worker_heartbeat(client, worker_alive):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["failed"] == {}
    assert response.cookies == {}


@pytest.mark.django_db
def test_readyz_fails_without_a_worker_heartbeat(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == {"worker": "no heartbeat seen"}


@pytest.mark.django_db
def test_readyz_fails_when_the_heartbeat_is_older_than_the_limit(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    heartbeat_write(at=time.time() - 61)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "worker" in response.json()["failed"]


@pytest.mark.django_db
def test_readyz_skips_the_worker_when_its_limit_is_zero(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 0

    response = client.get("/readyz")

    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_fails_when_a_migration_is_not_applied(client, worker_alive):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'metering' AND name = "
            "(SELECT MAX(name) FROM django_migrations WHERE app = 'metering')"
        )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == {"database": "1 migration(s) not applied"}


@pytest.mark.django_db
def test_readyz_names_a_broken_cache_without_its_address(client, settings, worker_alive):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:secret-password@127.0.0.1:1/0",
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert set(response.json()["failed"]) == {"cache"}
    assert "secret-password" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_writes_on_its_period(settings):
    from django.core.cache import cache

    from kabinet.ops.selectors import HEARTBEAT_KEY

    cache.delete(HEARTBEAT_KEY)
    beat = Heartbeat(interval=0.05)
    beat.start()
    try:
        deadline = time.time() + 5
        while cache.get(HEARTBEAT_KEY) is None and time.time() < deadline:
            time.sleep(0.05)
    finally:
        beat.stopped.set()
        beat.join(timeout=5)

    assert abs(cache.get(HEARTBEAT_KEY) - time.time()) < 5


def test_readyz_body_is_json_with_a_status(client, db, worker_alive):
    body = json.loads(client.get("/readyz").content)

    assert body["status"] == "ready"
    assert body["worker_heartbeat_max_age"] == 60
