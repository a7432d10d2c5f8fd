"""The fast converters of the bulk kinds agree with the checking converters on every row."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kabinet.exchange.importer.cells import Cells
from kabinet.exchange.importer.columns import KIND_BY_NAME
from kabinet.exchange.importer.fast_rows import fast_converter
from kabinet.exchange.importer.rows import (
    convert_account,
    convert_ledger,
    convert_meter,
    convert_reading,
)

PROVIDERS = {"vodokanal": 1, "gas": 2}

NUMBERS = [
    "0",
    "12",
    "12.5",
    "12,50",
    "-3.10",
    "1.001",
    "1.0000001",
    "-0",
    "+1",
    "1e3",
    "x",
    "",
    " 7 ",
    ".5",
    "1.",
]
DATES = ["2026-10-01", "2026-02-30", "2026-1-1", "", "x", " 2024-02-29 "]
TEXT = ["0012345", "В-1402377", "", " Ємельянова ", "a" * 41, "Кондрат'єв", "12/3", "101 а", "5а"]
CELLS = {
    "provider": ["vodokanal", "gas", "", "water"],
    "account": TEXT,
    "meter": TEXT,
    "street_id": TEXT,
    "house": ["12", "12/3", "101 а", "", "x" * 21, "7-Б"],
    "korpus": ["", "3", "корп. 2"],
    "apartment": ["", "45", "5а", "кв. 5"],
    "surname": TEXT,
    "name": TEXT,
    "patronymic": TEXT,
    "persons": ["", "3", "-1", "40000", "two", "+2"],
    "opened": DATES,
    "closed": DATES,
    "service": ["cold_water", "gas", "", "water", "electricity:night", "gas:dusk", "gas:"],
    "zones": ["", "1", "2", "3", "4", "0", "02", "x"],
    "zone": ["", "day", "night", "peak", "half_peak", "dusk", "Day"],
    "reference": ["", "ord-1", "r" * 65],
    "digits": ["", "4", "13", "05", "x"],
    "decimals": ["", "3", "7", "0"],
    "installed": DATES,
    "verify_by": DATES,
    "initial": NUMBERS,
    "removed": DATES,
    "date": DATES,
    "value": NUMBERS,
    "source": ["", "controller", "portal", "api", "quick", "link"],
    "period": ["2026-10", "2026-13", "1899-12", "26-10", ""],
    "kind": ["charge", "payment", "balance", "correction", "refund", ""],
    "amount": NUMBERS,
    "volume": NUMBERS,
    "tariff": NUMBERS,
    "note": ["", "Приватбанк", "n" * 501],
}
# Values every converter accepts; a drawn row has these but for (at most) one cell.
VALID = {
    "provider": ["vodokanal", ""],
    "account": ["0012345", " 0012345 ", "В-1"],
    "meter": ["В-1402377", "77-000451"],
    "street_id": ["0001"],
    "house": ["12", "12/3", "101 а", "7-Б"],
    "korpus": ["", "3"],
    "apartment": ["", "45", "5а"],
    "surname": ["Кондрат'єв", " Ємельянова "],
    "name": ["", "Олена"],
    "patronymic": ["", "Петрівна"],
    "persons": ["", "3"],
    "opened": ["", "2009-04-01"],
    "closed": [""],
    "service": ["cold_water", "gas"],
    "zones": ["", "1", "2", "3"],
    "zone": ["", "night"],
    "reference": [""],
    "digits": ["", "4"],
    "decimals": ["", "3"],
    "installed": ["", "2015-05-10"],
    "verify_by": ["", "2027-05-10"],
    "initial": ["0", "12.5", "12,500"],
    "removed": [""],
    "date": ["2026-10-01"],
    "value": ["0", "612.204", "612,2"],
    "source": ["", "controller", "quick"],
    "period": ["2026-10"],
    "kind": ["charge", "payment", "balance", "correction"],
    "amount": ["0", "12.5", "12,50", "215.40"],
    "volume": ["", "10.139", "-2"],
    "tariff": ["", "40.72"],
    "note": ["", "Приватбанк"],
}
SLOW = {
    "accounts": convert_account,
    "meters": convert_meter,
    "readings": convert_reading,
    "ledger": convert_ledger,
}


def _slow_provider_of(given):
    def provider_of(c):
        code = c.get("provider") or given
        if code is None:
            c.fail("provider", "none")
            return None
        if c.get("provider") and given and c.get("provider") != given:
            c.fail("provider", "differs")
            return None
        if code not in PROVIDERS:
            c.fail("provider", "unknown")
            return None
        return PROVIDERS[code]

    return provider_of


def _fast_resolve(given):
    def resolve(code):
        if not code:
            return PROVIDERS.get(given) if given else None
        if given and code != given:
            return None
        return PROVIDERS.get(code)

    return resolve


@st.composite
def rows(draw):
    kind = KIND_BY_NAME[draw(st.sampled_from(sorted(SLOW)))]
    optional = draw(st.lists(st.sampled_from(kind.optional), unique=True))
    columns = list(kind.required) + optional
    columns = draw(st.permutations(columns))
    odd_one = draw(st.integers(min_value=-1, max_value=len(columns) - 1))
    values = [
        draw(st.sampled_from(CELLS[column] if n == odd_one else VALID[column]))
        for n, column in enumerate(columns)
    ]
    given = draw(st.sampled_from([None, "vodokanal"]))
    return kind.name, columns, values, given


@settings(max_examples=600)
@given(rows())
def test_the_fast_path_gives_the_checked_result_or_steps_aside(row):
    kind, columns, values, given = row
    index = {column: position for position, column in enumerate(columns)}

    fast = fast_converter(kind, index, _fast_resolve(given))(values)
    cells = Cells(values, index)
    slow = SLOW[kind](cells, _slow_provider_of(given))

    if fast is not None:
        assert not cells.problems
        assert fast == slow


def test_a_valid_ledger_row_takes_the_fast_path():
    columns = ["provider", "account", "period", "kind", "service", "amount", "volume", "date"]
    index = {column: position for position, column in enumerate(columns)}
    values = ["vodokanal", " 0012345", "2026-10", "charge", "cold_water", "412,86", "10.139", ""]

    fast = fast_converter("ledger", index, _fast_resolve(None))(values)

    assert fast == (
        1,
        "0012345",
        "2026-10-01",
        "charge",
        "cold_water",
        "412.86",
        "10.139",
        None,
        None,
        "",
        "",
        "",
    )


def test_a_zoned_charge_and_a_payment_reference_take_the_fast_path():
    columns = ["account", "period", "kind", "service", "amount", "reference"]
    index = {column: position for position, column in enumerate(columns)}
    convert = fast_converter("ledger", index, _fast_resolve("vodokanal"))

    charge = convert(["0012345", "2026-10", "charge", "electricity:night", "41.20", ""])
    payment = convert(["0012345", "2026-10", "payment", "", "50", "ord-7"])

    assert charge is not None
    assert (charge[4], charge[10]) == ("electricity", "night")
    assert payment is not None
    assert payment[11] == "ord-7"


def test_a_zone_or_a_reference_on_the_wrong_kind_steps_aside_and_is_reported():
    columns = ["account", "period", "kind", "service", "amount", "reference"]
    index = {column: position for position, column in enumerate(columns)}
    zoned_payment = ["0012345", "2026-10", "payment", "electricity:night", "41.20", ""]
    referenced_charge = ["0012345", "2026-10", "charge", "gas", "41.20", "ord-7"]

    for values in (zoned_payment, referenced_charge):
        assert fast_converter("ledger", index, _fast_resolve("vodokanal"))(list(values)) is None
        cells = Cells(values, index)
        convert_ledger(cells, _slow_provider_of("vodokanal"))
        assert [column for column, _reason in cells.problems] == [
            "service" if values is zoned_payment else "reference"
        ]


def test_a_valid_account_row_takes_the_fast_path():
    columns = ["account", "street_id", "house", "apartment", "surname", "opened"]
    index = {column: position for position, column in enumerate(columns)}
    values = ["0023002", "0003", "101а", "5а", "Соловйов", "2015-06-01"]

    fast = fast_converter("accounts", index, _fast_resolve("vodokanal"))(values)

    assert fast is not None
    assert fast[3:5] == ("101а", "101а")
