import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import task

from kabinet import metrics


@task()
def ops_test_noop() -> int:
    return 1


def test_metrics_are_refused_when_neither_a_token_nor_addresses_are_set(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED = []

    response = client.get("/metrics")

    assert response.status_code == 403
    assert b"kabinet_" not in response.content


def test_metrics_are_refused_without_the_token_or_with_another(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"

    missing = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")

    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status_code == 401


@pytest.mark.django_db
def test_metrics_answer_with_the_token_and_count_requests_by_route(client, settings, metric):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    before = metric("kabinet_http_requests_total", route="web:home", method="GET", status="200")
    client.get("/")

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'kabinet_http_requests_total{method="GET",route="web:home",status="200"}' in text
    assert "kabinet_http_request_duration_seconds_bucket" in text
    assert "kabinet_task_queue_depth" in text
    after = metric("kabinet_http_requests_total", route="web:home", method="GET", status="200")
    assert after == before + 1


@pytest.mark.django_db
def test_metrics_answer_an_allowed_address_as_the_trusted_proxy_sees_it(client, settings):
    settings.METRICS_TOKEN = ""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_ALLOWED = metrics_networks("10.0.0.0/8")

    allowed = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.2.3.4", REMOTE_ADDR="127.0.0.1")
    outside = client.get("/metrics", HTTP_X_FORWARDED_FOR="192.0.2.7", REMOTE_ADDR="127.0.0.1")

    assert allowed.status_code == 200
    assert outside.status_code == 403


def metrics_networks(*items: str):
    import ipaddress

    return [ipaddress.ip_network(item) for item in items]


def test_the_address_in_x_forwarded_for_is_ignored_without_a_trusted_proxy(client, settings):
    settings.METRICS_TOKEN = ""
    settings.TRUSTED_PROXY_COUNT = 0
    settings.METRICS_ALLOWED = metrics_networks("10.0.0.0/8")

    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.2.3.4", REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 403


def test_an_unmatched_path_is_counted_under_one_route(client, metric):
    before = metric("kabinet_http_requests_total", route="unmatched", method="GET", status="404")

    client.get("/no/such/page/123456/")

    after = metric("kabinet_http_requests_total", route="unmatched", method="GET", status="404")
    assert after == before + 1


@pytest.mark.django_db
def test_sign_ins_and_failures_are_counted(client, django_user_model, metric):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user("olena", "olena@example.com", "Pass-word-42")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    ok, failed = (metric("kabinet_sign_ins_total", outcome=o) for o in ("success", "failure"))

    client.post("/login/", {"login": "olena", "password": "wrong-one"})
    client.post("/login/", {"login": "olena", "password": "Pass-word-42"})

    assert metric("kabinet_sign_ins_total", outcome="failure") == failed + 1
    assert metric("kabinet_sign_ins_total", outcome="success") == ok + 1


def test_mails_sent_and_failed_are_counted(settings, metric):
    settings.EMAIL_BACKEND = "kabinet.ops.mail.CountingBackend"
    settings.OPS_MAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = metric("kabinet_mails_total", outcome="sent")
    failed = metric("kabinet_mails_total", outcome="failed")

    mail.send_mail("Subject", "Body", "from@example.com", ["to@example.com"])
    settings.OPS_MAIL_BACKEND = "kabinet.ops.tests.test_metrics.BrokenBackend"
    with pytest.raises(ConnectionError):
        mail.send_mail("Subject", "Body", "from@example.com", ["to@example.com"])

    assert len(mail.outbox) == 1
    assert metric("kabinet_mails_total", outcome="sent") == sent + 1
    assert metric("kabinet_mails_total", outcome="failed") == failed + 1


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("the SMTP server is down")


@pytest.mark.django_db
def test_readings_stored_are_counted_by_provider_and_source(
    make_account, make_meter, django_user_model, metric
):
    from kabinet.metering.services import reading_submit

    account = make_account()
    meter = make_meter(account)
    before = metric("kabinet_readings_stored_total", provider="vodokanal", source="portal")

    reading_submit(
        meter=meter,
        value="120",
        reading_date=timezone.localdate(),
        source="portal",
        submitted_by=None,
        now=timezone.now(),
    )

    after = metric("kabinet_readings_stored_total", provider="vodokanal", source="portal")
    assert after == before + 1


@pytest.mark.django_db
def test_check_step_outcomes_are_counted(make_account, metric):
    from kabinet.subscribers.check import CheckFailed, account_check_throttled

    account = make_account()
    matched = metric("kabinet_check_outcomes_total", outcome="matched")
    not_matched = metric("kabinet_check_outcomes_total", outcome="not_matched")
    fields = {"street": "Шевченка", "house": "12", "apartment": "45"}

    account_check_throttled(
        client_ip="192.0.2.1",
        now=timezone.now(),
        provider=account.provider,
        account_number=account.number,
        surname="Коваленко",
        **fields,
    )
    with pytest.raises(CheckFailed):
        account_check_throttled(
            client_ip="192.0.2.1",
            now=timezone.now(),
            provider=account.provider,
            account_number=account.number,
            surname="Петренко",
            **fields,
        )

    assert metric("kabinet_check_outcomes_total", outcome="matched") == matched + 1
    assert metric("kabinet_check_outcomes_total", outcome="not_matched") == not_matched + 1


def test_an_unknown_check_outcome_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown Check outcome"):
        metrics.check_outcome("maybe")


def test_payments_by_status_can_be_counted_by_the_payments_app(metric):
    before = metric("kabinet_payments_total", status="success")

    metrics.payment_recorded(status="success")

    assert metric("kabinet_payments_total", status="success") == before + 1


@pytest.mark.django_db
def test_a_finished_import_run_is_counted_with_its_duration_and_rows(make_provider, metric):
    from kabinet.ops.receivers import _import_run_model

    ImportRun = _import_run_model()
    started = timezone.now()
    runs = metric("kabinet_import_runs_total", status="done", via="api")
    rows = metric("kabinet_import_rows_total", kind="readings", outcome="inserted")
    durations = metric("kabinet_import_run_duration_seconds_count", status="done")
    run = ImportRun.objects.create(created_at=started, provider=make_provider(), via="api")

    run.status = "done"
    run.finished_at = started + dt.timedelta(seconds=42)
    run.counts = {"readings": {"inserted": 7, "updated": 0, "unchanged": 3}}
    run.save()

    assert metric("kabinet_import_runs_total", status="done", via="api") == runs + 1
    assert metric("kabinet_import_rows_total", kind="readings", outcome="inserted") == rows + 7
    assert metric("kabinet_import_run_duration_seconds_count", status="done") == durations + 1


@pytest.mark.django_db
def test_the_task_queue_depth_and_oldest_age_come_from_the_database(settings):
    from django_tasks_db.models import DBTaskResult

    from kabinet.ops.selectors import task_queue

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ops_test_noop.using().enqueue()
    ops_test_noop.using().enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(seconds=90))

    queue = task_queue(now=timezone.now())

    count, age = queue["default"]
    assert count == 2
    assert 89 < age < 120


def test_static_files_are_counted_under_one_route(client, metric):
    before = metric("kabinet_http_requests_total", route="static", method="GET", status="200")

    response = client.get("/static/kabinet/kabinet.css")

    assert response.status_code == 200
    assert metric("kabinet_http_requests_total", route="static", method="GET", status="200") == (
        before + 1
    )
