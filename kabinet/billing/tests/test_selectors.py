import datetime as dt
from decimal import Decimal

from kabinet.billing.selectors import account_balance, balances_by_account

OCTOBER = dt.date(2026, 10, 1)


def test_balance_adds_charges_and_subtracts_payments_benefits_and_subsidies(
    make_account, make_ledger
):
    account = make_account()
    make_ledger(account, OCTOBER, "balance", "215.40")
    make_ledger(account, OCTOBER, "charge", "412.86")
    make_ledger(account, OCTOBER, "benefit", "103.22")
    make_ledger(account, OCTOBER, "subsidy", "150.00")
    make_ledger(account, OCTOBER, "payment", "300.00")

    balance = account_balance(account=account, period=OCTOBER)

    assert balance == Decimal("75.04")


def test_negative_correction_lowers_the_debt(make_account, make_ledger):
    account = make_account()
    make_ledger(account, OCTOBER, "balance", "1834.17")
    make_ledger(account, OCTOBER, "charge", "529.36")
    make_ledger(account, OCTOBER, "correction", "-81.44")

    balance = account_balance(account=account, period=OCTOBER)

    assert balance == Decimal("2282.09")


def test_overpayment_is_a_negative_balance(make_account, make_ledger):
    account = make_account()
    make_ledger(account, OCTOBER, "balance", "-50.00")
    make_ledger(account, OCTOBER, "charge", "40.72")

    balance = account_balance(account=account, period=OCTOBER)

    assert balance == Decimal("-9.28")


def test_other_periods_do_not_count(make_account, make_ledger):
    account = make_account()
    make_ledger(account, OCTOBER, "charge", "10.00")
    make_ledger(account, dt.date(2026, 9, 1), "charge", "99.00")

    balance = account_balance(account=account, period=OCTOBER)

    assert balance == Decimal("10.00")


def test_balances_of_many_accounts_come_from_one_query(
    make_account, make_ledger, django_assert_num_queries
):
    first = make_account("001")
    second = make_account("002")
    make_ledger(first, OCTOBER, "charge", "10.00")
    make_ledger(second, OCTOBER, "payment", "5.00")

    with django_assert_num_queries(1):
        balances = balances_by_account(
            account_ids=[first.pk, second.pk],
            period_by_account={first.pk: OCTOBER, second.pk: OCTOBER},
        )

    assert balances == {first.pk: Decimal("10.00"), second.pk: Decimal("-5.00")}
