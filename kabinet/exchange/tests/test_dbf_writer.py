"""The minimal dBase III writer: what legacy readers (and dbfread) understand."""

import datetime as dt
import io

import pytest
from dbfread import DBF

from kabinet.exchange.dbf import DbfCountMismatch, DbfField, write_dbf

FIELDS = [DbfField("NAME", "C", 12), DbfField("DAY", "D", 8), DbfField("AMOUNT", "N", 10, 2)]
RECORDS = [("Бойко", dt.date(2026, 10, 1), "12.50"), ("Їжак", None, "-3.00")]


def write(**options) -> bytes:
    out = io.BytesIO()
    write_dbf(out, fields=FIELDS, records=RECORDS, **options)
    return out.getvalue()


@pytest.mark.parametrize(("encoding", "driver"), [("cp1251", 0xC9), ("cp866", 0x65)])
def test_the_header_names_the_code_page_and_dbfread_reads_the_records(tmp_path, encoding, driver):
    path = tmp_path / "t.dbf"
    path.write_bytes(write(encoding=encoding))

    table = DBF(str(path))

    assert path.read_bytes()[29] == driver
    assert [tuple(r.values()) for r in table] == [
        ("Бойко", dt.date(2026, 10, 1), 12.5),
        ("Їжак", None, -3.0),
    ]


def test_a_given_count_and_a_counted_one_give_the_same_bytes():
    assert write(record_count=2) == write()


def test_the_same_records_give_the_same_bytes():
    assert write(updated=dt.date(2026, 10, 31)) == write(updated=dt.date(2026, 10, 31))


def test_a_wrong_announced_count_is_an_error():
    with pytest.raises(DbfCountMismatch):
        write(record_count=3)


def test_a_field_name_longer_than_ten_characters_is_refused():
    with pytest.raises(ValueError):
        DbfField("CONSUMPTION", "N", 10)
