"""docs/api.md promises that a small script written from it alone works: run that very script."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kabinet.metering.models import Reading

DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def documented_script() -> str:
    text = DOCS.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    (script,) = [block for block in blocks if "kabinet_reading.py" in block]
    return script


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_reads_the_balance_and_submits_a_reading(
    live_server, subscriber_secret, account, meter, tmp_path
):
    script = tmp_path / "kabinet_reading.py"
    script.write_text(documented_script())
    env = {**os.environ, "KABINET_URL": live_server.url, "KABINET_TOKEN": subscriber_secret}

    run = subprocess.run(
        [sys.executable, str(script), "12.5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Account 0012345: balance 328.26 UAH for 2026-10"
    assert "accepted" in lines[1]
    reading = Reading.objects.get(meter=meter)
    assert (reading.value, reading.source) == (12.5, "api")


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_reports_a_refusal_in_words(
    live_server, subscriber_secret, account, meter, tmp_path
):
    script = tmp_path / "kabinet_reading.py"
    script.write_text(documented_script())
    env = {**os.environ, "KABINET_URL": live_server.url, "KABINET_TOKEN": subscriber_secret}

    run = subprocess.run(
        [sys.executable, str(script), "twelve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 1
    assert run.stdout.splitlines()[-1].startswith("Refused: That is not a meter reading.")
    assert not Reading.objects.exists()
