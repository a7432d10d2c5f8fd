"""`kabinet export_payments`: the columns of exchange format 1.1, CSV and DBF, repeatable."""

import csv
import datetime as dt
import io

import dbfread
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kabinet.payments.models import Payment

COLUMNS = [
    "provider",
    "account",
    "order_id",
    "paid_at",
    "amount",
    "status",
    "gateway",
    "gateway_payment_id",
]


@pytest.fixture
def payments(owing, make_payment):
    at = timezone.make_aware(dt.datetime(2026, 12, 2, 10, 30))
    return [
        make_payment(
            owing,
            "297.78",
            status=Payment.Status.SUCCESS,
            paid_at=at,
            gateway_payment_id="2000000001",
        ),
        make_payment(
            owing,
            "50.00",
            status=Payment.Status.REVERSED,
            paid_at=at + dt.timedelta(hours=1),
            reversed_at=at + dt.timedelta(days=1),
            gateway_payment_id="2000000002",
        ),
        make_payment(owing, "10.00"),  # pending: not exported
        make_payment(
            owing,
            "20.00",
            status=Payment.Status.SUCCESS,
            paid_at=at + dt.timedelta(days=40),  # January: outside December
        ),
    ]


def test_the_csv_lists_what_was_paid_with_the_contracts_columns(payments, tmp_path):
    target = tmp_path / "payments.csv"

    call_command(
        "export_payments", "--provider", "vodokanal", "--period", "2026-12", "--output", str(target)
    )

    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == COLUMNS
    assert rows[1] == [
        "vodokanal",
        "0012345",
        payments[0].order_id,
        "2026-12-02T10:30:00+02:00",
        "297.78",
        "success",
        "liqpay",
        "2000000001",
    ]
    assert rows[2][2] == payments[1].order_id and rows[2][5] == "reversed"
    assert len(rows) == 3


def test_the_export_is_repeatable(payments, tmp_path):
    first, second = tmp_path / "1.csv", tmp_path / "2.dbf"
    call_command(
        "export_payments",
        "--provider",
        "vodokanal",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-31",
        "--output",
        str(first),
    )
    call_command(
        "export_payments",
        "--provider",
        "vodokanal",
        "--period",
        "2026-12",
        "--format",
        "dbf",
        "--output",
        str(second),
    )
    again_csv, again_dbf = tmp_path / "3.csv", tmp_path / "4.dbf"
    call_command(
        "export_payments",
        "--provider",
        "vodokanal",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-31",
        "--output",
        str(again_csv),
    )
    call_command(
        "export_payments",
        "--provider",
        "vodokanal",
        "--period",
        "2026-12",
        "--format",
        "dbf",
        "--output",
        str(again_dbf),
    )

    assert first.read_bytes() == again_csv.read_bytes()
    assert second.read_bytes() == again_dbf.read_bytes()


def test_the_dbf_holds_the_same_rows(payments, tmp_path):
    target = tmp_path / "payments.dbf"

    call_command(
        "export_payments",
        "--provider",
        "vodokanal",
        "--period",
        "2026-12",
        "--format",
        "dbf",
        "--output",
        str(target),
    )

    records = list(dbfread.DBF(str(target), encoding="cp1251"))
    assert [r["ORDER_ID"] for r in records] == [payments[0].order_id, payments[1].order_id]
    assert float(records[0]["AMOUNT"]) == 297.78
    assert records[0]["PAYMENT_ID"] == "2000000001"
    assert records[0]["GATEWAY"] == "liqpay"


@pytest.mark.parametrize(
    "arguments",
    [
        ["--provider", "nobody", "--period", "2026-12"],
        ["--provider", "vodokanal", "--period", "2026-13"],
        ["--provider", "vodokanal"],
        ["--provider", "vodokanal", "--from", "2026-12-31", "--to", "2026-12-01"],
    ],
)
def test_wrong_usage_is_refused_with_exit_code_2(payments, arguments):
    with pytest.raises(CommandError) as refused:
        call_command("export_payments", *arguments)

    assert refused.value.returncode == 2
