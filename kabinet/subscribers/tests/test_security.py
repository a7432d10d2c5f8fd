"""Headers, cookies, CSRF and the production settings, on the subscribers' pages."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PAGES = ["/register/", "/login/", "/password/reset/", "/register/streets/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(db, client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only_and_same_site_lax(db, client, django_user_model):
    django_user_model.objects.create_user("olena.k", "olena@example.com", "зелений чайник")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user_id=django_user_model.objects.get().pk, email="olena@example.com", verified=True
    )

    client.post("/login/", {"login": "olena.k", "password": "зелений чайник"})

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.parametrize("path", ["/register/", "/login/", "/password/reset/"])
def test_a_form_posted_without_the_csrf_token_is_refused(db, path):
    client = Client(enforce_csrf_checks=True)

    response = client.post(path, {})

    assert response.status_code == 403


def test_the_deploy_check_of_the_production_settings_warns_of_nothing(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KABINET_", "DATABASE_", "DJANGO_"))
    }
    env |= {
        "KABINET_SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "KABINET_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kabinet.config.settings.production",
    }
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_cookies_are_secure(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KABINET_", "DATABASE_"))}
    env |= {
        "KABINET_SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "KABINET_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kabinet.config.settings.production",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["True", "True", "True", "True", "Lax"]


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "counted"),
    [
        (0, "", "203.0.113.9"),
        (0, "198.51.100.1", "203.0.113.9"),  # nobody vouches for the header: ignored
        (1, "198.51.100.1", "198.51.100.1"),  # the balancer's entry
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote before it is not
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.5", "198.51.100.1"),
    ],
)
def test_the_check_step_counts_failures_by_the_address_the_proxies_vouch_for(
    settings, rf, proxies, forwarded_for, counted
):
    from kabinet.subscribers.views import _client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = rf.post("/register/", REMOTE_ADDR="203.0.113.9", **headers)

    assert _client_ip(request) == counted
