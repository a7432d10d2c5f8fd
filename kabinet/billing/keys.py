"""The stored matching keys of an account: what the Check step compares a subscriber's typing
with. Built here only, by the importer (row and fast paths), the test factories and the Check
itself, so that what is stored and what is typed are folded alike."""

from __future__ import annotations

import functools
from typing import NamedTuple

from kabinet.addresses.normalize import (
    fold_apartment,
    fold_house,
    fold_korpus,
    fold_name,
    split_house,
)


class AccountKeys(NamedTuple):
    """An account's address and surname as stored (house and korpus split apart) with their
    folded keys, in the order of the account's columns."""

    house: str
    house_key: str
    korpus: str
    korpus_key: str
    apartment: str
    apartment_key: str
    surname: str
    surname_key: str


def account_keys(*, house: str, korpus: str = "", apartment: str = "", surname: str) -> AccountKeys:
    """The stored form and matching keys of an account's house, korpus, apartment, surname.

    A fractional house number (`12/3`) is split into house and korpus first.
    """
    return AccountKeys(*account_key_values(house, korpus, apartment, surname))


def account_key_values(house: str, korpus: str, apartment: str, surname: str) -> tuple[str, ...]:
    """`account_keys` as a plain tuple, for the importer's fast path (a call a row)."""
    return (
        *_house_keys(house, korpus),
        apartment,
        _apartment_key(apartment),
        surname,
        fold_name(surname),
    )


# Billing files repeat the same house numbers and apartments from account to account: each
# spelling is split and folded once (the importer's speed depends on it).
@functools.lru_cache(maxsize=8192)
def _house_keys(house: str, korpus: str) -> tuple[str, str, str, str]:
    split = split_house(house, korpus)
    return split.house, fold_house(split.house), split.korpus, fold_korpus(split.korpus)


@functools.lru_cache(maxsize=8192)
def _apartment_key(apartment: str) -> str:
    return fold_apartment(apartment)
