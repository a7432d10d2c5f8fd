import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

UK = {"HTTP_ACCEPT_LANGUAGE": "uk"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MONTH = re.compile(r'<details class="month".*?</details>', re.S)


@pytest.fixture(autouse=True)
def reset_language():
    yield
    translation.activate("uk")


def page_url(account) -> str:
    return f"/cabinet/accounts/{account.pk}/"


def effects_and_closing(month_html: str) -> tuple[list[Decimal], Decimal]:
    effects = [Decimal(x) for x in re.findall(r'data-effect="([-0-9.]+)"', month_html)]
    (closing,) = re.findall(r'data-closing="([-0-9.]+)"', month_html)
    return effects, Decimal(closing)


def test_account_page_asks_an_anonymous_visitor_to_sign_in(client, owing_account):
    response = client.get(page_url(owing_account))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_someone_elses_account_is_not_found(signed_in, owing_account, link, django_user_model):
    other = django_user_model.objects.create_user(username="ivan", password="x-pass-12345")
    link(other, owing_account)

    response = signed_in.get(page_url(owing_account))

    assert response.status_code == 404


def test_a_missing_account_is_not_found(signed_in):
    response = signed_in.get("/cabinet/accounts/999999/")

    assert response.status_code == 404


def test_an_unlinked_account_is_not_found(signed_in, subscriber, owing_account, link):
    from django.utils import timezone

    held = link(subscriber, owing_account)
    held.unlinked_at = timezone.now()
    held.save()

    response = signed_in.get(page_url(owing_account))

    assert response.status_code == 404


def test_the_lines_of_each_month_add_up_to_its_closing_balance(
    signed_in, subscriber, link, corrected_account, owing_account
):
    link(subscriber, owing_account)
    link(subscriber, corrected_account)

    for account, expected in ((owing_account, "75.04"), (corrected_account, "2282.09")):
        html = signed_in.get(page_url(account), **UK).content.decode()
        (month,) = MONTH.findall(html)
        effects, closing = effects_and_closing(month)

        assert sum(effects) == closing == Decimal(expected)


def test_the_account_page_explains_every_line_of_the_sample(
    signed_in, subscriber, link, owing_account
):
    link(subscriber, owing_account)

    html = signed_in.get(page_url(owing_account), **UK).content.decode()

    assert "Сальдо на початок періоду" in html
    assert "Нарахування: холодна вода" in html
    assert "215,40 ₴" in html
    assert "10,139 м³ × 40,72 ₴" in html
    assert "412,86 ₴" in html
    assert "Пільга ветерана праці 25%" in html
    assert "-103,22 ₴" in html
    assert "-150,00 ₴" in html
    assert "14.10.2026, Приватбанк" in html
    assert "-300,00 ₴" in html
    assert "75,04 ₴" in html


def test_the_account_page_says_what_a_benefit_and_a_subsidy_are(
    signed_in, subscriber, link, owing_account
):
    link(subscriber, owing_account)

    html = signed_in.get(page_url(owing_account), **EN).content.decode()

    assert "A benefit (пільга) is a discount" in html
    assert "a subsidy (субсидія) is state help" in html


def test_the_account_page_carries_the_meter_panels(
    signed_in, subscriber, link, owing_account, make_meter
):
    link(subscriber, owing_account)
    make_meter(owing_account, serial="В-1402377")

    html = signed_in.get(page_url(owing_account), **UK).content.decode()

    assert 'id="meters-heading"' in html
    assert "В-1402377" in html


def test_recent_months_are_open_and_older_ones_folded(
    signed_in, subscriber, link, owing_account, make_history
):
    link(subscriber, owing_account)
    make_history(owing_account, years=1, last=dt.date(2026, 9, 1))

    html = signed_in.get(page_url(owing_account), **UK).content.decode()

    months = MONTH.findall(html)
    opened = [month for month in months if month.startswith('<details class="month" open')]
    assert len(months) == 10  # January to October 2026
    assert len(opened) == 2
    assert 'data-period="2026-10"' in opened[0]
    assert 'data-period="2026-09"' in opened[1]


def test_the_year_selector_shows_an_earlier_year(
    signed_in, subscriber, link, owing_account, make_history
):
    link(subscriber, owing_account)
    make_history(owing_account, years=3, last=dt.date(2026, 9, 1))

    html = signed_in.get(page_url(owing_account) + "?year=2024", **UK).content.decode()

    assert 'href="?year=2025"' in html
    assert '<strong aria-current="page">2024</strong>' in html
    assert 'data-period="2024-12"' in html
    assert 'data-period="2026-10"' not in html
    assert "75,04 ₴" in html  # the latest balance stays at the top


@pytest.mark.parametrize(
    ("year", "message"),
    [("abc", "Choose a year from the list."), ("1990", "There are no bills for 1990")],
)
def test_a_bad_year_shows_the_latest_one_with_a_message(
    year, message, signed_in, subscriber, link, owing_account
):
    link(subscriber, owing_account)

    response = signed_in.get(page_url(owing_account) + f"?year={year}", **EN)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'data-period="2026-10"' in html


@pytest.mark.parametrize("years", [1, 10])
def test_the_account_page_takes_the_same_number_of_queries_however_long_the_history(
    years,
    signed_in,
    subscriber,
    link,
    owing_account,
    make_meter,
    make_history,
    django_assert_num_queries,
):
    link(subscriber, owing_account)
    make_meter(owing_account, serial="В-1")
    make_meter(owing_account, serial="Г-2", service="hot_water")
    make_history(owing_account, years=years, last=dt.date(2026, 9, 1))

    # session, user, the account, its periods, the year's rows, the meter panels (meters and
    # tariffs), the reminder link's nothing, the payments awaiting confirmation (kabinet.payments),
    # the outage banner (kabinet.outages)
    with django_assert_num_queries(9):
        response = signed_in.get(page_url(owing_account), **UK)

    assert response.status_code == 200


def test_each_month_links_to_its_printable_statement_and_pdf(
    signed_in, subscriber, link, owing_account
):
    link(subscriber, owing_account)
    html = signed_in.get(page_url(owing_account), **UK).content.decode()
    links = re.findall(r'href="([^"]*/statement/[^"]*)"', html)

    responses = [signed_in.get(href) for href in links]

    assert links == [
        f"/cabinet/accounts/{owing_account.pk}/statement/2026-10/",
        f"/cabinet/accounts/{owing_account.pk}/statement/2026-10.pdf",
    ]
    assert [response.status_code for response in responses] == [200, 200]
