"""三权分立 in the browser: the security administrator sees users and roles and no record; the
audit administrator sees the audit log and nothing else; the system administrator no users."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import ARTIFACTS, log_in

pytestmark = pytest.mark.usefixtures("ldap_login")


def _menu_text(page):
    return page.locator(".navbar").inner_text()


def test_security_administrator_manages_users_and_sees_no_record(page):
    log_in(page, "security")
    menus = _menu_text(page)
    assert "权限管理" in menus and "调研填报" not in menus and "审核" not in menus
    page.goto("/users/list/")
    table = page.locator("table.table-bordered")
    expect(table).to_contain_text("t_contact")
    headers = table.locator("th").all_inner_texts()
    assert "用户名" in " ".join(headers)
    assert not [h for h in headers if re.search(r"Username|Name|Roles|Active", h)], headers
    assert "None" not in table.inner_text() and "True" not in table.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "security-admin-users.png"), full_page=True)
    assert page.request.get("/serviceitemview/list/").status == 403
    assert page.request.get("/auditentryview/list/").status == 403


def test_audit_administrator_reads_only_the_audit_log(page):
    log_in(page, "auditor")
    page.goto("/auditentryview/list/")
    expect(page.locator("h1, h2, h3, .panel-title").first).to_contain_text(re.compile("审计日志"))
    page.screenshot(path=str(ARTIFACTS / "audit-admin-log.png"), full_page=True)
    for url in ("/users/list/", "/serviceitemview/list/", "/workflow/inbox/"):
        assert page.request.get(url).status == 403, url


def test_system_administrator_has_no_user_screens(page):
    log_in(page, "admin")
    assert page.request.get("/users/list/").status == 403
    assert page.request.get("/serviceitemview/list/").status == 200
