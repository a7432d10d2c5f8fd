"""A subscriber reads the meters and sends the readings: with htmx, without JavaScript, and past
the "did you type an extra digit?" question. Every page under the real CSP, checked by axe-core."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.e2e.conftest import axe_violations, sign_in

SERIOUS = ("serious", "critical")

pytestmark = pytest.mark.browser


def account_url(live_server, account) -> str:
    return f"{live_server.url}/cabinet/accounts/{account.pk}/"


def test_a_reading_with_a_comma_is_previewed_as_typed_and_stored(
    live_server, open_tab, home, axe_js
):
    from playwright.sync_api import expect

    tab = open_tab()
    page = tab.page
    sign_in(page, live_server.url)
    assert axe_violations(page, axe_js, SERIOUS) == []
    page.locator(f"#account-{home.owing.pk}-title a").click()
    page.wait_for_url(account_url(live_server, home.owing))
    assert axe_violations(page, axe_js, SERIOUS) == []
    panel = page.locator(f"#meter-{home.cold.pk}")
    expect(panel).to_contain_text("100,000")
    preview = panel.locator(".reading-preview")
    value = panel.locator("input[name=value]")

    # The preview follows the typing: 12,5 m³ in 30 days, at 40,72 ₴ a cubic metre.
    value.press_sequentially("112,5")
    expect(preview).to_contain_text("12,500")
    last_read = (home.today - dt.timedelta(days=30)).strftime("%d.%m.%Y")
    expect(preview).to_contain_text(last_read)
    expect(preview).to_contain_text("509,00")
    value.fill("113,25")
    expect(preview).to_contain_text("13,250")
    expect(preview).to_contain_text("539,54")
    assert axe_violations(page, axe_js, SERIOUS) == []

    panel.locator("button[type=submit]:not([name=preview])").click()
    page.wait_for_url(account_url(live_server, home.owing))
    expect(page.locator(".messages")).to_contain_text("113,250")
    expect(page.locator(".messages")).to_contain_text("13,250")
    expect(page.locator(f"#meter-{home.cold.pk}")).to_contain_text("113,250")
    assert home.cold.readings.get(reading_date=home.today).value == Decimal("113.25")
    assert axe_violations(page, axe_js, SERIOUS) == []
    assert tab.problems == []


def test_without_javascript_check_first_shows_the_preview_and_the_form_posts(
    live_server, open_tab, home
):
    tab = open_tab(javascript=False)
    page = tab.page
    sign_in(page, live_server.url)
    page.goto(account_url(live_server, home.owing))
    panel = page.locator(f"#meter-{home.hot.pk}")
    panel.locator("input[name=value]").fill("51,75")

    # "Check first" answers with a page saying what the value means, the form filled in again.
    panel.locator("button[name=preview]").click()
    page.wait_for_load_state()
    checked = page.locator(".reading-preview-page")
    assert "1,750" in checked.inner_text()
    panel = page.locator(f"#meter-{home.hot.pk}")
    assert panel.locator("input[name=value]").input_value() == "51,75"

    panel.locator("button[type=submit]:not([name=preview])").click()
    page.wait_for_url(account_url(live_server, home.owing))
    messages = page.locator(".messages").inner_text()
    assert "51,750" in messages
    assert "1,750" in messages
    assert "51,750" in page.locator(f"#meter-{home.hot.pk}").inner_text()
    assert home.hot.readings.get(reading_date=home.today).value == Decimal("51.75")
    assert tab.problems == []


def test_an_extra_digit_is_questioned_then_corrected_or_confirmed(
    live_server, open_tab, home, axe_js
):
    from playwright.sync_api import expect

    tab = open_tab()
    page = tab.page
    sign_in(page, live_server.url)
    page.goto(account_url(live_server, home.owing))

    # 1125 instead of 112,5: the question, then the corrected value is stored.
    panel = page.locator(f"#meter-{home.cold.pk}")
    panel.locator("input[name=value]").fill("1125")
    panel.locator("button[type=submit]:not([name=preview])").click()
    question = page.locator("main [role=alert]")
    expect(question).to_contain_text("зайву цифру")
    assert axe_violations(page, axe_js, SERIOUS) == []
    page.fill("#corrected-value", "112,5")
    page.locator("#corrected-value").press("Enter")
    page.wait_for_url(account_url(live_server, home.owing))
    expect(page.locator(".messages")).to_contain_text("112,500")
    reading = home.cold.readings.get(reading_date=home.today)
    assert (reading.value, reading.status) == (Decimal("112.5"), "accepted")

    # 5000 on the hot water meter, confirmed: stored as given, for the operators to review.
    panel = page.locator(f"#meter-{home.hot.pk}")
    panel.locator("input[name=value]").fill("5000")
    panel.locator("button[type=submit]:not([name=preview])").click()
    expect(question).to_contain_text("зайву цифру")
    page.locator("main form").first.locator("button[type=submit]").click()
    page.wait_for_url(account_url(live_server, home.owing))
    expect(page.locator(".messages")).to_contain_text("5000,000")
    reading = home.hot.readings.get(reading_date=home.today)
    assert (reading.value, reading.status) == (Decimal("5000"), "review")

    # The history shows it waiting for review.
    page.locator(f"#meter-{home.hot.pk} a[href$='/meters/{home.hot.pk}/']").click()
    page.wait_for_url(f"**/meters/{home.hot.pk}/")
    first_row = page.locator("table[aria-labelledby=readings-heading] tbody tr").first
    expect(first_row).to_contain_text("5000,000")
    expect(first_row.locator(".badge.warn")).to_be_visible()
    assert axe_violations(page, axe_js, SERIOUS) == []
    assert tab.problems == []
