from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks.signals import task_enqueued

from kabinet.audit.models import AuditEntry
from kabinet.billing.models import Account
from kabinet.exchange import runs
from kabinet.exchange.models import ImportRun

pytestmark = pytest.mark.django_db

SAMPLES = ["streets.csv", "accounts.csv", "meters.csv", "readings.csv", "ledger.csv"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def uploads(samples_dir, names=SAMPLES):
    return [SimpleUploadedFile(name, (samples_dir / name).read_bytes()) for name in names]


def test_a_dry_run_shows_what_would_change_and_changes_nothing(
    operator_client, vodokanal, samples_dir
):
    response = operator_client.post(
        "/backoffice/imports/", {"provider": vodokanal.pk, "files": uploads(samples_dir)}
    )

    run = ImportRun.objects.get()
    page = operator_client.get(response["Location"]).content.decode()
    assert response.status_code == 302
    assert run.dry_run and run.status == ImportRun.Status.DONE
    assert run.counts["accounts"]["inserted"] >= 4
    assert "Apply these files" in page
    assert not Account.objects.exists()


def test_applying_a_dry_run_imports_the_same_files_and_audits_it(
    operator_client, operator, vodokanal, samples_dir
):
    operator_client.post(
        "/backoffice/imports/", {"provider": vodokanal.pk, "files": uploads(samples_dir)}
    )
    dry_run = ImportRun.objects.get()

    response = operator_client.post(f"/backoffice/imports/{dry_run.pk}/apply/")

    applied = ImportRun.objects.exclude(pk=dry_run.pk).get()
    assert response["Location"] == f"/backoffice/imports/{applied.pk}/"
    assert applied.status == ImportRun.Status.DONE and not applied.dry_run
    assert applied.applied_from == dry_run
    assert (
        Account.objects.filter(provider=vodokanal).count() == dry_run.counts["accounts"]["inserted"]
    )
    assert AuditEntry.objects.get(action="import.applied").actor == operator


def test_a_file_with_bad_rows_is_rejected_with_line_numbered_errors(operator_client, vodokanal):
    bad = SimpleUploadedFile(
        "accounts.csv",
        "account,street_id,house,surname\n0012345,0001,12,Коваленко\n,0001,,Шевчук\n".encode(),
    )

    response = operator_client.post(
        "/backoffice/imports/", {"provider": vodokanal.pk, "files": [bad]}, follow=True
    )

    run = ImportRun.objects.get()
    body = response.content.decode()
    assert run.status == ImportRun.Status.REJECTED
    assert run.error_total >= 1
    assert all(error.startswith("accounts.csv:") for error in run.errors)
    assert "accounts.csv:3:" in body
    assert "Apply these files" not in body


def test_a_rejected_dry_run_cannot_be_applied(operator_client, vodokanal):
    bad = SimpleUploadedFile("accounts.csv", b"account,street_id,house,surname\n,,,\n")
    operator_client.post("/backoffice/imports/", {"provider": vodokanal.pk, "files": [bad]})
    run = ImportRun.objects.get()

    response = operator_client.post(f"/backoffice/imports/{run.pk}/apply/", follow=True)

    assert ImportRun.objects.count() == 1
    assert "Only a dry run that found no errors can be applied." in response.content.decode()


def test_a_large_upload_runs_as_a_background_task_and_its_progress_is_polled(
    operator_client, vodokanal, samples_dir, monkeypatch
):
    monkeypatch.setattr(runs, "BACKGROUND_IMPORT_BYTES", 10)
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.args))

    task_enqueued.connect(record)
    try:
        operator_client.post(
            "/backoffice/imports/", {"provider": vodokanal.pk, "files": uploads(samples_dir)}
        )
    finally:
        task_enqueued.disconnect(record)

    run = ImportRun.objects.get()
    progress = operator_client.get(f"/backoffice/imports/{run.pk}/progress/")
    assert enqueued == [("import_run_task", [run.pk])]
    assert run.status == ImportRun.Status.DONE
    assert run.progress_done == run.progress_total > 0
    assert 'hx-trigger="every 2s"' not in progress.content.decode()


def test_an_unfinished_run_keeps_polling(operator_client, operator, vodokanal):
    run = ImportRun.objects.create(
        created_at="2026-11-20T10:00:00Z",
        actor=operator,
        provider=vodokanal,
        status=ImportRun.Status.RUNNING,
        progress_done=50,
        progress_total=200,
    )

    response = operator_client.get(f"/backoffice/imports/{run.pk}/progress/")

    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert 'value="25"' in body


def test_an_operator_cannot_import_for_a_provider_they_do_not_operate(
    operator_client, gas, samples_dir
):
    response = operator_client.post(
        "/backoffice/imports/", {"provider": gas.pk, "files": uploads(samples_dir, ["streets.csv"])}
    )

    assert response.status_code == 200
    assert not ImportRun.objects.exists()


def test_the_history_lists_imports_of_the_operators_providers_in_few_queries(
    operator_client, operator, vodokanal, gas, django_assert_max_num_queries
):
    for n in range(30):
        ImportRun.objects.create(
            created_at="2026-11-20T10:00:00Z",
            actor=operator,
            provider=vodokanal,
            file_names=[f"ledger-{n}.csv"],
            status=ImportRun.Status.DONE,
            counts={"ledger": {"inserted": n, "updated": 0, "unchanged": 0}},
        )
    ImportRun.objects.create(
        created_at="2026-11-20T10:00:00Z", provider=gas, file_names=["secret-gas.csv"]
    )

    with django_assert_max_num_queries(8):
        response = operator_client.get("/backoffice/imports/")

    body = response.content.decode()
    assert body.count("ledger-") == 30
    assert "secret-gas.csv" not in body


def test_the_uploaded_files_are_removed_once_applied_and_a_dry_run_is_applied_only_once(
    operator_client, vodokanal, samples_dir
):
    operator_client.post(
        "/backoffice/imports/", {"provider": vodokanal.pk, "files": uploads(samples_dir)}
    )
    dry_run = ImportRun.objects.get()
    operator_client.post(f"/backoffice/imports/{dry_run.pk}/apply/")

    again = operator_client.post(f"/backoffice/imports/{dry_run.pk}/apply/", follow=True)

    assert not any(Path(path).exists() for path in dry_run.stored_paths)
    assert ImportRun.objects.count() == 2
    assert "The files of this dry run are gone" in again.content.decode()


def test_the_files_of_a_rejected_run_are_removed(operator_client, vodokanal):
    bad = SimpleUploadedFile("accounts.csv", b"account,street_id,house,surname\n,,,\n")

    operator_client.post("/backoffice/imports/", {"provider": vodokanal.pk, "files": [bad]})

    run = ImportRun.objects.get()
    assert run.stored_paths and not any(Path(p).exists() for p in run.stored_paths)
