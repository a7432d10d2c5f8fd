import datetime as dt
import re

import pytest
from django.utils import translation

from kabinet.metering.selectors import cabinet_cards
from kabinet.subscribers.access import accessible_accounts

UK = {"HTTP_ACCEPT_LANGUAGE": "uk"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def reset_language():
    yield
    translation.activate("uk")


def test_cabinet_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/cabinet/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/cabinet/"


def test_cabinet_shows_what_each_sample_account_owes_or_has_overpaid_in_ukrainian(
    signed_in, subscriber, link, owing_account, overpaid_account, corrected_account
):
    for account in (owing_account, overpaid_account, corrected_account):
        link(subscriber, account)

    html = signed_in.get("/cabinet/", **UK).content.decode()

    assert "75,04 ₴" in html
    assert "9,28 ₴" in html
    assert "2\u00a0282,09 ₴" in html
    assert html.count("Заборгованість") == 2
    assert html.count("Переплата") == 1


def test_cabinet_shows_the_amounts_in_english(
    signed_in, subscriber, link, owing_account, overpaid_account, corrected_account
):
    for account in (owing_account, overpaid_account, corrected_account):
        link(subscriber, account)

    html = signed_in.get("/cabinet/", **EN).content.decode()

    assert "₴75.04" in html
    assert "₴9.28" in html
    assert "₴2,282.09" in html
    assert "Overpayment" in html


def test_cabinet_speaks_russian_when_asked(signed_in, subscriber, link, owing_account):
    link(subscriber, owing_account)

    html = signed_in.get("/cabinet/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Задолженность" in html
    assert "75,04 ₴" in html
    assert "Добавить ещё один лицевой счёт" in html


def test_cabinet_shows_water_and_gas_accounts_on_one_screen(
    signed_in, subscriber, link, owing_account, make_provider, make_account, make_ledger
):
    gas = make_provider("gas", name="Газмережі")
    gas_account = make_account("G-777", provider=gas, apartment="45")
    make_ledger(gas_account, dt.date(2026, 10, 1), "charge", "312.50", service="gas")
    link(subscriber, owing_account)
    link(subscriber, gas_account)

    html = signed_in.get("/cabinet/", **UK).content.decode()

    assert "КП «Водоканал»" in html
    assert "Газмережі" in html
    assert "75,04 ₴" in html
    assert "312,50 ₴" in html


def test_cabinet_shows_the_address_with_korpus_and_apartment(
    signed_in, subscriber, link, owing_account
):
    link(subscriber, owing_account)

    html = signed_in.get("/cabinet/", **UK).content.decode()

    assert "просп. Богдана Хмельницького, 12/3, кв. 45" in html


def test_cabinet_does_not_show_someone_elses_account(
    signed_in, subscriber, link, owing_account, overpaid_account, django_user_model
):
    other = django_user_model.objects.create_user(username="ivan", password="x-pass-12345")
    link(subscriber, owing_account)
    link(other, overpaid_account)

    html = signed_in.get("/cabinet/", **UK).content.decode()

    assert "0012345" in html
    assert "0012346" not in html


def test_cabinet_links_to_adding_another_account(signed_in):
    html = signed_in.get("/cabinet/", **EN).content.decode()

    assert 'href="/cabinet/accounts/add/"' in html
    assert "Link another account" in html


def test_cabinet_says_whether_this_periods_reading_is_in(
    signed_in, subscriber, link, owing_account, overpaid_account, make_meter
):
    from django.utils import timezone

    from kabinet.metering.models import Reading

    link(subscriber, owing_account)
    link(subscriber, overpaid_account)
    read = make_meter(owing_account, serial="В-1")
    make_meter(overpaid_account, serial="В-2")
    Reading.objects.create(meter=read, reading_date=timezone.localdate(), value=1, source="portal")

    html = signed_in.get("/cabinet/", **EN).content.decode()

    cards = re.findall(r'<article class="card account-card".*?</article>', html, re.S)
    assert len(cards) == 2
    first, second = sorted(cards, key=lambda card: "0012346" in card)
    assert "reading is in" in first
    assert "not in yet" in second


@pytest.mark.parametrize("accounts", [1, 5])
def test_cabinet_takes_the_same_number_of_queries_for_1_and_5_accounts_with_10_years(
    accounts,
    signed_in,
    subscriber,
    link,
    make_account,
    make_meter,
    make_history,
    vodokanal,
    prospekt,
    django_assert_num_queries,
):
    for index in range(accounts):
        account = make_account(f"00{index:05d}", provider=vodokanal, street=prospekt)
        make_meter(account, serial=f"M-{index}")
        make_history(account, years=10)
        link(subscriber, account)

    # session, user, the accounts, their balances, this period's readings, the payments awaiting
    # confirmation (kabinet.payments), the outage banner (kabinet.outages)
    with django_assert_num_queries(7):
        response = signed_in.get("/cabinet/", **UK)

    assert response.status_code == 200
    assert response.content.decode().count('class="card account-card"') == accounts


def test_cards_give_the_balance_of_the_last_imported_period(
    subscriber, link, owing_account, make_ledger
):
    make_ledger(owing_account, dt.date(2026, 9, 1), "charge", "999.00")
    link(subscriber, owing_account)

    (card,) = cabinet_cards(
        accounts=accessible_accounts(user=subscriber), today=dt.date(2026, 11, 20)
    )

    assert card.last_period == dt.date(2026, 10, 1)
    assert str(card.balance) == "75.04"
    assert card.status == "debt"


def test_an_account_without_bills_has_no_balance_yet(subscriber, link, make_account):
    link(subscriber, make_account("0099999"))

    (card,) = cabinet_cards(
        accounts=accessible_accounts(user=subscriber), today=dt.date(2026, 11, 20)
    )

    assert card.balance is None
    assert card.status == "unknown"


def test_a_closed_account_says_so_on_its_card(signed_in, subscriber, link, make_account):
    link(subscriber, make_account("0023004", closed_date=dt.date(2016, 8, 31)))

    html = signed_in.get("/cabinet/", **EN).content.decode()

    assert "Closed on 08/31/2016" in html


@pytest.mark.parametrize(
    ("language", "in_a_sentence"),
    [
        ("uk", "На кінець розрахункового періоду: жовтень 2026."),
        ("ru", "На конец расчётного периода: октябрь 2026."),
        ("en", "At the end of the billing period October 2026."),
    ],
)
def test_a_month_inside_a_sentence_is_written_as_the_language_writes_it(
    signed_in, subscriber, link, owing_account, language, in_a_sentence
):
    link(subscriber, owing_account)

    html = signed_in.get("/cabinet/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert in_a_sentence in " ".join(html.split())


def test_each_card_links_to_the_last_periods_statement(signed_in, subscriber, link, owing_account):
    link(subscriber, owing_account)

    html = signed_in.get("/cabinet/", **EN).content.decode()

    assert f'href="/cabinet/accounts/{owing_account.pk}/statement/2026-10/"' in html
    assert "Statement for October 2026" in html
