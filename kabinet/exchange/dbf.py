"""A minimal dBase III writer: what legacy billing systems (FoxPro, Clipper) read.

Only the field types the exchange format needs: C (text), N (number), D (date), L (logical).
The record count goes in the header, so the caller gives it up front and rows are streamed.
"""

import datetime as dt
import shutil
import struct
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

# Language driver bytes (header offset 29) for the code pages of the exchange format.
LANGUAGE_DRIVERS = {"cp866": 0x65, "cp1251": 0xC9}
HEADER_END = b"\r"
END_OF_FILE = b"\x1a"
SPOOL_BYTES = 8 * 1024 * 1024

DbfValue = str | int | dt.date | bool | None


@dataclass(frozen=True)
class DbfField:
    name: str
    type: str  # C, N, D or L
    length: int
    decimals: int = 0

    def __post_init__(self) -> None:
        if len(self.name) > 10 or not self.name.isascii():
            raise ValueError(f"DBF field names are at most 10 ASCII characters: {self.name}")
        if self.type == "D" and self.length != 8:
            raise ValueError("D fields are 8 bytes long")


class DbfCountMismatch(ValueError):
    """More or fewer records were written than the header announced."""


def _encode(field: DbfField, value: DbfValue, encoding: str) -> bytes:
    if field.type == "D":
        if value is None:
            return b" " * 8
        assert isinstance(value, dt.date)
        return value.strftime("%Y%m%d").encode("ascii")
    if field.type == "L":
        return b"?" if value is None else (b"T" if value else b"F")
    text = "" if value is None else str(value)
    if field.type == "N":
        return text.encode("ascii")[: field.length].rjust(field.length)
    return text.encode(encoding, errors="replace")[: field.length].ljust(field.length)


def write_dbf(
    out: BinaryIO,
    *,
    fields: Sequence[DbfField],
    records: Iterable[Sequence[DbfValue]],
    record_count: int | None = None,
    encoding: str = "cp1251",
    updated: dt.date = dt.date(2000, 1, 1),
) -> int:
    """Write a dBase III table to `out` and return the number of records.

    `updated` is the header's last-update date: fixed by the caller so that the same data
    gives the same bytes. Without `record_count` the records are counted as they are written
    to a spooled temporary file (memory up to 8 MB, then disk), since the count heads the file.
    Raises DbfCountMismatch when `records` is not `record_count` long.
    """
    if record_count is None:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            count = 0
            for record in records:
                spool.write(_record(fields, record, encoding))
                count += 1
            spool.seek(0)
            _write_header(
                out, fields=fields, record_count=count, encoding=encoding, updated=updated
            )
            shutil.copyfileobj(spool, out)
        out.write(END_OF_FILE)
        return count
    _write_header(out, fields=fields, record_count=record_count, encoding=encoding, updated=updated)
    written = 0
    for record in records:
        out.write(_record(fields, record, encoding))
        written += 1
    if written != record_count:
        raise DbfCountMismatch(f"{written} records written, {record_count} announced")
    out.write(END_OF_FILE)
    return written


def _record(fields: Sequence[DbfField], record: Sequence[DbfValue], encoding: str) -> bytes:
    return b" " + b"".join(_encode(f, v, encoding) for f, v in zip(fields, record, strict=True))


def _write_header(
    out: BinaryIO,
    *,
    fields: Sequence[DbfField],
    record_count: int,
    encoding: str,
    updated: dt.date,
) -> None:
    record_length = 1 + sum(f.length for f in fields)
    header_length = 32 + 32 * len(fields) + 1
    out.write(
        struct.pack(
            "<BBBBIHH17xB2x",
            0x03,
            updated.year - 1900,
            updated.month,
            updated.day,
            record_count,
            header_length,
            record_length,
            LANGUAGE_DRIVERS.get(encoding, 0),
        )
    )
    for field in fields:
        out.write(
            struct.pack(
                "<11sc4xBB14x",
                field.name.upper().encode("ascii"),
                field.type.encode("ascii"),
                field.length,
                field.decimals,
            )
        )
    out.write(HEADER_END)
