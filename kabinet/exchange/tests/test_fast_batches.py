"""The batch paths of the bulk kinds: the same rows as the row-by-row path, and what the
ledger's writes."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kabinet.billing.models import LedgerEntry
from kabinet.exchange.importer import billing_import, run
from kabinet.exchange.importer.columns import KIND_BY_NAME
from kabinet.exchange.importer.fast_batches import fast_batch_converter, fast_ledger_batch
from kabinet.exchange.importer.fast_rows import fast_converter
from kabinet.exchange.importer.staging import copy_text

from .test_fast_path import CELLS, VALID, _fast_resolve

LEDGER_COLUMNS = ["provider", "account", "period", "kind", "service", "amount", "volume"]
LEDGER_HEADER = "provider,account,period,kind,service,amount,volume,tariff,date,note\n"


@st.composite
def batches(draw):
    kind = KIND_BY_NAME[draw(st.sampled_from(["meters", "ledger"]))]
    optional = draw(st.lists(st.sampled_from(kind.optional), unique=True))
    columns = draw(st.permutations(list(kind.required) + optional))
    odd = draw(st.booleans())

    def row():
        odd_one = draw(st.integers(min_value=-1, max_value=len(columns) - 1)) if odd else -1
        return [
            draw(st.sampled_from(CELLS[column] if n == odd_one else VALID[column]))
            for n, column in enumerate(columns)
        ]

    rows = [row() for _ in range(draw(st.integers(min_value=1, max_value=6)))]
    given_provider = draw(st.sampled_from([None, "vodokanal"]))
    return kind.name, columns, rows, given_provider


@settings(max_examples=600)
@given(batches())
def test_a_batch_gives_what_each_row_gives_or_steps_aside(batch):
    kind, columns, rows, given_provider = batch
    index = {column: position for position, column in enumerate(columns)}
    resolve = _fast_resolve(given_provider)
    convert = fast_batch_converter(kind, index, resolve)
    assert convert is not None

    result = convert([list(row) for row in rows])

    if result is not None:
        one_by_one = [fast_converter(kind, index, resolve)(list(row)) for row in rows]
        assert None not in one_by_one
        assert [tuple(cells) for cells in zip(*result, strict=True)] == one_by_one


def test_a_plain_meter_batch_takes_the_batch_path():
    meters = ["account", "meter", "service", "digits", "initial", "installed"]

    columns = fast_batch_converter(
        "meters", {c: n for n, c in enumerate(meters)}, _fast_resolve("vodokanal")
    )([["0012345", "В-1", "gas", "", "12,5", "2015-05-10"], ["0012345", "В-2", "gas", "4", "", ""]])

    assert columns is not None
    assert columns[4:9] == ([5, 4], [3, 3], ["2015-05-10", None], [None, None], ["12.5", "0"])
    assert fast_batch_converter("accounts", {}, _fast_resolve(None)) is None


def test_a_plain_batch_takes_the_batch_path():
    columns = [*LEDGER_COLUMNS, "tariff", "date", "note"]
    index = {column: position for position, column in enumerate(columns)}
    rows = [
        ["vodokanal", "0012345", "2026-10", "balance", "", "-12,5", "", "", "", ""],
        ["vodokanal", "0012345", "2026-10", "charge", "gas", "41.20", "1.5", "40.72", "", ""],
        ["", "0012346", "2026-10", "payment", "", "50", "", "", "2026-10-03", "Банк"],
    ]

    result = fast_ledger_batch(index, _fast_resolve("vodokanal"))(rows)

    assert result is not None
    assert result[0] == [1, 1, 1]
    assert result[5] == ["-12.5", "41.20", "50"]
    assert result[6] == [None, "1.5", None]
    assert result[8] == [None, None, "2026-10-03"]


def test_a_negative_payment_sends_the_batch_row_by_row():
    columns = LEDGER_COLUMNS
    index = {column: position for position, column in enumerate(columns)}
    rows = [["vodokanal", "0012345", "2026-10", "payment", "", "-1", ""]]

    assert fast_ledger_batch(index, _fast_resolve(None))(rows) is None


def test_copy_text_escapes_what_copy_would_read_otherwise():
    text = copy_text([[1, 2], [None, "\\N"], ["a\tb\\c", "line\nbreak\r"]])

    assert text == "1\t\\N\ta\\tb\\\\c\n2\t\\\\N\tline\\nbreak\\r\n"


@pytest.mark.django_db
@pytest.mark.parametrize("batch_rows", [2, 5000])
def test_notes_with_tabs_backslashes_and_line_breaks_arrive_as_written(
    sample_paths, write_file, monkeypatch, batch_rows
):
    monkeypatch.setattr(run, "BATCH_ROWS", batch_rows)
    billing_import(paths=sample_paths)
    note = 'Банк\t"А"\\ \\N\nкаса 2'
    quoted = note.replace('"', '""')
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + "vodokanal,0023004,2026-04,balance,,-3.50,,,,\n"
        + f'vodokanal,0023004,2026-04,payment,,1.00,,,2026-04-02,"{quoted}"\n'
        + 'vodokanal,0023004,2026-04,charge,cold_water,"2,25",1.5,40.72,,\n',
    )

    first = billing_import(paths=[path])
    again = billing_import(paths=[path])

    rows = LedgerEntry.objects.filter(
        account__number="0023004", period=dt.date(2026, 4, 1)
    ).order_by("position")
    assert [(r.kind, r.amount, r.volume, r.payment_date, r.note, r.position) for r in rows] == [
        ("balance", Decimal("-3.50"), None, None, "", 2),
        ("payment", Decimal("1.00"), None, dt.date(2026, 4, 2), note, 3),
        ("charge", Decimal("2.25"), Decimal("1.500"), None, "", 5),
    ]
    assert vars(first.counts["ledger"]) == {"inserted": 3, "updated": 0, "unchanged": 0}
    assert vars(again.counts["ledger"]) == {"inserted": 0, "updated": 0, "unchanged": 3}
