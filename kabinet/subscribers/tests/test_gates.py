"""The subscriber's gates (subscribers.access): one per kind of object, and nothing else in."""

import datetime as dt

import pytest

from kabinet.subscribers.access import (
    AccountNotAccessible,
    MeterNotAccessible,
    access_account,
    access_link,
    access_meter,
)
from kabinet.subscribers.models import AccountLink

LINKED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def olena(django_user_model):
    return django_user_model.objects.create_user("olena.k", "olena@example.com", "x")


@pytest.fixture
def petro(django_user_model):
    return django_user_model.objects.create_user("petro", "petro@example.com", "x")


@pytest.fixture
def accounts(olena, petro, make_account, make_meter):
    """Olena's account and Petro's, with a meter each."""
    mine, theirs = make_account("0012345"), make_account("0099999")
    AccountLink.objects.create(user=olena, account=mine, linked_at=LINKED)
    AccountLink.objects.create(user=petro, account=theirs, linked_at=LINKED)
    return mine, theirs, make_meter(mine, "M-1"), make_meter(theirs, "M-2")


def test_each_gate_lets_a_subscriber_reach_their_own_objects(olena, accounts):
    mine, _, my_meter, _ = accounts

    assert access_account(user=olena, account_id=mine.pk) == mine
    assert access_meter(user=olena, account_id=mine.pk, meter_id=my_meter.pk) == my_meter
    assert access_meter(user=olena, account_id=mine.pk, meter_ref="M-1") == my_meter
    assert access_link(user=olena, account_id=mine.pk).account == mine


def test_no_gate_lets_a_subscriber_reach_another_subscribers_objects(olena, accounts):
    mine, theirs, _, their_meter = accounts

    with pytest.raises(AccountNotAccessible):
        access_account(user=olena, account_id=theirs.pk)
    with pytest.raises(MeterNotAccessible):
        access_meter(user=olena, account_id=theirs.pk, meter_id=their_meter.pk)
    with pytest.raises(MeterNotAccessible):
        # Another's meter under one's own account.
        access_meter(user=olena, account_id=mine.pk, meter_id=their_meter.pk)
    with pytest.raises(AccountNotAccessible):
        access_link(user=olena, account_id=theirs.pk)


def test_an_ended_link_opens_no_gate(olena, accounts):
    mine, _, my_meter, _ = accounts
    AccountLink.objects.filter(user=olena).update(unlinked_at=LINKED)

    with pytest.raises(AccountNotAccessible):
        access_account(user=olena, account_id=mine.pk)
    with pytest.raises(MeterNotAccessible):
        access_meter(user=olena, account_id=mine.pk, meter_id=my_meter.pk)
    with pytest.raises(AccountNotAccessible):
        access_link(user=olena, account_id=mine.pk)


def test_another_subscribers_meter_pages_answer_404(client, olena, accounts):
    mine, theirs, _, their_meter = accounts
    client.force_login(olena)

    answers = [
        client.get(f"/cabinet/accounts/{mine.pk}/meters/{their_meter.pk}/"),
        client.get(f"/cabinet/accounts/{theirs.pk}/meters/{their_meter.pk}/readings.csv"),
        client.get(f"/cabinet/accounts/{theirs.pk}/unlink/"),
        client.get(f"/cabinet/accounts/{theirs.pk}/"),
    ]

    assert [answer.status_code for answer in answers] == [404] * len(answers)
