"""A real browser (Debian's Chromium through Playwright) and axe-core, for the journeys."""

import os
from pathlib import Path

import pytest

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
def phone_page(axe_js):
    """A page in Chromium at a phone's size, with CSP bypassed so axe-core can be injected."""
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
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
            browser.close()


@pytest.fixture
def assert_accessible(axe_js):
    """Run axe-core on the page: no WCAG 2.1 A/AA violation."""

    def check(page) -> None:
        page.add_script_tag(path=str(axe_js))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
        )
        violations = [
            f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        assert not violations, f"{page.url}: " + "; ".join(violations)

    return check
