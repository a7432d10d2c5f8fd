import json
import logging

import pytest

from kabinet.ops.logs import REQUEST_ID, JsonFormatter


@pytest.fixture
def lines(caplog):
    """The portal's log lines of the test, each as JsonFormatter writes it, parsed."""
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()

    def read() -> list[dict]:
        return [json.loads(formatter.format(record)) for record in caplog.records]

    return read


def request_lines(found: list[dict]) -> list[dict]:
    return [line for line in found if line["logger"] == "kabinet.request"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_request_id(client, lines):
    response = client.get("/")

    (line,) = request_lines(lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert line["route"] == "web:home"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["client"] == "127.0.0.1"
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None


def test_a_trusted_proxys_request_id_is_kept(client, settings, lines):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")

    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    assert request_lines(lines())[0]["request_id"] == "0123456789abcdef0123456789abcdef"


def test_a_clients_request_id_is_replaced_without_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")

    assert response["X-Request-ID"] != "0123456789abcdef0123456789abcdef"
    assert len(response["X-Request-ID"]) == 32


def test_a_request_id_that_could_forge_log_lines_is_replaced(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level": "forged"')

    assert "forged" not in response["X-Request-ID"]


@pytest.mark.django_db
def test_the_signed_in_users_id_is_logged_never_the_login(client, django_user_model, lines):
    user = django_user_model.objects.create_user("olena", "olena@example.com", "Pass-word-42")
    client.force_login(user)

    client.get("/cabinet/")

    line = request_lines(lines())[-1]
    assert line["user_id"] == user.pk
    assert "olena" not in json.dumps(lines())


@pytest.mark.django_db
def test_a_sign_in_logs_neither_the_password_nor_the_cookies(client, django_user_model, lines):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user("olena", "olena@example.com", "Pass-word-42")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    client.post("/login/", {"login": "olena", "password": "Wrong-pass-99"})
    client.post("/login/", {"login": "olena", "password": "Pass-word-42"})
    client.get("/cabinet/")

    text = json.dumps(lines())
    assert len(request_lines(lines())) == 3
    assert "Pass-word-42" not in text
    assert "Wrong-pass-99" not in text
    assert client.cookies["sessionid"].value not in text


def test_djangos_not_found_line_keeps_no_path(client, lines):
    client.get("/no-such-page/secret-key-in-the-path/")

    text = json.dumps(lines())
    assert "secret-key-in-the-path" not in text


@pytest.mark.django_db
def test_a_task_is_one_json_line_carrying_the_request_id_that_queued_it(lines, settings):
    from django_tasks_db.models import DBTaskResult

    from kabinet.ops.receivers import on_task_finished, on_task_started
    from kabinet.ops.tests.test_metrics import ops_test_noop

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    token = REQUEST_ID.set("request-that-queued-it")
    try:
        result = ops_test_noop.using().enqueue()
    finally:
        REQUEST_ID.reset(token)
    stored = DBTaskResult.objects.get(pk=result.id)

    # What the worker does around the task, in a process without the request's context.
    on_task_started(sender=None, task_result=stored.task_result)
    on_task_finished(sender=None, task_result=stored.task_result)

    (line,) = [line for line in lines() if line["logger"] == "kabinet.task"]
    assert line["request_id"] == "request-that-queued-it"
    assert line["task"].endswith("ops_test_noop")
    assert line["task_id"] == str(result.id)
    assert REQUEST_ID.get() is None
