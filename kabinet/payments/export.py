"""The payments export (exchange format 1.1): what subscribers paid through the portal, for
the billing system to post and to echo back as the ledger's `reference`.

The DBF is written with the exchange app's dBase III writer (kabinet.exchange.dbf). DBF
column names have at most ten characters, so `gateway_payment_id` is `PAYMENT_ID` there.
"""

import csv
import datetime as dt
import io
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.exchange.dbf import DbfField, write_dbf
from kabinet.exchange.exporter import FORMATS, ExportUsageError
from kabinet.providers.models import Provider

from .selectors import export_rows

COLUMNS = (
    "provider",
    "account",
    "order_id",
    "paid_at",
    "amount",
    "status",
    "gateway",
    "gateway_payment_id",
)
DBF_ENCODING = "cp1251"
DBF_FIELDS = (
    DbfField("PROVIDER", "C", 40),
    DbfField("ACCOUNT", "C", 40),
    DbfField("ORDER_ID", "C", 64),
    DbfField("PAID_AT", "C", 25),
    DbfField("AMOUNT", "N", 12, 2),
    DbfField("STATUS", "C", 10),
    DbfField("GATEWAY", "C", 10),
    DbfField("PAYMENT_ID", "C", 64),
)


def payments_export(
    *, provider_code: str, date_from: dt.date, date_to: dt.date, file_format: str, out: BinaryIO
) -> int:
    """Write the payments confirmed from `date_from` to `date_to` (inclusive) to `out` as CSV
    or DBF and return how many rows were written; raises ExportUsageError.

    The same data gives the same bytes: rows are ordered by time and order.
    """
    if file_format not in FORMATS:
        raise ExportUsageError(_("Unknown format %(format)s: csv or dbf") % {"format": file_format})
    if date_from > date_to:
        raise ExportUsageError(_("The range starts after it ends."))
    provider = Provider.objects.filter(code=provider_code).first()
    if provider is None:
        raise ExportUsageError(_("Unknown provider: %(code)s") % {"code": provider_code})
    rows = (
        (
            code,
            account,
            order_id,
            timezone.localtime(paid_at).isoformat(timespec="seconds"),
            amount,
            status,
            gateway,
            gateway_payment_id,
        )
        for code, account, order_id, paid_at, amount, status, gateway, gateway_payment_id in (
            export_rows(provider=provider, date_from=date_from, date_to=date_to)
        )
    )
    if file_format == "dbf":
        return write_dbf(
            out,
            fields=DBF_FIELDS,
            records=([*row[:4], str(row[4]), *row[5:]] for row in rows),
            encoding=DBF_ENCODING,
            updated=date_to,
        )
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        written = 0
        for row in rows:
            writer.writerow([str(cell) for cell in row])
            written += 1
        text.flush()
    finally:
        text.detach()
    return written
