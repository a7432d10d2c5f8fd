"""A real browser (Debian's Chromium through Playwright) and axe-core, for the journeys."""

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _unavailable(reason: str):
    if os.environ.get("KABINET_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (KABINET_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def _axe_path() -> Path | None:
    candidates = [
        os.environ.get("KABINET_AXE_JS", ""),
        str(REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"),
        "/tmp/node_modules/axe-core/axe.min.js",  # noqa: S108
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(autouse=True)
def async_unsafe_allowed(monkeypatch):
    """Playwright's sync API runs an event loop in the test's thread; Django then refuses its
    (synchronous, correct) database calls there unless told they are safe. Set for these tests
    only: the deploy check rightly refuses the variable anywhere else."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def axe_js() -> Path:
    path = _axe_path()
    if path is None:
        _unavailable("axe-core not found: set KABINET_AXE_JS to axe.min.js")
    return path


@pytest.fixture
def chromium(axe_js):
    """Debian's Chromium, launched once for the test."""
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop is set on this thread, Django keeps the ORM's connections
            # apart from the test's own; one left open keeps PostgreSQL from dropping the test
            # database at the end of the run.
            connections.close_all()


@pytest.fixture
def phone_page(chromium):
    """A page in Chromium at a phone's size, with CSP bypassed so axe-core can be injected."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
        locale="uk-UA",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def axe_violations(page, axe_js: Path, impacts: tuple[str, ...] | None = None) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page (only of `impacts` when given).

    The script is evaluated through the DevTools protocol rather than added as a <script>, so it
    runs on a page under the site's real content security policy too."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_js.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if impacts is None or v["impact"] in impacts
    ]


@pytest.fixture
def assert_accessible(axe_js):
    """Run axe-core on the page: no WCAG 2.1 A/AA violation."""

    def check(page) -> None:
        violations = axe_violations(page, axe_js)
        assert not violations, f"{page.url}: " + "; ".join(violations)

    return check


# Turned into a console error, so a policy violation is reported like any other error; the
# browser logs one of its own as well, but only this one names the directive reliably.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked "
    + (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@dataclass
class Tab:
    """A page under the site's real CSP, with every console error and page error recorded."""

    page: Any
    problems: list[str] = field(default_factory=list)

    def record(self, message) -> None:
        if message.type == "error" and "favicon" not in message.text:
            self.problems.append(f"{self.page.url}: {message.text}")


@pytest.fixture
def open_tab(chromium):
    """Open a tab in a fresh browser context (its own cookies): `open_tab(javascript=False)`."""
    contexts = []

    def open_(*, javascript: bool = True, locale: str = "uk-UA") -> Tab:
        context = chromium.new_context(
            viewport={"width": 390, "height": 844},
            java_script_enabled=javascript,
            locale=locale,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        tab = Tab(page)
        if javascript:
            page.add_init_script(CSP_WATCH)
        page.on("console", tab.record)
        page.on("pageerror", lambda error: tab.problems.append(f"{page.url}: {error}"))
        return tab

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()


PASSWORD = "зелений чайник співає"


def sign_in(page, base_url: str, login: str = "olena", password: str = PASSWORD) -> None:
    """Sign in through the /login/ form, as a subscriber does."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cabinet/")


def plain(text: str) -> str:
    """The text with its no-break spaces made plain, for comparing amounts."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def home(
    transactional_db,
    django_user_model,
    make_provider,
    make_street,
    make_account,
    make_meter,
    make_ledger,
):
    """A signed-up subscriber (login `olena`) with two linked accounts of the water utility.

    0012345 owes 1 400,00 ₴ at the end of last month and has two meters read monthly for a
    year, the last reading 30 days ago (cold water 100,000 m³, hot water 50,000 m³); 0012346
    has overpaid 9,28 ₴."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from kabinet.metering.models import Reading
    from kabinet.periods import add_months
    from kabinet.subscribers.models import AccountLink

    today = timezone.localdate()
    last_period = add_months(today.replace(day=1), -1)
    earlier_period = add_months(last_period, -1)
    provider = make_provider("vodokanal", name="КП «Водоканал»")
    street = make_street(
        "Богдана Хмельницького", provider=provider, street_id="0001", type="просп."
    )
    owing = make_account(
        "0012345",
        provider=provider,
        street=street,
        house="12",
        korpus="3",
        apartment="45",
        surname="Коваленко",
        name="Олена",
        patronymic="Петрівна",
    )
    water = {"service": "cold_water", "tariff": "40.72"}
    make_ledger(owing, earlier_period, "balance", "1200.00", position=1)
    make_ledger(owing, earlier_period, "charge", "325.76", volume="8", position=2, **water)
    make_ledger(
        owing,
        earlier_period,
        "payment",
        "200.00",
        payment_date=earlier_period.replace(day=14),
        note="Приватбанк",
        position=3,
    )
    make_ledger(owing, last_period, "balance", "1325.76", position=1)
    make_ledger(owing, last_period, "charge", "162.88", volume="4", position=2, **water)
    make_ledger(
        owing,
        last_period,
        "payment",
        "88.64",
        payment_date=last_period.replace(day=14),
        note="Ощадбанк",
        position=3,
    )
    overpaid = make_account(
        "0012346", provider=provider, street=street, house="12", korpus="3", apartment="46"
    )
    make_ledger(overpaid, last_period, "balance", "-50.00", position=1)
    make_ledger(overpaid, last_period, "charge", "40.72", volume="1", position=2, **water)

    installed = today - dt.timedelta(days=400)
    cold = make_meter(owing, "В-1402377", service="cold_water", installed_date=installed)
    hot = make_meter(owing, "Г-2209", service="hot_water", installed_date=installed)
    Reading.objects.bulk_create(
        Reading(
            meter=meter,
            reading_date=today - dt.timedelta(days=30 * back),
            value=last - step * (back - 1),
            source="controller",
        )
        for meter, last, step in ((cold, Decimal(100), Decimal(4)), (hot, Decimal(50), 1))
        for back in range(12, 0, -1)
    )

    user = django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for account in (owing, overpaid):
        AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())
    return SimpleNamespace(
        today=today,
        last_period=last_period,
        owing=owing,
        overpaid=overpaid,
        cold=cold,
        hot=hot,
        user=user,
    )
