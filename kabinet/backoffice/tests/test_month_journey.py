"""An operator's month, through the back office only: import, dashboard, review, export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kabinet.metering.models import Meter, Reading
from kabinet.metering.services import ReadingNeedsConfirmation, reading_submit
from kabinet.periods import format_period

pytestmark = pytest.mark.django_db

SAMPLES = ["streets.csv", "accounts.csv", "meters.csv", "readings.csv", "ledger.csv"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_operator_runs_a_month_without_the_django_admin(operator_client, vodokanal, samples_dir):
    files = [SimpleUploadedFile(n, (samples_dir / n).read_bytes()) for n in SAMPLES]
    checked = operator_client.post(
        "/backoffice/imports/", {"provider": vodokanal.pk, "files": files}, follow=True
    )
    assert "Apply these files" in checked.content.decode()
    dry_run = checked.context["run"]
    applied = operator_client.post(f"/backoffice/imports/{dry_run.pk}/apply/", follow=True)
    assert applied.context["run"].status == "done"

    # A subscriber sends an implausible value and confirms it: it waits for review.
    meter = Meter.objects.get(serial="В-1402377")
    now = timezone.now()
    with pytest.raises(ReadingNeedsConfirmation):
        reading_submit(
            meter=meter,
            value="99000",
            reading_date=timezone.localdate(now),
            source="portal",
            submitted_by=None,
            now=now,
        )
    reading_submit(
        meter=meter,
        value="99000",
        reading_date=timezone.localdate(now),
        source="portal",
        submitted_by=None,
        now=now,
        confirm_implausible=True,
    )
    suspicious = Reading.objects.get(meter=meter, value=99000)

    dashboard = operator_client.get("/backoffice/")
    assert dashboard.context["figures"].review_count == 1
    assert dashboard.context["figures"].accounts_with_reading == 1

    operator_client.post(
        f"/backoffice/review/{suspicious.pk}/correct/",
        {"value": "640.5", "reason": "the subscriber typed extra digits"},
    )
    after = operator_client.get("/backoffice/")
    assert after.context["figures"].review_count == 0

    export = operator_client.get(
        "/backoffice/export/",
        {"provider": vodokanal.pk, "period": format_period(now.date()), "file_format": "csv"},
    )
    rows = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "В-1402377" in rows and "640.5" in rows and "99000" not in rows
    audit = operator_client.get("/backoffice/audit/").content.decode()
    assert "reading.corrected" in audit and "import.applied" in audit
