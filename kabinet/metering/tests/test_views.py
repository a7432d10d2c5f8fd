import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from kabinet.metering.models import Reading

pytestmark = pytest.mark.urls("kabinet.metering.tests.urls")

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate


def flashed(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def submit_url(account):
    return f"/cabinet/accounts/{account.pk}/readings/"


@pytest.fixture
def history(meter, make_reading):
    today = TODAY()
    make_reading(meter, today - dt.timedelta(days=60), "600")
    make_reading(meter, today - dt.timedelta(days=30), "606", source="subscriber")
    return meter


def test_the_account_page_panel_shows_last_reading_form_and_links(
    account, history, make_meter, subscriber
):
    make_meter(account, serial="OLD-1", removed_date=dt.date(2020, 1, 1))
    request = RequestFactory().get("/")
    request.user = subscriber

    html = Template("{% load metering %}{% meter_panels account %}").render(
        Context({"account": account, "request": request})
    )

    assert 'name="meter" value="В-1402377"' in html
    assert 'name="value"' in html and 'name="date"' in html
    assert "606" in html
    assert f"/cabinet/accounts/{account.pk}/meters/{history.pk}/" in html
    assert "readings.csv" in html
    assert "OLD-1" not in html
    assert "style=" not in html


def test_a_reading_is_submitted_and_the_subscriber_returns_to_the_account(
    signed_in, account, history
):
    response = signed_in.post(
        submit_url(account), {"meter": history.serial, "value": "612,5"}, **EN
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/accounts/{account.pk}/"
    reading = Reading.objects.get(meter=history, reading_date=TODAY())
    assert reading.value == Decimal("612.5")
    assert reading.submitted_by is not None
    assert "accepted" in flashed(response)
    assert "6.500" in flashed(response)


def test_the_success_message_is_in_ukrainian_by_default(signed_in, account, history):
    response = signed_in.post(submit_url(account), {"meter": history.serial, "value": "612,5"})

    assert "прийнято" in flashed(response)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("abc", "not a meter reading"),
        ("-5", "cannot be negative"),
        ("1e9", "not a meter reading"),
        ("", "Type the number the meter shows"),
        ("9" * 400, "too long"),
    ],
)
def test_a_bad_value_gets_a_message_on_the_form_never_an_error_page(
    signed_in, account, history, typed, words
):
    response = signed_in.post(submit_url(account), {"meter": history.serial, "value": typed}, **EN)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Reading.objects.filter(reading_date=TODAY()).exists()


def test_arabic_indic_digits_are_accepted(signed_in, account, history):
    signed_in.post(submit_url(account), {"meter": history.serial, "value": "٦١٠"}, **EN)

    assert Reading.objects.get(reading_date=TODAY()).value == 610


def test_a_bad_date_gets_a_message(signed_in, account, history):
    response = signed_in.post(
        submit_url(account), {"meter": history.serial, "value": "610", "date": "32.13.2026"}, **EN
    )

    assert response.status_code == 200
    assert "valid date" in response.content.decode()


def test_an_unknown_meter_gets_a_message(signed_in, account, history):
    response = signed_in.post(submit_url(account), {"meter": "NOPE", "value": "610"}, **EN)

    assert response.status_code == 200
    assert "Choose one of this account" in response.content.decode()


def test_an_implausible_value_asks_on_a_second_screen_and_is_stored_for_review(
    signed_in, account, history
):
    asked = signed_in.post(submit_url(account), {"meter": history.serial, "value": "6100"}, **EN)

    assert "Did you type an extra digit?" in asked.content.decode()
    assert 'name="confirm_implausible" value="1"' in asked.content.decode()
    assert not Reading.objects.filter(reading_date=TODAY()).exists()

    signed_in.post(
        submit_url(account),
        {"meter": history.serial, "value": "6100", "confirm_implausible": "1"},
        **EN,
    )

    assert Reading.objects.get(reading_date=TODAY()).status == "review"


def test_a_lower_value_asks_whether_the_counter_wrapped(signed_in, account, history):
    asked = signed_in.post(submit_url(account), {"meter": history.serial, "value": "500"}, **EN)

    assert "started again from zero" in asked.content.decode()
    assert 'name="confirm_wrap" value="1"' in asked.content.decode()


def test_a_double_submit_stores_one_reading(signed_in, account, history):
    data = {"meter": history.serial, "value": "612"}

    signed_in.post(submit_url(account), data, **EN)
    second = signed_in.post(submit_url(account), data, **EN)

    assert Reading.objects.filter(meter=history, reading_date=TODAY()).count() == 1
    assert "already received" in flashed(second)


def test_the_live_preview_shows_consumption_period_and_estimated_charge(
    signed_in, account, history, make_ledger
):
    make_ledger(
        account,
        dt.date(2026, 10, 1),
        "charge",
        "407.20",
        service="cold_water",
        volume=Decimal(10),
        tariff=Decimal("40.72"),
    )

    response = signed_in.get(
        f"/cabinet/accounts/{account.pk}/readings/preview/",
        {"meter": history.serial, "value": "616"},
        HTTP_HX_REQUEST="true",
        **EN,
    )

    text = response.content.decode()
    assert "<html" not in text
    assert "10.000" in text
    assert "407.20" in text
    assert "It counts for" in text


def test_without_javascript_the_check_button_shows_the_preview_page(signed_in, account, history):
    response = signed_in.post(
        submit_url(account), {"meter": history.serial, "value": "616", "preview": "1"}, **EN
    )

    text = response.content.decode()
    assert "<html" in text and "Check before sending" in text
    assert "10.000" in text
    assert not Reading.objects.filter(reading_date=TODAY()).exists()


def test_without_javascript_the_preview_address_shows_a_whole_page(signed_in, account, history):
    response = signed_in.get(
        f"/cabinet/accounts/{account.pk}/readings/preview/",
        {"meter": history.serial, "value": "616"},
        **EN,
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" in text and "10.000" in text


def test_the_preview_of_a_bad_value_shows_the_message(signed_in, account, history):
    response = signed_in.get(
        f"/cabinet/accounts/{account.pk}/readings/preview/",
        {"meter": history.serial, "value": "abc"},
        HTTP_HX_REQUEST="true",
        **EN,
    )

    assert "not a meter reading" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/cabinet/accounts/{account}/meters/{meter}/",
        "/cabinet/accounts/{account}/meters/{meter}/readings.csv",
        "/cabinet/accounts/{account}/readings/preview/?meter={serial}&value=1",
    ],
)
def test_someone_elses_account_is_not_found(client, django_user_model, account, history, path):
    stranger = django_user_model.objects.create_user(username="stranger", password="x-pass-123")
    client.force_login(stranger)

    response = client.get(path.format(account=account.pk, meter=history.pk, serial=history.serial))

    assert response.status_code == 404


def test_someone_else_cannot_submit_a_reading(client, django_user_model, account, history):
    stranger = django_user_model.objects.create_user(username="stranger", password="x-pass-123")
    client.force_login(stranger)

    response = client.post(submit_url(account), {"meter": history.serial, "value": "612"})

    assert response.status_code == 404
    assert not Reading.objects.filter(reading_date=TODAY()).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, account, history):
    response = client.post(submit_url(account), {"meter": history.serial, "value": "612"})

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_history_page_lists_readings_with_sources_in_few_queries(
    signed_in, account, history, make_reading, django_assert_max_num_queries
):
    for back in range(90, 400, 30):
        make_reading(history, TODAY() - dt.timedelta(days=back), str(600 - back / 30))

    with django_assert_max_num_queries(6):
        response = signed_in.get(f"/cabinet/accounts/{account.pk}/meters/{history.pk}/", **EN)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Controller" in text and "Subscriber (billing)" in text
    assert "<svg" in text and "style=" not in text
    assert "spreads that evenly over the days between the readings" in text


def test_the_first_reading_says_its_consumption_counts_from_the_installation(
    signed_in, account, history
):
    response = signed_in.get(f"/cabinet/accounts/{account.pk}/meters/{history.pk}/", **EN)

    text = response.content.decode()
    # 600 since 10 May 2015 at 0, then 6 since the reading before: only the first is labelled.
    assert text.count("since the meter was installed on") == 1
    assert "since the meter was installed on 05/10/2015" in text


def test_the_csv_download_escapes_cells_a_spreadsheet_would_run(
    signed_in, account, make_meter, make_reading
):
    meter = make_meter(account, serial="=HYPERLINK(1)")
    make_reading(meter, TODAY() - dt.timedelta(days=3), "1")
    make_reading(meter, TODAY(), "2")

    response = signed_in.get(f"/cabinet/accounts/{account.pk}/meters/{meter.pk}/readings.csv")

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in text
    assert text.splitlines()[0] == "account,meter,date,value,consumption,source,status"
    assert text.splitlines()[2].endswith(",2.000,1.000,controller,accepted")


def render_panels(account, user):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return Template("{% load metering %}{% meter_panels account %}").render(
            Context({"account": account, "request": request})
        )


def test_the_panel_says_how_many_days_the_window_stays_open(account, history, subscriber):
    today = TODAY()
    account.provider.read_from = account.provider.read_to = today.day
    account.provider.save()

    html = render_panels(account, subscriber)

    assert "Readings are accepted now: 1 day left." in html
    assert 'name="value"' in html
    assert "A reading given today counts for" in html


def test_the_panel_says_when_a_closed_window_opens(account, history, subscriber):
    tomorrow = TODAY() + dt.timedelta(days=1)
    account.provider.read_from = account.provider.read_to = tomorrow.day
    account.provider.save()

    html = render_panels(account, subscriber)

    assert f"The window opens on {tomorrow:%m/%d/%Y}." in html
    # Every submission would be refused until then: no form to fill in for nothing, and no
    # billing month for a reading that cannot be given today.
    assert 'name="value"' not in html
    assert "A reading given today counts for" not in html
    assert "History and consumption" in html
