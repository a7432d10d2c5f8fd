"""`kabinet serve` hands over to gunicorn with the portal's arguments."""

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def exec_calls(monkeypatch):
    calls = []
    monkeypatch.setattr("os.execvp", lambda file, args: calls.append(args))
    return calls


def test_serve_starts_gunicorn_on_the_given_address_with_the_workers_asked(exec_calls):
    call_command("serve", "--bind", "127.0.0.1:8123", "--workers", "3", "--no-collectstatic")

    (argv,) = exec_calls
    assert argv[1:4] == ["-m", "gunicorn", "kabinet.config.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"


def test_two_instances_on_one_host_share_no_control_socket(exec_calls):
    call_command("serve", "--no-collectstatic")

    (argv,) = exec_calls
    assert "--no-control-socket" in argv
    assert "--control-socket" not in argv


def test_serve_refuses_zero_workers(exec_calls):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", "--workers", "0", "--no-collectstatic")

    assert exec_calls == []
