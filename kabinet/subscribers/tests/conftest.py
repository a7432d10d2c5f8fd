"""Fixtures of the subscribers' tests: a provider with streets and an account to register."""

import pytest


@pytest.fixture
def billed_account(make_provider, make_street, make_account):
    """Account 0012345 of КП «Водоканал» at вул. Шевченка (formerly Леніна) 12/3, apt. 45."""
    provider = make_provider("vodokanal")
    street = make_street(
        "Шевченка", provider=provider, street_id="0001", old_names=("Леніна", "Кірова")
    )
    return make_account(
        "0012345",
        provider=provider,
        street=street,
        house="40А",
        korpus="3",
        apartment="45",
        surname="Кон'кова",
        name="Олена",
        patronymic="Петрівна",
    )


@pytest.fixture
def typed(billed_account):
    """What the holder of billed_account types at the Check step, as account_check takes it."""
    return {
        "provider": billed_account.provider,
        "account_number": "0012345",
        "street": "вул. Шевченка",
        "house": "40А",
        "korpus": "3",
        "apartment": "45",
        "surname": "Кон'кова",
    }


@pytest.fixture
def check_post():
    """The Check form as a browser posts it (one provider: no provider field)."""
    return {
        "account": "0012345",
        "street": "Шевченка",
        "house": "40 а/3",
        "korpus": "",
        "apartment": "45",
        "surname": "кон’кова",
    }
