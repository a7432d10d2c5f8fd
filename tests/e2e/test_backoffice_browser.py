"""The back office in a real browser: every page an operator uses in a month passes axe-core
(WCAG 2.1 A/AA) in Ukrainian and English, with no console error or CSP violation."""

import pytest

from tests.e2e.conftest import PASSWORD, axe_violations, sign_in

pytestmark = pytest.mark.browser

PAGES = [
    "/backoffice/",
    "/backoffice/review/",
    "/backoffice/meters/overdue/",
    "/backoffice/imports/",
    "/backoffice/export/",
    "/backoffice/streets/",
    "/backoffice/accounts/?q=Коваленко",
    "/backoffice/providers/",
    "/backoffice/audit/",
    "/backoffice/tokens/",
]


@pytest.fixture
def operator(home, django_user_model):
    """An operator of the water utility, with one reading of `home` waiting for review."""
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username="operator", email="operator@example.com", password=PASSWORD, is_staff=True
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    home.owing.provider.operators.add(user)
    reading = home.cold.readings.order_by("-reading_date").first()
    reading.status = "review"
    reading.save(update_fields=["status"])
    return user


@pytest.mark.parametrize("locale", ["uk-UA", "en-GB"])
def test_every_back_office_page_passes_axe_without_console_errors(
    live_server, open_tab, home, operator, axe_js, locale
):
    tab = open_tab(locale=locale)
    page = tab.page
    sign_in(page, live_server.url, login="operator")
    violations = []
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        violations += [f"{path}: {v}" for v in axe_violations(page, axe_js)]
    page.goto(f"{live_server.url}/backoffice/accounts/{home.owing.pk}/")
    violations += axe_violations(page, axe_js)

    assert page.locator("text=olena").count() >= 1
    assert violations == []
    assert tab.problems == []
