"""Readings for everyone, in Chromium at a phone's size: a two-zone electricity meter read in
the cabinet and through `/readings/` with consumption per zone, and a reminder's link that
sends a reading in one tap. Every page checked by axe-core."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def power(home, make_provider, make_street, make_account, make_meter, make_ledger):
    """An electricity account of `olena` and a free one, each with a two-zone meter read 30
    days ago (day 1 000,0 and night 400,0 kWh), charged at 4,32 ₴ (day) and 2,16 ₴ (night)."""
    from django.utils import timezone

    from kabinet.metering.models import Reading
    from kabinet.subscribers.models import AccountLink

    provider = make_provider("power", name="Енергозбут", service="electricity")
    street = make_street("Шевченка", provider=provider, street_id="p-1")
    accounts, meters = [], []
    for number, surname, serial in (
        ("3100012", "Коваленко", "NIK-0012451"),
        ("3100035", "Бондаренко", "NIK-0035112"),
    ):
        account = make_account(number, provider=provider, street=street, surname=surname)
        meter = make_meter(account, serial, zones=2, digits=6, decimals=1)
        for zone, value, tariff in (("day", 1000, "4.32"), ("night", 400, "2.16")):
            Reading.objects.create(
                meter=meter,
                reading_date=home.today - dt.timedelta(days=30),
                zone=zone,
                value=Decimal(value),
                source="controller",
            )
            make_ledger(
                account,
                home.last_period,
                "charge",
                "1",
                service="electricity",
                zone=zone,
                tariff=tariff,
            )
        accounts.append(account)
        meters.append(meter)
    link = AccountLink.objects.create(user=home.user, account=accounts[0], linked_at=timezone.now())
    return accounts, meters, link


def test_a_two_zone_reading_in_the_cabinet_shows_consumption_per_zone(
    live_server, open_tab, home, power, assert_accessible
):
    from playwright.sync_api import expect

    (account, _free), (meter, _other), _link = power
    tab = open_tab()
    page = tab.page
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/cabinet/accounts/{account.pk}/")
    panel = page.locator(f"#meter-{meter.pk}")
    assert_accessible(page)

    panel.locator("input[name=value_day]").fill("1120")
    panel.locator("input[name=value_night]").press_sequentially("460,5")
    preview = panel.locator(".reading-preview")
    expect(preview).to_contain_text("518,40")  # 120 kWh at 4,32
    expect(preview).to_contain_text("130,68")  # 60,5 kWh at 2,16
    assert_accessible(page)
    panel.locator("button[type=submit]:not([name=preview])").click()
    page.wait_for_url(f"{live_server.url}/cabinet/accounts/{account.pk}/")

    message = page.locator(".messages").inner_text()
    assert "120,0" in message and "60,5" in message and "180,5" in message
    assert sorted(meter.readings.filter(reading_date=home.today).values_list("zone", "value")) == [
        ("day", Decimal(1120)),
        ("night", Decimal("460.5")),
    ]
    assert_accessible(page)
    page.goto(f"{live_server.url}/cabinet/accounts/{account.pk}/meters/{meter.pk}/")
    assert "60,5" in page.locator(".zone-readings").inner_text()
    assert_accessible(page)
    assert tab.problems == []


def test_readings_without_signing_in_and_in_one_click_from_the_cabinet(
    live_server, open_tab, home, power, assert_accessible
):
    from playwright.sync_api import expect

    (account, _free), (meter, free_meter), _link = power
    tab = open_tab()
    page = tab.page
    page.goto(f"{live_server.url}/readings/")
    assert_accessible(page)
    page.select_option("select[name=provider]", label="Енергозбут")
    page.fill("input[name=account]", "3100035")
    page.fill("input[name=surname]", "бон")
    page.locator("main form button[type=submit]").click()
    panel = page.locator(f"#meter-{free_meter.pk}")
    expect(panel).to_contain_text("…112")
    assert "NIK-0035112" not in page.content() and "Бондаренко" not in page.content()
    assert_accessible(page)

    panel.locator("input[name=value_day]").fill("1050")
    panel.locator("input[name=value_night]").fill("420")
    panel.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Показання прийнято")
    assert free_meter.readings.filter(source="quick").count() == 2
    assert_accessible(page)

    # The holder, signed in, gets the same page in one click and sees what each zone used.
    holder = open_tab().page
    sign_in(holder, live_server.url)
    holder.goto(f"{live_server.url}/cabinet/accounts/{account.pk}/")
    holder.locator(f"a[href='/readings/?account={account.pk}']").click()
    holder_panel = holder.locator(f"#meter-{meter.pk}")
    holder_panel.locator("input[name=value_day]").fill("1100")
    holder_panel.locator("input[name=value_night]").fill("450")
    holder_panel.locator("button[type=submit]").click()
    message = holder.locator(".messages").inner_text()
    assert "100,0" in message and "50,0" in message and "150,0" in message
    assert_accessible(holder)
    assert tab.problems == []


def test_a_reminders_link_sends_a_reading_in_one_tap(
    live_server, open_tab, home, power, assert_accessible, settings
):
    from django.core import mail
    from django.utils import timezone

    from kabinet.notifications.models import ReminderPreference
    from kabinet.notifications.services import reminders_send

    settings.SITE_URL = live_server.url
    _accounts, (meter, _other), _link = power
    ReminderPreference.objects.create(
        user=home.user, day=home.today.day, language="uk", updated_at=timezone.now()
    )
    reminders_send(today=home.today, now=timezone.now())
    links = re.findall(r"http://\S+/readings/link/\S+/", mail.outbox[-1].body)
    tab = open_tab()
    page = tab.page
    opened = None
    for link in links:
        page.goto(link)
        if "NIK-0012451" in page.content():
            opened = link
            break
    assert opened is not None

    assert "День 1000,0; Ніч 400,0" in page.locator(".meter-panel").inner_text()
    assert_accessible(page)
    page.fill("input[name=value_day]", "1111")
    page.fill("input[name=value_night]", "444")
    page.locator("main form button[type=submit]").click()

    message = page.locator(".messages").inner_text()
    assert "111,0" in message and "44,0" in message
    assert meter.readings.filter(source="link").count() == 2
    assert_accessible(page)
    page.goto(f"{live_server.url}/cabinet/")
    assert "/login/" in page.url
    assert tab.problems == []
