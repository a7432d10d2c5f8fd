import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kabinet.metering.selectors import accounts_with_period_reading, meter_panels
from kabinet.metering.values import parse_value

D = dt.date


def test_an_account_with_a_reading_this_month_is_marked(account, meter, make_reading):
    make_reading(meter, D(2026, 11, 3), "10")

    marked = accounts_with_period_reading(account_ids=[account.pk], today=D(2026, 11, 20))

    assert marked == {account.pk}


def test_last_months_reading_does_not_mark_this_period(account, meter, make_reading):
    make_reading(meter, D(2026, 10, 30), "10")

    assert accounts_with_period_reading(account_ids=[account.pk], today=D(2026, 11, 20)) == set()


def test_after_the_cut_off_the_period_being_read_is_the_next_one(account, meter, make_reading):
    account.provider.cutoff = 15
    account.provider.save()
    make_reading(meter, D(2026, 11, 3), "10")

    before = accounts_with_period_reading(account_ids=[account.pk], today=D(2026, 11, 10))
    after = accounts_with_period_reading(account_ids=[account.pk], today=D(2026, 11, 20))

    assert before == {account.pk}
    assert after == set()


def test_a_reading_after_last_months_cut_off_counts_for_this_period(account, meter, make_reading):
    account.provider.cutoff = 25
    account.provider.save()
    make_reading(meter, D(2026, 10, 28), "10")

    marked = accounts_with_period_reading(account_ids=[account.pk], today=D(2026, 11, 5))

    assert marked == {account.pk}


def test_the_period_mark_takes_one_query(
    account, meter, make_account, make_reading, django_assert_num_queries
):
    other = make_account("0099999")
    make_reading(meter, D(2026, 11, 3), "10")

    with django_assert_num_queries(1):
        accounts_with_period_reading(account_ids=[account.pk, other.pk], today=D(2026, 11, 20))


def test_meter_panels_take_two_queries_however_many_meters(
    account, make_meter, make_reading, make_ledger, django_assert_num_queries
):
    for number in range(4):
        meter = make_meter(account, serial=f"M-{number}")
        make_reading(meter, D(2026, 11, 1), number)
    make_ledger(
        account, D(2026, 10, 1), "charge", "40.72", service="cold_water", tariff=Decimal("40.72")
    )

    with django_assert_num_queries(2):
        panels = meter_panels(account=account, today=D(2026, 11, 20))

    assert [panel.last_value for panel in panels] == [0, 1, 2, 3]
    assert panels[0].tariff == Decimal("40.72")


@given(
    value=st.decimals(min_value=0, max_value=99999, places=3, allow_nan=False),
    separator=st.sampled_from([",", "."]),
)
def test_a_value_typed_with_either_separator_reads_back(value, separator):
    typed = format(value, "f").replace(".", separator)

    assert parse_value(typed) == value
