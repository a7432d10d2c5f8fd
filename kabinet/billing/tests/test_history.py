import datetime as dt
import itertools
from decimal import Decimal

from kabinet.billing.selectors import (
    account_history,
    account_page,
    ledger_effect,
)
from kabinet.metering.selectors import cabinet_cards
from kabinet.subscribers.access import accessible_accounts


def test_payments_benefits_and_subsidies_lower_the_balance_and_corrections_keep_their_sign():
    assert ledger_effect(kind="payment", amount=Decimal("300.00")) == Decimal("-300.00")
    assert ledger_effect(kind="benefit", amount=Decimal("103.22")) == Decimal("-103.22")
    assert ledger_effect(kind="subsidy", amount=Decimal("150.00")) == Decimal("-150.00")
    assert ledger_effect(kind="correction", amount=Decimal("-81.44")) == Decimal("-81.44")
    assert ledger_effect(kind="charge", amount=Decimal("40.72")) == Decimal("40.72")


def test_a_months_closing_balance_matches_the_billing_formula(owing_account):
    (october,) = account_history(account=owing_account, year=2026)

    assert october.opening == Decimal("215.40")
    assert october.closing == Decimal("75.04")
    assert [line.kind for line in october.lines] == [
        "charge",
        "charge",
        "benefit",
        "subsidy",
        "payment",
    ]


def test_a_negative_correction_lowers_the_closing_balance(corrected_account):
    (october,) = account_history(account=corrected_account, year=2026)

    assert october.corrections[0].effect == Decimal("-81.44")
    assert october.closing == Decimal("2282.09")


def test_a_years_history_comes_from_one_query_newest_month_first(
    owing_account, make_history, django_assert_num_queries
):
    make_history(owing_account, years=10, last=dt.date(2026, 9, 1))

    with django_assert_num_queries(1):
        months = account_history(account=owing_account, year=2025)

    assert [m.period.month for m in months] == list(range(12, 0, -1))
    assert all(m.period.year == 2025 for m in months)
    assert [m.is_open for m in months[:3]] == [True, True, False]


def test_each_months_opening_is_the_previous_months_closing_in_generated_history(
    owing_account, make_history
):
    make_history(owing_account, years=2, last=dt.date(2026, 9, 1))

    months = account_history(account=owing_account, year=2025)

    assert len(months) == 12  # else the pairs below could be none at all
    for newer, older in itertools.pairwise(months):
        assert newer.opening == older.closing


def test_the_account_page_falls_back_to_the_latest_year(owing_account, make_history):
    make_history(owing_account, years=3, last=dt.date(2026, 9, 1))

    page = account_page(account=owing_account, year=1990)

    assert page.year == 2026
    assert page.requested_year_missing
    assert page.years == [2026, 2025, 2024, 2023]
    assert page.last_period == dt.date(2026, 10, 1)
    assert page.last_closing == Decimal("75.04")


def test_the_account_page_of_an_older_year_still_knows_the_last_balance(
    owing_account, make_history
):
    make_history(owing_account, years=3, last=dt.date(2026, 9, 1))

    page = account_page(account=owing_account, year=2024)

    assert page.months[0].period == dt.date(2024, 12, 1)
    assert page.last_closing == Decimal("75.04")


def test_cabinet_cards_take_three_queries_for_any_number_of_accounts(
    subscriber, link, make_account, make_history, vodokanal, prospekt, django_assert_num_queries
):
    for index in range(4):
        account = make_account(f"A{index}", provider=vodokanal, street=prospekt)
        make_history(account, years=2)
        link(subscriber, account)

    with django_assert_num_queries(3):
        cards = cabinet_cards(
            accounts=accessible_accounts(user=subscriber), today=dt.date(2026, 11, 20)
        )

    assert len(cards) == 4
    assert {card.last_period for card in cards} == {dt.date(2026, 10, 1)}
