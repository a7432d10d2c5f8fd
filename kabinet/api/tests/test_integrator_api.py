import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kabinet.api.tokens import api_token_create
from kabinet.billing.models import Account
from kabinet.exchange import runs
from kabinet.exchange.models import ImportRun
from kabinet.metering.models import Reading

pytestmark = pytest.mark.django_db

SAMPLES = ["streets.csv", "accounts.csv", "meters.csv", "readings.csv", "ledger.csv"]


def files(samples_dir, names=SAMPLES):
    return [SimpleUploadedFile(name, (samples_dir / name).read_bytes()) for name in names]


def test_an_integrator_uploads_billing_files_and_they_are_imported(
    integrator, vodokanal, samples_dir
):
    response = integrator.post(
        "/api/v1/imports/",
        {"provider": "vodokanal", "files": files(samples_dir)},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 201, body
    assert body["status"] == "done"
    assert body["counts"]["accounts"]["inserted"] == Account.objects.count() > 0
    assert response["Location"] == f"/api/v1/imports/{body['id']}/"


def test_a_dry_run_through_the_api_changes_nothing(integrator, vodokanal, samples_dir):
    response = integrator.post(
        "/api/v1/imports/",
        {"provider": "vodokanal", "files": files(samples_dir), "dry_run": "true"},
        format="multipart",
    )

    assert response.json()["dry_run"] is True
    assert not Account.objects.exists()


def test_invalid_rows_are_reported_line_by_line(integrator, vodokanal):
    bad = SimpleUploadedFile("accounts.csv", b"account,street_id,house,surname\n1,,,\n")

    response = integrator.post(
        "/api/v1/imports/", {"provider": "vodokanal", "files": [bad]}, format="multipart"
    )

    body = response.json()
    assert body["status"] == "rejected"
    assert body["error_total"] >= 1
    assert body["errors"][0].startswith("accounts.csv:2:")


def test_a_large_upload_is_a_background_job_with_an_id_to_poll(
    integrator, vodokanal, samples_dir, monkeypatch
):
    monkeypatch.setattr(runs, "BACKGROUND_IMPORT_BYTES", 10)

    response = integrator.post(
        "/api/v1/imports/",
        {"provider": "vodokanal", "files": files(samples_dir)},
        format="multipart",
    )
    polled = integrator.get(response["Location"])

    # The test settings run tasks at once, so the job is already finished when polled.
    assert polled.status_code == 200
    assert polled.json()["id"] == response.json()["id"]
    assert polled.json()["status"] == "done"


def test_an_integrator_downloads_the_readings_export(
    integrator, make_account, make_meter, vodokanal
):
    meter = make_meter(make_account("0012345", provider=vodokanal))
    Reading.objects.create(
        meter=meter,
        reading_date=dt.date(2026, 11, 3),
        value="12.5",
        source="portal",
        submitted_at=timezone.now(),
    )

    response = integrator.get(
        "/api/v1/exports/readings/", {"provider": "vodokanal", "period": "2026-11"}
    )

    assert response.status_code == 200
    assert "0012345" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_an_export_without_a_period_or_range_is_a_400(integrator, vodokanal):
    response = integrator.get("/api/v1/exports/readings/", {"provider": "vodokanal"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_operator_token_reaches_no_provider_outside_its_scope(
    integrator, gas, samples_dir, operator, vodokanal
):
    gas.operators.add(operator)  # the user operates gas, but the token was made for vodokanal
    foreign_run = ImportRun.objects.create(created_at=timezone.now(), provider=gas)

    answers = [
        integrator.post(
            "/api/v1/imports/",
            {"provider": "gas", "files": files(samples_dir, ["streets.csv"])},
            format="multipart",
        ),
        integrator.get(f"/api/v1/imports/{foreign_run.pk}/"),
        integrator.get("/api/v1/exports/readings/", {"provider": "gas", "period": "2026-11"}),
    ]
    listed = integrator.get("/api/v1/imports/").json()
    providers = integrator.get("/api/v1/providers/").json()

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert listed["count"] == 0
    assert [p["code"] for p in providers["results"]] == ["vodokanal"]
    assert ImportRun.objects.count() == 1


def test_an_operator_who_no_longer_operates_the_provider_loses_it(integrator, operator, vodokanal):
    vodokanal.operators.remove(operator)

    response = integrator.get(
        "/api/v1/exports/readings/", {"provider": "vodokanal", "period": "2026-11"}
    )

    assert response.status_code == 404


def test_an_operator_token_cannot_use_the_subscriber_endpoints(integrator):
    response = integrator.get("/api/v1/accounts/")

    assert response.status_code == 403
    assert response.json()["code"] == "wrong_token_kind"


def test_requests_past_the_token_rate_are_throttled_with_429(settings, api, account):
    from kabinet.api.throttles import TokenRateThrottle

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "2/min"}
    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = rates
    try:
        answers = [api.get("/api/v1/accounts/").status_code for _ in range(3)]
        throttled = api.get("/api/v1/accounts/")
    finally:
        TokenRateThrottle.THROTTLE_RATES = original

    assert answers == [200, 200, 429]
    assert throttled.json()["code"] == "throttled"
    assert "Retry-After" in throttled


def test_a_client_guessing_tokens_is_throttled_too(client, db):
    answers = guesses(client, [None] * 4)

    assert answers == [401, 401, 401, 429]


def guesses(client, forwarded_for: list[str | None]) -> list[int]:
    """Token guesses from one connection, each with its X-Forwarded-For (None: no header),
    against a client limit of 3 a minute."""
    from kabinet.api.throttles import ClientRateThrottle

    original = ClientRateThrottle.THROTTLE_RATES
    ClientRateThrottle.THROTTLE_RATES = {**original, "client": "3/min"}
    try:
        return [
            client.get(
                "/api/v1/accounts/",
                HTTP_AUTHORIZATION=f"Bearer kab_guess{n}",
                **({"HTTP_X_FORWARDED_FOR": xff} if xff else {}),
            ).status_code
            for n, xff in enumerate(forwarded_for)
        ]
    finally:
        ClientRateThrottle.THROTTLE_RATES = original


def test_a_forged_forwarded_for_does_not_escape_the_client_limit(client, db):
    # No proxy is trusted by default: the connection's address counts, whatever the header says.
    answers = guesses(client, ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"])

    assert answers == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(settings, client, db):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    # The proxy appends the address it saw; what the client put before it is not believed.
    answers = guesses(client, [f"6.6.6.6, 10.0.0.{n % 2}" for n in range(6)])

    assert answers == [401, 401, 401, 401, 401, 401]
    assert guesses(client, ["10.0.0.0"]) == [429]


def test_each_token_has_its_own_count(settings, api, account, subscriber):
    from rest_framework.test import APIClient

    from kabinet.api.throttles import TokenRateThrottle

    _token, other_secret = api_token_create(
        user=subscriber, name="second", kind="subscriber", now=timezone.now()
    )
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = {**original, "token": "1/min"}
    try:
        first = api.get("/api/v1/accounts/").status_code
        second = other.get("/api/v1/accounts/").status_code
    finally:
        TokenRateThrottle.THROTTLE_RATES = original

    assert (first, second) == (200, 200)
