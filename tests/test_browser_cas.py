"""CAS single sign-on in Chromium: the login page's 统一身份认证登录 leads to the real CAS
server's page, its login brings the person back to the page they asked for, logged in with the
department and role from the CAS attributes; logging out ends the CAS session too. No page of
the journey loads anything from outside this machine."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser import ARTIFACTS, log_out
from tests.cas_fixtures import CAS_GROUP_ROLES, CAS_PASSWORD


@pytest.fixture(scope="module")
def cas_browser_mode(app, cas_server, live_server):
    """The app in CAS mode for this module; the service address is built from the request
    (CAS_SERVICE_URL unset), i.e. the live server's."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "AUTH_MODE": "cas",
            "CAS_SERVER_URL": cas_server.url,
            "CAS_SERVICE_URL": "",
            "CAS_USER_SOURCE": "attributes",
            "AUTH_ROLES_MAPPING": CAS_GROUP_ROLES,
        }.items():
            patch.setitem(app.config, key, value)
        yield cas_server


def _hosts(page):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    return hosts


def _cas_form(page, username, password=CAS_PASSWORD):
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()


def test_a_teacher_logs_in_and_out_through_cas(cas_browser_mode, page):
    cas = cas_browser_mode
    hosts = _hosts(page)
    page.goto("/serviceitemview/list/")
    page.wait_for_url(re.compile(r"/login/"))
    button = page.locator("a.cas-login", has_text="统一身份认证登录")
    expect(button).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cas-console-login.png"), full_page=True)
    button.click()
    page.wait_for_url(re.compile(re.escape(cas.url) + r"login\?service="))
    page.screenshot(path=str(ARTIFACTS / "cas-server-login.png"), full_page=True)
    _cas_form(page, "zhoulan")
    page.wait_for_url(re.compile(r"/serviceitemview/list/"))
    expect(page.locator(".navbar")).to_contain_text("周兰")
    page.screenshot(path=str(ARTIFACTS / "cas-logged-in.png"), full_page=True)
    log_out(page)  # the console, then the CAS server's logout, then back to the login page
    expect(page.locator("a.cas-login")).to_be_visible()
    page.goto("/serviceitemview/list/")
    page.wait_for_url(re.compile(r"/login/"))
    page.locator("a.cas-login").click()
    # The CAS session ended with the console's: the CAS server asks for the password again.
    page.wait_for_url(re.compile(re.escape(cas.url) + r"login"))
    expect(page.locator("#id_password")).to_be_visible()
    assert hosts <= {"127.0.0.1", "localhost"}, hosts


def test_an_unknown_department_is_told_in_chinese(cas_browser_mode, page):
    page.goto("/login/")
    page.locator("a.cas-login").click()
    _cas_form(page, "outsider")
    page.wait_for_url(re.compile(r"/login/cas/\?ticket="))
    expect(page.locator(".alert")).to_contain_text("部门代码“ZZ99”未在本系统登记")
    page.screenshot(path=str(ARTIFACTS / "cas-unknown-department.png"), full_page=True)
    assert page.request.get("/serviceitemview/list/", max_redirects=0).status == 302
