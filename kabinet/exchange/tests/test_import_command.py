"""`kabinet import_billing` as an operator runs it: exit codes, messages, language."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kabinet.billing.models import Account
from kabinet.exchange.management.commands.import_billing import Command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    # run_from_argv closes every connection when it ends, which would end the test's
    # transaction on PostgreSQL.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def run(argv, capsys):
    """Run the command as the console script does; return (exit code, stdout, stderr)."""
    try:
        Command().run_from_argv(["kabinet", "import_billing", "--skip-checks", *map(str, argv)])
        code = 0
    except SystemExit as exit:
        code = exit.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_clean_import_exits_0_with_a_summary(sample_paths, capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")

    code, out, err = run(sample_paths, capsys)

    assert code == 0
    assert "accounts: 7 inserted, 0 updated, 0 unchanged" in out
    assert err == ""


def test_invalid_rows_exit_1_listing_each_and_change_nothing(
    providers_file, write_file, capsys, monkeypatch
):
    monkeypatch.setenv("LANGUAGE", "en")
    bad = write_file(
        "accounts.csv", "provider,account,street_id,house,surname\nvodokanal,1,0001,1,X\n"
    )

    code, _out, err = run([providers_file, bad], capsys)

    assert code == 1
    assert err.splitlines() == [
        f"{bad}:2: street_id: street 0001 does not exist: import it in a streets file",
        "1 error; nothing was changed.",
    ]
    assert "Traceback" not in err
    assert not Account.objects.exists()


def test_wrong_usage_exits_2(capsys):
    code, _out, err = run([], capsys)

    assert code == 2
    assert "PATH" in err


def test_a_missing_file_exits_2_without_a_traceback(capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")

    code, _out, err = run(["/nonexistent.csv"], capsys)

    assert code == 2
    assert "No such file: /nonexistent.csv" in err
    assert "Traceback" not in err


def test_the_dry_run_says_so_and_changes_nothing(sample_paths, capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")

    code, out, _err = run([*sample_paths, "--dry-run"], capsys)

    assert code == 0
    assert out.splitlines()[0] == "Dry run: the files are valid; nothing was changed."
    assert not Account.objects.exists()


def test_the_command_speaks_ukrainian_by_default(sample_paths, capsys, monkeypatch):
    monkeypatch.delenv("LANGUAGE", raising=False)

    _code, out, _err = run(sample_paths, capsys)

    assert "accounts: додано 7, змінено 0, без змін 0" in out


def test_the_command_speaks_russian_when_asked(providers_file, write_file, capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "ru_UA:uk")
    bad = write_file("accounts.csv", b"")

    _code, _out, err = run([providers_file, bad], capsys)

    assert f"{bad}:1: *: файл пуст" in err


def test_call_command_raises_a_command_error_for_wrong_usage():
    with pytest.raises(CommandError):
        call_command("import_billing", "/nonexistent.csv")
