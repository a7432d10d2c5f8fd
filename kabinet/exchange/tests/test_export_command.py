"""`kabinet export_readings` as an operator runs it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kabinet.metering.models import Reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_account, make_meter):
    meter = make_meter(make_account("0012345"), "В-1402377")
    Reading.objects.create(
        meter=meter,
        reading_date=dt.date(2026, 10, 20),
        value=Decimal("612.204"),
        source="portal",
        submitted_at=timezone.make_aware(dt.datetime(2026, 10, 20, 9, 30)),
    )


def test_the_period_s_readings_are_written_to_the_output_file(submitted, tmp_path):
    output = tmp_path / "readings.csv"

    call_command(
        "export_readings", "--provider", "vodokanal", "--period", "2026-10", "--output", str(output)
    )

    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[1] == (
        "vodokanal,0012345,В-1402377,2026-10-20,612.204,612.204,2026-10-20T09:30:00+03:00,,portal"
    )
    assert not (tmp_path / "readings.csv.part").exists()


def test_a_date_range_outside_the_readings_writes_only_the_header(submitted, tmp_path):
    output = tmp_path / "readings.csv"

    call_command(
        "export_readings",
        "--provider",
        "vodokanal",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-19",
        "--output",
        str(output),
    )

    assert output.read_text(encoding="utf-8").splitlines() == [
        "provider,account,meter,date,value,consumption,submitted,zone,source"
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--provider", "vodokanal"],
        ["--provider", "vodokanal", "--period", "2026-13"],
        ["--provider", "vodokanal", "--period", "2026-10", "--from", "2026-10-01"],
        ["--provider", "vodokanal", "--from", "2026-10-01", "--to", "tomorrow"],
        ["--provider", "gas", "--period", "2026-10"],
    ],
)
def test_wrong_usage_is_exit_code_2_and_writes_no_file(submitted, tmp_path, arguments):
    output = tmp_path / "readings.csv"

    with pytest.raises(CommandError) as error:
        call_command("export_readings", *arguments, "--output", str(output))

    assert error.value.returncode == 2
    assert not output.exists()
    assert not (tmp_path / "readings.csv.part").exists()
