"""Requests and outages in a real browser at a phone's size, in each language, through axe-core.

A subscriber files a "no water" request with a photo, the operator answers, the subscriber reads
the answer and the mail; the operator publishes an outage on a street, the affected subscriber
sees the banner and an unaffected one does not; `/outages/` finds the outage, without signing
in, by the street's former name.
"""

import io
from types import SimpleNamespace

import pytest

from tests.e2e.conftest import PASSWORD, axe_violations, sign_in

pytestmark = pytest.mark.browser


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 90), (40, 90, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def town(transactional_db, django_user_model, make_provider, make_street, make_account):
    """Olena at вул. Шевченка 12 (once Леніна), Petro at no. 40, the water utility's operator."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from kabinet.subscribers.models import AccountLink

    provider = make_provider("vodokanal", name="КП «Водоканал»")
    street = make_street("Шевченка", provider=provider, street_id="0001", old_names=("Леніна",))
    users = {}
    for login, number, house in (("olena", "0012345", "12"), ("petro", "0012399", "40")):
        user = django_user_model.objects.create_user(
            username=login, email=f"{login}@example.com", password=PASSWORD
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        account = make_account(number, provider=provider, street=street, house=house)
        AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())
        users[login] = SimpleNamespace(user=user, account=account)
    operator = django_user_model.objects.create_user(
        username="operator", email="operator@example.com", password=PASSWORD, is_staff=True
    )
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    provider.operators.add(operator)
    return SimpleNamespace(provider=provider, street=street, **users)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.mark.parametrize("locale", ["uk-UA", "ru-RU", "en-GB"])
def test_a_request_is_answered_and_an_outage_reaches_the_right_subscribers(
    live_server, open_tab, town, axe_js, locale, mailoutbox
):
    from playwright.sync_api import expect

    base = live_server.url
    violations: list[str] = []

    def check(page) -> None:
        violations.extend(f"{page.url}: {v}" for v in axe_violations(page, axe_js))

    # The subscriber files a "no water" request with a photo.
    olena = open_tab(locale=locale)
    sign_in(olena.page, base, login="olena")
    olena.page.goto(f"{base}/cabinet/accounts/{town.olena.account.pk}/")
    olena.page.locator(".account-request a").first.click()
    olena.page.wait_for_url("**/cabinet/requests/new/**")
    check(olena.page)
    olena.page.select_option("select[name=kind]", "no_water")
    olena.page.fill("textarea[name=text]", "Немає води з ранку <b>зовсім</b>")
    olena.page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "tap.jpg", "mimeType": "image/jpeg", "buffer": _photo()}],
    )
    olena.page.locator("form.request-form button[type=submit]").click()
    olena.page.wait_for_url("**/cabinet/requests/*/")
    request_url = olena.page.url
    expect(olena.page.locator(".message-text").first).to_contain_text("<b>зовсім</b>")
    expect(olena.page.locator(".attachments a")).to_have_count(1)
    check(olena.page)

    # The operator finds it in the queue and answers.
    operator = open_tab(locale=locale)
    sign_in(operator.page, base, login="operator")
    operator.page.goto(f"{base}/backoffice/requests/")
    check(operator.page)
    operator.page.locator("table.request-queue tbody a").first.click()
    operator.page.wait_for_url("**/backoffice/requests/*/")
    check(operator.page)
    operator.page.fill("form.answer-form textarea[name=text]", "Бригада вже на місці.")
    operator.page.locator("form.answer-form button[type=submit]").click()
    operator.page.wait_for_url("**/backoffice/requests/*/")

    # The subscriber reads the answer on the page and in the mail, in their language.
    olena.page.goto(request_url)
    expect(olena.page.locator(".author-operator .message-text")).to_contain_text(
        "Бригада вже на місці."
    )
    expect(olena.page.locator(".request-status")).to_have_class(
        "badge request-status status-answered ok"
    )
    assert len(mailoutbox) == 1
    assert "Бригада вже на місці." in mailoutbox[0].body
    assert request_url.removeprefix(base) in mailoutbox[0].body
    expected_subject = {"uk-UA": "Відповідь", "ru-RU": "Ответ", "en-GB": "Answer"}[locale]
    assert mailoutbox[0].subject.startswith(expected_subject)

    # The operator publishes an emergency outage on houses 1–25 of the street.
    operator.page.goto(f"{base}/backoffice/outages/")
    check(operator.page)
    operator.page.select_option("select[name=kind]", "emergency")
    operator.page.fill("input[name=starts_at]", "2026-01-01T08:00")
    operator.page.fill("textarea[name=reason]", "Пошкодження водогону")
    operator.page.fill("input[name=street_1]", "Шевченка")
    operator.page.fill("input[name=houses_1]", "1–25")
    operator.page.locator("form.outage-form button[type=submit]").click()
    operator.page.wait_for_url("**/backoffice/outages/*/")
    check(operator.page)

    # Olena (no. 12) sees the banner in the cabinet and on the account page; Petro (no. 40) not.
    olena.page.goto(f"{base}/cabinet/")
    expect(olena.page.locator(".outage-banner")).to_contain_text("Пошкодження водогону")
    check(olena.page)
    olena.page.goto(f"{base}/cabinet/accounts/{town.olena.account.pk}/")
    expect(olena.page.locator(".outage-banner")).to_be_visible()
    petro = open_tab(locale=locale)
    sign_in(petro.page, base, login="petro")
    expect(petro.page.locator("h1")).to_be_visible()
    assert petro.page.locator(".outage-banner").count() == 0

    # Anyone finds the outage on /outages/ by the street's former name.
    visitor = open_tab(locale=locale)
    visitor.page.goto(f"{base}/outages/")
    visitor.page.fill("input[name=street]", "Леніна")
    visitor.page.locator("form.outage-search button[type=submit]").click()
    visitor.page.wait_for_url("**/outages/?street=*")
    expect(visitor.page.locator(".outage-card")).to_have_count(1)
    expect(visitor.page.locator(".outage-card")).to_contain_text("Пошкодження водогону")
    check(visitor.page)

    assert violations == []
    for tab in (olena, operator, petro, visitor):
        assert tab.problems == []
