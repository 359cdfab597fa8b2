"""The API's reader in Chromium: /api/v1/docs draws every operation of the generated document
from the console's own files under its Content-Security-Policy (no violation, no outside
request), and a token entered in it calls the API.

Debian's Chromium through Playwright against the session `app` (tests/live_server.py)."""

import pytest
from playwright.sync_api import expect

from app.services.access import tokens
from tests import factories as f
from tests.test_browser_csp import watched  # noqa: F401  the CSP-watching page fixture


@pytest.fixture
def token(db_session):
    _made, secret = tokens.create(
        db_session,
        f.user(db_session, "security"),
        f.user(db_session, "leader"),
        "docs",
        "personal",
        ["departments:read"],
    )
    db_session.commit()
    return secret


def test_the_docs_page_reads_the_document_and_calls_the_api(watched, live_server, token):  # noqa: F811
    page = watched()
    outside = []
    page.on(
        "request",
        lambda request: request.url.startswith(live_server.url) or outside.append(request.url),
    )
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    assert page.locator(".opblock").count() >= 35
    expect(page.locator(".info .title")).to_contain_text("服务治理平台接口")
    page.click("button.authorize")
    page.fill(".auth-container input", token)
    page.click(".auth-btn-wrapper button.authorize")
    page.click("button.btn-done")
    operation = page.locator("#operations-部门-list_departments")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200", timeout=15000)
    assert outside == [], outside
    watched.check(page)
