"""Settings are read from the environment exactly as interfaces.md lists them."""

import json
import os
import subprocess
import sys

import pytest


def run_in_fresh_process(code: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter whose environment holds no Kabinet setting but `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KABINET_", "DATABASE_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "kabinet.config.settings.local"}
    clean |= {"KABINET_VAR_DIR": str(tmp_path / "var")} | env
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def settings_in_fresh_process(env: dict[str, str], tmp_path) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
        "'name': str(settings.DATABASES['default']['NAME']), 'debug': settings.DEBUG,"
        "'hosts': settings.ALLOWED_HOSTS, 'site': settings.SITE_URL,"
        "'mail': settings.OPS_MAIL_BACKEND, 'key_len': len(settings.SECRET_KEY),"
        "'smtp_host': getattr(settings, 'EMAIL_HOST', ''),"
        "'smtp_port': getattr(settings, 'EMAIL_PORT', 0),"
        "'smtp_user': getattr(settings, 'EMAIL_HOST_USER', '')}))"
    )
    result = run_in_fresh_process(code, env, tmp_path)
    result.check_returncode()
    return json.loads(result.stdout)


def test_defaults_are_an_sqlite_file_under_var_no_debug_and_local_hosts(tmp_path):
    settings = settings_in_fresh_process({}, tmp_path)

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str((tmp_path / "var" / "kabinet.sqlite3").resolve())
    assert settings["debug"] is False
    assert settings["hosts"] == ["localhost", "127.0.0.1"]
    assert settings["site"] == "http://localhost:8000"


def test_a_development_secret_key_is_generated_once_and_kept(tmp_path):
    settings_in_fresh_process({}, tmp_path)
    key_file = tmp_path / "var" / "secret_key"
    first = key_file.read_text()

    settings_in_fresh_process({}, tmp_path)

    assert key_file.read_text() == first
    assert len(first) >= 50


def test_database_url_selects_postgresql(tmp_path):
    settings = settings_in_fresh_process(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kabinet"}, tmp_path
    )

    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "kabinet"


def test_environment_overrides_debug_hosts_and_site_url(tmp_path):
    settings = settings_in_fresh_process(
        {
            "KABINET_DEBUG": "1",
            "KABINET_ALLOWED_HOSTS": "kabinet.vodokanal.ua, www.kabinet.vodokanal.ua",
            "KABINET_SITE_URL": "https://kabinet.vodokanal.ua/",
        },
        tmp_path,
    )

    assert settings["debug"] is True
    assert settings["hosts"] == ["kabinet.vodokanal.ua", "www.kabinet.vodokanal.ua"]
    assert settings["site"] == "https://kabinet.vodokanal.ua"


def test_mail_dir_writes_files_and_smtp_url_is_parsed(tmp_path):
    to_files = settings_in_fresh_process({"KABINET_MAIL_DIR": str(tmp_path / "mail")}, tmp_path)
    to_smtp = settings_in_fresh_process(
        {"KABINET_SMTP_URL": "smtp://kabinet:p%40ss@mail.example.com:2525"}, tmp_path
    )

    # The backend behind the one that counts mail for the metrics (kabinet/ops/mail.py).
    assert to_files["mail"] == "kabinet.notifications.mail.EmlFileBackend"
    assert to_smtp["mail"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (to_smtp["smtp_host"], to_smtp["smtp_port"]) == ("mail.example.com", 2525)
    assert to_smtp["smtp_user"] == "kabinet"


def test_the_database_cache_keeps_throttle_counters_through_a_flood_of_other_keys(db):
    # Django's database cache culls a third of its rows past MAX_ENTRIES (300 by default): a
    # flood of keys from other clients must not wipe a guesser's counter.
    from django.core.cache import cache

    cache.set("throttle:number:0012345", 5, 600)
    cache.set_many({f"throttle:zz:{n}": 1 for n in range(400)}, 600)
    for n in range(400, 420):
        cache.set(f"throttle:zz:{n}", 1, 600)

    assert cache.get("throttle:number:0012345") == 5


def proxy_settings(value: str, tmp_path) -> subprocess.CompletedProcess:
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    return run_in_fresh_process(code, {"KABINET_TRUSTED_PROXY_COUNT": value}, tmp_path)


@pytest.mark.parametrize(("value", "counted"), [("", "0 0"), ("1", "1 1"), (" 2 ", "2 2")])
def test_trusted_proxy_count_sets_allauth_and_the_api_alike(tmp_path, value, counted):
    result = proxy_settings(value, tmp_path)

    assert result.stdout.strip() == counted, result.stderr


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_trusted_proxy_count_that_is_not_a_count_is_refused_clearly(tmp_path, value):
    result = proxy_settings(value, tmp_path)

    assert result.returncode != 0
    assert "KABINET_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
