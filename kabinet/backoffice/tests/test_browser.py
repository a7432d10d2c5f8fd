"""The back office and the API docs in a real browser, under the portal's real CSP."""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from kabinet.exchange.models import ImportRun

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(monkeypatch, live_server, client, operator):
    if not CHROMIUM.exists():
        if os.environ.get("KABINET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; Django's calls here are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    client.force_login(operator)
    session = client.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="en-GB")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems: list[str] = []
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "favicon" not in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        try:
            yield page, problems
        finally:
            context.close()
            browser.close()
            # While Playwright's loop is set on this thread, Django keeps the ORM's connections
            # apart from the test's own; one left open keeps PostgreSQL from dropping the test
            # database at the end of the run.
            connections.close_all()


def test_the_import_page_polls_until_the_run_finishes_without_csp_violations(
    browser_page, live_server, operator, vodokanal
):
    page, problems = browser_page
    run = ImportRun.objects.create(
        created_at=timezone.now(),
        actor=operator,
        provider=vodokanal,
        status=ImportRun.Status.RUNNING,
        progress_done=10,
        progress_total=100,
        file_names=["ledger.csv"],
    )
    page.goto(f"{live_server.url}/backoffice/imports/{run.pk}/")
    assert page.locator("progress").count() == 1

    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.DONE,
        counts={"ledger": {"inserted": 7, "updated": 0, "unchanged": 0}},
    )

    page.wait_for_selector("text=The files are imported:")
    assert page.locator("progress").count() == 0
    assert problems == []


def test_the_dashboard_chart_and_the_api_docs_run_under_the_csp(
    browser_page, live_server, make_account
):
    page, problems = browser_page
    make_account()

    page.goto(f"{live_server.url}/backoffice/")
    chart_bars = page.locator("svg.bo-chart rect").count()
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/accounts/")

    assert chart_bars == timezone.localdate().day
    assert problems == []
