"""Export of what subscribers submitted: the `readings_export` service (CSV or DBF)."""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.metering.models import Reading
from kabinet.providers.models import Provider

from .dbf import DbfField, write_dbf

FORMATS = ("csv", "dbf")
COLUMNS = (
    "provider",
    "account",
    "meter",
    "date",
    "value",
    "consumption",
    "submitted",
    "zone",
    "source",
)
DBF_ENCODING = "cp1251"
DBF_FIELDS = (
    DbfField("PROVIDER", "C", 40),
    DbfField("ACCOUNT", "C", 40),
    DbfField("METER", "C", 40),
    DbfField("DATE", "D", 8),
    DbfField("VALUE", "N", 20, 6),
    # DBF names have at most ten characters.
    DbfField("CONSUMPTIO", "N", 20, 6),
    DbfField("SUBMITTED", "C", 25),
    DbfField("ZONE", "C", 10),
    DbfField("SOURCE", "C", 10),
)
# A spreadsheet runs a cell that begins with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportUsageError(Exception):
    """The export was asked for wrongly: unknown provider or format, an empty date range."""


def consumption(*, value: Decimal, previous: Decimal, digits: int) -> Decimal:
    """Return what was used between two readings; a counter that went past 10^digits wrapped."""
    used = value - previous
    if used < 0:
        used += Decimal(10) ** digits
    return used


def _shown(value: Decimal, decimals: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-decimals)))


def _escape(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _rows(provider: Provider, date_from: dt.date, date_to: dt.date) -> Iterator[tuple[Any, ...]]:
    previous = (
        Reading.objects.filter(
            meter_id=OuterRef("meter_id"),
            zone=OuterRef("zone"),
            reading_date__lt=OuterRef("reading_date"),
        )
        .order_by("-reading_date")
        .values("value")[:1]
    )
    readings = (
        Reading.objects.filter(
            meter__account__provider=provider,
            source__in=Reading.PORTAL_SOURCES,
            reading_date__gte=date_from,
            reading_date__lte=date_to,
        )
        .annotate(previous=Subquery(previous))
        .order_by("meter__account__number", "meter__serial", "reading_date", "zone", "id")
        .values_list(
            "meter__account__number",
            "meter__serial",
            "reading_date",
            "value",
            "previous",
            "meter__initial",
            "meter__digits",
            "meter__decimals",
            "submitted_at",
            "zone",
            "source",
        )
    )
    for (
        number,
        serial,
        day,
        value,
        before,
        initial,
        digits,
        decimals,
        submitted_at,
        zone,
        source,
    ) in readings.iterator(chunk_size=2000):
        used = consumption(
            value=value, previous=initial if before is None else Decimal(before), digits=digits
        )
        submitted = (
            timezone.localtime(submitted_at).isoformat(timespec="seconds") if submitted_at else ""
        )
        yield (
            provider.code,
            number,
            serial,
            day,
            _shown(value, decimals),
            _shown(used, decimals),
            submitted,
            zone,
            source,
        )


def readings_export(
    *, provider_code: str, date_from: dt.date, date_to: dt.date, file_format: str, out: BinaryIO
) -> int:
    """Write the readings subscribers submitted from `date_from` to `date_to` (inclusive) to
    `out` as CSV or DBF and return how many rows were written; raises ExportUsageError.

    The same data always gives the same bytes: rows are ordered by account, meter and date.
    """
    if file_format not in FORMATS:
        raise ExportUsageError(_("Unknown format %(format)s: csv or dbf") % {"format": file_format})
    if date_from > date_to:
        raise ExportUsageError(_("The range starts after it ends."))
    provider = Provider.objects.filter(code=provider_code).first()
    if provider is None:
        raise ExportUsageError(_("Unknown provider: %(code)s") % {"code": provider_code})
    rows = _rows(provider, date_from, date_to)
    if file_format == "dbf":
        # Counted while written (the count heads a DBF): a reading submitted meanwhile cannot
        # make the header disagree with the records.
        return write_dbf(
            out, fields=DBF_FIELDS, records=rows, encoding=DBF_ENCODING, updated=date_to
        )
    return csv_write(out, columns=COLUMNS, rows=rows)


def csv_write(out: BinaryIO, *, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write an export's header and rows to `out` as UTF-8 CSV (CRLF, as RFC 4180 says) and
    return how many rows were written. Dates are ISO; a text cell a spreadsheet would run as a
    formula is quoted with an apostrophe."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns)
        written = 0
        for row in rows:
            writer.writerow(
                [_escape(cell) if isinstance(cell, str) else cell.isoformat() for cell in row]
            )
            written += 1
        text.flush()
    finally:
        text.detach()
    return written
