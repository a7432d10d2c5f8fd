import re
import shutil
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kabinet.ops import services

PASSWORD = "Operator-pass-2026"


@pytest.fixture
def operator_password(monkeypatch):
    monkeypatch.setenv("KABINET_OPERATOR_PASSWORD", PASSWORD)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_create_operator_makes_a_staff_user_who_signs_in_and_opens_the_back_office(
    client, make_provider, operator_password
):
    make_provider("vodokanal")
    make_provider("gas")

    out, _ = run(
        "create_operator",
        "iryna",
        "--email",
        "iryna@example.com",
        "--provider",
        "vodokanal",
        "--provider",
        "gas",
    )

    assert "iryna created" in out
    response = client.post("/login/", {"login": "iryna", "password": PASSWORD})
    assert response.status_code == 302
    assert "/confirm" not in response["Location"]
    page = client.get("/backoffice/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_create_operator_again_updates_the_providers_and_the_password(
    make_provider, django_user_model, monkeypatch, operator_password
):
    make_provider("vodokanal")
    make_provider("gas")
    run("create_operator", "iryna", "--email", "iryna@example.com", "--provider", "vodokanal")
    monkeypatch.setenv("KABINET_OPERATOR_PASSWORD", "Another-pass-2027")

    out, _ = run("create_operator", "iryna", "--email", "iryna@example.com", "--provider", "gas")

    user = django_user_model.objects.get(username="iryna")
    assert "iryna updated" in out
    assert [p.code for p in user.operated_providers.all()] == ["gas"]
    assert user.check_password("Another-pass-2027")
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_create_operator_names_every_problem_and_changes_nothing(
    make_provider, django_user_model, monkeypatch
):
    make_provider("vodokanal")
    monkeypatch.setenv("KABINET_OPERATOR_PASSWORD", "123")

    with pytest.raises(CommandError) as raised:
        run(
            "create_operator",
            "iryna",
            "--email",
            "not-an-address",
            "--provider",
            "vodokanal",
            "--provider",
            "nosuch",
        )

    assert raised.value.returncode == 1
    assert not django_user_model.objects.filter(username="iryna").exists()


@pytest.mark.django_db
def test_create_operator_reports_each_problem_on_stderr(make_provider, monkeypatch):
    make_provider("vodokanal")
    monkeypatch.setenv("KABINET_OPERATOR_PASSWORD", "123")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "create_operator",
            "iryna",
            "--email",
            "bad",
            "--provider",
            "nosuch",
            stdout=StringIO(),
            stderr=err,
        )

    text = err.getvalue()
    assert "Not an e-mail address: bad" in text
    assert "No such provider: nosuch" in text
    assert "Password:" in text


@pytest.mark.django_db
def test_create_operator_refuses_an_address_of_another_user(
    make_provider, django_user_model, operator_password
):
    make_provider("vodokanal")
    django_user_model.objects.create_user("olena", "olena@example.com", "x")

    with pytest.raises(services.OperatorInvalid, match="belongs to another user"):
        services.operator_save(
            login="iryna",
            email="OLENA@example.com",
            provider_codes=["vodokanal"],
            password=PASSWORD,
            now=timezone.now(),
        )


@pytest.mark.django_db
def test_create_operator_without_a_password_or_a_terminal_is_a_usage_error(
    make_provider, monkeypatch
):
    make_provider("vodokanal")
    monkeypatch.delenv("KABINET_OPERATOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", StringIO(""))

    with pytest.raises(CommandError, match="KABINET_OPERATOR_PASSWORD") as raised:
        run("create_operator", "iryna", "--email", "i@example.com", "--provider", "vodokanal")

    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_a_superuser_made_by_createsuperuser_signs_in_at_once(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-pass-2026")

    run("createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com")

    address = EmailAddress.objects.get(email="admin@example.com")
    assert address.verified and address.primary
    response = client.post("/login/", {"login": "admin", "password": "Admin-pass-2026"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def sqlite_file(path: Path, rows: int) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE reading (id INTEGER PRIMARY KEY, value TEXT)")
        db.executemany("INSERT INTO reading (value) VALUES (?)", [(str(n),) for n in range(rows)])
    return path


def test_an_sqlite_backup_is_a_whole_database_including_the_write_ahead_log(tmp_path):
    source = sqlite_file(tmp_path / "kabinet.sqlite3", rows=5000)
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the last rows stay in the WAL file
    writer.execute("INSERT INTO reading (value) VALUES ('in the wal')")
    writer.commit()

    services._sqlite_backup(source=source, target=tmp_path / "copy.sqlite3")
    writer.close()

    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT COUNT(*) FROM reading").fetchone() == (5001,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not (tmp_path / "copy.sqlite3.part").exists()


def test_an_sqlite_backup_checks_constraints_written_with_django_regexp(tmp_path):
    # Payments' bank details are CHECKed with REGEXP, which Django adds to its connections.
    source = tmp_path / "kabinet.sqlite3"
    with sqlite3.connect(source) as db:
        db.create_function("REGEXP", 2, lambda pattern, value: bool(re.search(pattern, value)))
        db.execute(
            "CREATE TABLE merchant (iban TEXT CHECK (iban = '' OR iban REGEXP '^UA[0-9]{27}$'))"
        )
        db.execute("INSERT INTO merchant VALUES ('UA213223130000026007233566001')")

    services._sqlite_backup(source=source, target=tmp_path / "copy.sqlite3")

    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT iban FROM merchant").fetchone() == (
            "UA213223130000026007233566001",
        )


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_a_file_without_force(tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")

    with pytest.raises(CommandError, match="exists") as raised:
        run("backup", str(target))

    assert raised.value.returncode == 1
    assert target.read_text() == "keep me"


@pytest.mark.django_db
def test_backup_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(CommandError, match="No such folder"):
        run("backup", str(tmp_path / "nowhere" / "copy.sqlite3"))


def test_backup_of_the_running_database_file(tmp_path, monkeypatch):
    from django.db import connections

    source = sqlite_file(tmp_path / "live.sqlite3", rows=100)
    live = connections["default"].settings_dict
    monkeypatch.setitem(live, "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(live, "NAME", str(source))

    out, _ = run("backup", str(tmp_path / "copy.sqlite3"))

    assert "Backup written to" in out
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT COUNT(*) FROM reading").fetchone() == (100,)


@pytest.mark.django_db(transaction=True)
def test_backup_of_postgresql_is_a_pg_dump_archive(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql" or shutil.which("pg_dump") is None:
        pytest.skip("PostgreSQL with pg_dump installed (the CI's PostgreSQL run)")

    out, _ = run("backup", str(tmp_path / "kabinet.dump"))

    assert "pg_dump" in out
    assert (tmp_path / "kabinet.dump").read_bytes()[:5] == b"PGDMP"
    assert not (tmp_path / "kabinet.dump.part").exists()


def test_pg_dump_gets_the_password_in_its_environment_not_its_arguments(tmp_path):
    argv, env = services.pg_dump_command(
        settings_dict={"NAME": "kabinet", "HOST": "db", "PORT": 5432, "USER": "k", "PASSWORD": "p"},
        target=tmp_path / "kabinet.dump",
    )

    assert argv[:2] == ["pg_dump", "--format=custom"]
    assert argv[-1] == "kabinet"
    assert "--host=db" in argv
    assert not any(arg.endswith("p") and "=" in arg and arg.split("=")[1] == "p" for arg in argv)
    assert env["PGPASSWORD"] == "p"


@pytest.mark.django_db
def test_create_operator_speaks_ukrainian_by_default(make_provider, operator_password):
    from django.utils import translation

    make_provider("vodokanal")

    with translation.override("uk"):
        out, _ = run(
            "create_operator", "iryna", "--email", "i@example.com", "--provider", "vodokanal"
        )

    assert out.startswith("Оператора iryna створено")


@pytest.mark.django_db
def test_create_operator_will_not_turn_a_subscriber_into_an_operator(
    make_provider, django_user_model, operator_password
):
    make_provider("vodokanal")
    django_user_model.objects.create_user("olena", "olena@example.com", "x")

    with pytest.raises(services.OperatorInvalid, match="subscriber's login"):
        services.operator_save(
            login="olena",
            email="olena@example.com",
            provider_codes=["vodokanal"],
            password=PASSWORD,
            now=timezone.now(),
        )

    assert not django_user_model.objects.get(username="olena").is_staff


@pytest.mark.django_db
def test_backup_onto_a_folder_says_so(tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        run("backup", str(tmp_path), "--force")


def test_a_file_system_error_during_the_backup_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    from django.db import connections

    source = sqlite_file(tmp_path / "live.sqlite3", rows=1)
    live = connections["default"].settings_dict
    monkeypatch.setitem(live, "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(live, "NAME", str(source))

    def denied(*, source, target):
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(services, "_sqlite_backup", denied)

    with pytest.raises(CommandError, match="Permission denied") as raised:
        run("backup", str(tmp_path / "copy.sqlite3"))

    assert raised.value.returncode == 1
