"""The subscriber's money in a real browser: balances in the page's language, the consumption chart,
the statement to print and as a PDF; the Check form's help by keyboard."""

import pytest

from tests.e2e.conftest import axe_violations, plain, sign_in

SERIOUS = ("serious", "critical")

pytestmark = pytest.mark.browser


def test_balances_follow_the_language_and_the_statement_prints_and_downloads(
    live_server, open_tab, home, axe_js
):
    from playwright.sync_api import expect

    tab = open_tab()
    page = tab.page
    sign_in(page, live_server.url)
    cards = page.locator("article.account-card")
    assert cards.count() == 2
    assert plain(cards.nth(0).locator(".debt .money").inner_text()) == "1 400,00 ₴"
    assert plain(cards.nth(1).locator(".overpayment .money").inner_text()) == "9,28 ₴"

    cards.nth(0).locator("h2 a").click()
    page.wait_for_url(f"**/cabinet/accounts/{home.owing.pk}/")
    headline = page.locator("p.account-balance .debt .money")
    assert plain(headline.inner_text()) == "1 400,00 ₴"

    # English through the switcher, on this page and remembered on the next.
    page.select_option("#language-select", "en")
    page.locator("form.lang-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_url(f"**/cabinet/accounts/{home.owing.pk}/")
    assert headline.inner_text() == "₴1,400.00"
    assert page.locator("details.month[open]").count() == 2
    newest = page.locator("details.month").first
    closing = newest.locator("tr.ledger-closing")
    assert closing.get_attribute("data-closing") == "1400.00"
    assert closing.locator("td").inner_text() == "₴1,400.00"
    page.locator("header nav a[href='/cabinet/']").click()
    page.wait_for_url("**/cabinet/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert cards.nth(0).locator(".debt .money").inner_text() == "₴1,400.00"
    assert cards.nth(1).locator(".overpayment .money").inner_text() == "₴9.28"
    assert axe_violations(page, axe_js, SERIOUS) == []

    # The consumption chart of the cold water meter and the table with its figures.
    page.goto(f"{live_server.url}/cabinet/accounts/{home.owing.pk}/")
    page.locator(f"#meter-{home.cold.pk} a[href$='/meters/{home.cold.pk}/']").click()
    page.wait_for_url(f"**/meters/{home.cold.pk}/")
    chart = page.locator(".consumption-chart svg[role=img]")
    expect(chart).to_be_visible()
    assert "table below" in chart.locator("title").text_content()
    monthly = page.locator("table[aria-labelledby=monthly-heading] tbody tr")
    assert monthly.count() == 13
    assert chart.locator("rect").count() == 13
    readings = page.locator("table[aria-labelledby=readings-heading] tbody tr")
    assert readings.count() == 12
    expect(readings.first).to_contain_text("100.000")
    assert axe_violations(page, axe_js, SERIOUS) == []

    # Last month's statement: the page, as printed, and the PDF.
    page.goto(f"{live_server.url}/cabinet/accounts/{home.owing.pk}/")
    newest.locator(".statement-links a:not([download])").click()
    period = home.last_period.strftime("%Y-%m")
    page.wait_for_url(f"**/statement/{period}/")
    statement = page.locator("article.statement")
    expect(statement).to_contain_text("0012345")
    expect(statement.locator(".statement-total")).to_contain_text("₴1,400.00")
    breadcrumbs = page.locator(".breadcrumbs")
    expect(breadcrumbs).to_be_visible()
    page.emulate_media(media="print")
    expect(breadcrumbs).to_be_hidden()
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(statement).to_be_visible()
    page.emulate_media(media="screen")
    assert axe_violations(page, axe_js, SERIOUS) == []

    pdf_link = page.locator("a[download][href$='.pdf']")
    with page.expect_download() as download:
        pdf_link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert tab.problems == []


def test_every_help_on_the_check_form_opens_by_keyboard_and_describes_its_field(
    live_server, open_tab, make_provider, make_account, axe_js
):
    from playwright.sync_api import expect

    make_account(provider=make_provider("vodokanal", meter_required=True))
    make_account("100200", provider=make_provider("gas"))
    tab = open_tab()
    page = tab.page
    page.goto(f"{live_server.url}/register/")
    toggles = page.locator("form.check-form button[data-help-toggle]")
    names = toggles.evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-controls'))")
    assert {"id_account-help", "id_surname-help", "id_meter-help"} <= set(names)

    for index, help_id in enumerate(names):
        toggle = toggles.nth(index)
        for _ in range(40):  # Tab through the page until the "?" has the focus
            page.keyboard.press("Tab")
            if toggle.evaluate("button => button === document.activeElement"):
                break
        else:
            pytest.fail(f"Tab never reaches the help for {help_id}")
        help_text = page.locator(f"#{help_id}")
        expect(help_text).to_be_hidden()
        page.keyboard.press("Enter" if index % 2 == 0 else "Space")
        expect(help_text).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        field = page.locator(f"#{help_id.removesuffix('-help')}")
        described_by = (field.get_attribute("aria-describedby") or "").split()
        assert help_id in described_by, f"{help_id} is not tied to its field"
        assert help_text.inner_text().strip()

    assert axe_violations(page, axe_js, SERIOUS) == []
    assert tab.problems == []


def test_the_watch_reports_a_csp_violation(live_server, open_tab, home):
    """The "no CSP violations" checks above can fail: an inline style is reported."""
    tab = open_tab()
    page = tab.page
    sign_in(page, live_server.url)
    assert tab.problems == []
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
        )
    assert any("CSP violation: style-src" in problem for problem in tab.problems), tab.problems
