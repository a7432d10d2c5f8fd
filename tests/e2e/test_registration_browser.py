"""One person, one phone, one bill: registration to the cabinet in a real browser."""

import email
import re
from email import policy
from pathlib import Path

import pytest

PASSWORD = "зелений чайник співає"


def newest_mail_link(mail_dir: Path) -> str:
    newest = sorted(mail_dir.glob("*.eml"))[-1]
    message = email.message_from_bytes(newest.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


@pytest.mark.browser
def test_a_subscriber_registers_confirms_and_signs_in_on_a_phone(
    live_server,
    settings,
    tmp_path,
    phone_page,
    assert_accessible,
    make_provider,
    make_street,
    make_account,
):
    settings.EMAIL_BACKEND = "kabinet.notifications.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = live_server.url
    provider = make_provider("vodokanal")
    street = make_street("Шевченка", provider=provider, street_id="0001", old_names=("Леніна",))
    make_account(
        "0012345",
        provider=provider,
        street=street,
        house="12",
        korpus="3",
        apartment="45",
        surname="Коваленко",
        name="Олена",
    )
    page = phone_page

    # The Check step, with the "?" help opened by touch and the street picked from suggestions.
    page.goto(f"{live_server.url}/register/")
    assert_accessible(page)
    help_text = page.locator("#id_account-help")
    assert help_text.is_hidden()
    page.locator("button[aria-controls='id_account-help']").tap()
    assert help_text.is_visible()
    surname_help = page.locator("#id_surname-help")
    page.locator("button[aria-controls='id_surname-help']").focus()
    page.keyboard.press("Enter")
    assert surname_help.is_visible()
    page.keyboard.press("Escape")
    assert surname_help.is_hidden()
    page.fill("#id_account", "00 123 45")
    page.locator("#id_street").press_sequentially("Лені", delay=30)
    page.locator("#street-suggestions button").first.wait_for()
    assert "Шевченка" in page.locator("#street-suggestions").inner_text()
    assert_accessible(page)
    page.locator("#street-suggestions button").first.click()
    assert page.input_value("#id_street") == "Леніна"
    page.fill("#id_house", "12/3")
    page.fill("#id_apartment", "45")
    page.fill("#id_surname", "коваленко")
    page.locator("form.check-form button[type=submit]").click()

    # Credentials.
    page.wait_for_url("**/register/credentials/")
    assert_accessible(page)
    page.fill("#id_username", "olena.k")
    page.fill("#id_email", "olena@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/confirm-email/")
    assert_accessible(page)

    # The mailed link, opened and confirmed: signed in, in the cabinet.
    page.goto(newest_mail_link(tmp_path / "mail"))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cabinet/")
    assert_accessible(page)

    # Out, and back in with the login.
    page.goto(f"{live_server.url}/cabinet/settings/")
    assert "0012345" in page.inner_text("main")
    assert_accessible(page)
    page.goto(f"{live_server.url}/cabinet/accounts/add/")
    assert_accessible(page)
    page.locator("header form[action='/logout/'] button").click()
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.fill("#id_login", "olena.k")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cabinet/")
    assert_accessible(page)
