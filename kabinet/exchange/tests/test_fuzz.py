"""Arbitrary bytes given as a CSV or DBF file: only clear errors, never an exception escaping."""

import io
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kabinet.exchange.dbf import DbfField, write_dbf
from kabinet.exchange.files import FileRejected, RowError, open_source
from kabinet.exchange.importer import ImportRejected, billing_import

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_everything(path, encoding=None) -> list[RowError]:
    """Open and read a file as the importer does; return what it reported."""
    errors: list[RowError] = []
    try:
        source = open_source(path=path, display_name="f", encoding=encoding)
    except FileRejected as rejected:
        return [rejected.error]
    for _line, cells in source.rows(errors.append):
        assert len(cells) == len(source.columns)
    return errors


def _dbf_bytes() -> bytes:
    out = io.BytesIO()
    fields = [DbfField("ACCOUNT", "C", 10), DbfField("OPENED", "D", 8), DbfField("PERSONS", "N", 3)]
    write_dbf(
        out, fields=fields, records=[("0012345", None, 3)] * 3, record_count=3, encoding="cp866"
    )
    return out.getvalue()


CSV_START = b"provider,account,street_id,house,surname\n"


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_a_csv_header_give_only_row_errors(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "accounts.csv"
    path.write_bytes(CSV_START + data)

    errors = read_everything(path)

    assert all(isinstance(error, RowError) and error.reason for error in errors)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_a_whole_file_give_only_clear_errors(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(data)

    errors = read_everything(path)

    assert all(error.reason for error in errors)


@FUZZ
@given(st.data())
def test_a_dbf_with_damaged_bytes_gives_only_clear_errors(tmp_path_factory, data):
    original = bytearray(_dbf_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=6))):
        position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
        original[position] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=0, max_value=len(original)))
    path = tmp_path_factory.mktemp("fuzz") / "accounts.dbf"
    path.write_bytes(bytes(original[:cut]))

    errors = read_everything(path)

    assert all(error.reason for error in errors)


def test_a_dbf_with_an_impossible_date_is_reported(tmp_path):
    data = bytearray(_dbf_bytes())
    header_length = struct.unpack("<H", data[8:10])[0]
    data[header_length + 1 + 10 : header_length + 1 + 18] = b"20261399"
    path = tmp_path / "accounts.dbf"
    path.write_bytes(bytes(data))

    errors = read_everything(path)

    assert [str(e) for e in errors] == ["f:1: opened: not a date: 20261399"]


@pytest.mark.django_db
@FUZZ
@given(st.binary(max_size=300))
def test_the_importer_turns_any_csv_body_into_a_rejection_or_a_summary(
    tmp_path_factory, make_provider, data
):
    make_provider()
    path = tmp_path_factory.mktemp("fuzz") / "ledger.csv"
    path.write_bytes(b"account,period,kind,amount,date,note\n" + data)

    try:
        billing_import(paths=[path])
    except ImportRejected as rejected:
        assert rejected.total >= 1
