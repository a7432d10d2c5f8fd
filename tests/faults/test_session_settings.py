"""KABINET_SESSIONS moves sessions into the shared cache only when Redis is configured."""

import os
import subprocess
import sys

import pytest

DB = "django.contrib.sessions.backends.db"


def session_engine(**env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KABINET_REDIS_URL", "KABINET_SESSIONS")
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="kabinet.config.settings.local")
    completed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


@pytest.mark.parametrize(
    ("env", "engine"),
    [
        ({}, DB),
        ({"KABINET_SESSIONS": "cache"}, DB),
        ({"KABINET_REDIS_URL": "redis://127.0.0.1:6379/5"}, DB),
        (
            {"KABINET_REDIS_URL": "redis://127.0.0.1:6379/5", "KABINET_SESSIONS": "cache"},
            "django.contrib.sessions.backends.cache",
        ),
        (
            {"KABINET_REDIS_URL": "redis://127.0.0.1:6379/5", "KABINET_SESSIONS": "cached_db"},
            "django.contrib.sessions.backends.cached_db",
        ),
        ({"KABINET_REDIS_URL": "redis://127.0.0.1:6379/5", "KABINET_SESSIONS": "file"}, DB),
    ],
)
def test_sessions_leave_the_database_only_for_redis_and_a_known_engine(env, engine, tmp_path):
    found = session_engine(KABINET_VAR_DIR=str(tmp_path), **env)

    assert found == engine
