"""What every browser test shares: Debian's Chromium, fresh pages, and logins through LDAP.

Loaded as a pytest plugin by tests/conftest.py. A browser test module declares

    pytestmark = pytest.mark.usefixtures("ldap_login")

and takes `page` (or `new_page`) as an argument; helpers are imported from here.

- `browser`: headless Debian Chromium (/usr/bin/chromium) driven by Playwright; no downloaded
  browser. Playwright gives each launch a fresh temporary profile and deletes it on close.
- `page` / `new_page`: pages in fresh contexts (no cookies) on the live server of
  tests/live_server.py; a JavaScript error or an HTTP 5xx fails the test.
- `ldap_login`: while the module's tests run, the app authenticates
  against the real slapd of tests/ldap_fixtures.py, so every login in the browser suite — and
  every e-signature given there — goes through the directory.
- `log_in(page, role)`: the login form, as a directory person of that role (see PEOPLE); the
  administrators then pass their second factor (enrolling at their first login).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.ldap_fixtures import GROUP_ROLES, LDAP_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_LIVE: dict = {}

# role -> (directory uid, the name the navbar shows). wangqiang and lina come from
# tests/ldap_fixtures.py; chenjing (a contact of T01 only) and zhaomin (a leader only) are
# added for the browser suite.
PEOPLE = {
    "admin": ("wangqiang", "王强"),
    "reviewer": ("lina", "李娜"),
    "contact": ("chenjing", "陈静"),
    "leader": ("zhaomin", "赵敏"),
    "security": ("qianfeng", "钱峰"),
    "auditor": ("zhoujie", "周杰"),
}


@pytest.fixture(scope="session")
def browser_directory(directory):
    """The directory with the browser suite's people; returns the group-to-role mapping."""
    from app.security.roles import AUDIT_ADMIN, CONTACT, LEADER

    directory.add_person("chenjing", LDAP_PASSWORD, "静", "陈", "chenjing@college.edu.cn", "T01")
    directory.add_person("zhaomin", LDAP_PASSWORD, "敏", "赵", "zhaomin@college.edu.cn")
    directory.add_person("zhoujie", LDAP_PASSWORD, "杰", "周", "zhoujie@college.edu.cn")
    return {
        **GROUP_ROLES,
        directory.add_group("console-browser-contacts", ["chenjing"]): [CONTACT],
        directory.add_group("console-browser-leaders", ["zhaomin"]): [LEADER],
        directory.add_group("console-browser-auditors", ["zhoujie"]): [AUDIT_ADMIN],
    }


@pytest.fixture(scope="module")
def ldap_login(app, directory, browser_directory):
    """The app authenticates against the directory while this module's tests run."""
    from flask_appbuilder.const import AUTH_LDAP

    _LIVE["app"] = app  # log_in reads the administrators' second-factor secrets from it
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "AUTH_TYPE", AUTH_LDAP)
        for key, value in directory.app_config(browser_directory).items():
            patch.setitem(app.config, key, value)
        yield directory


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (make test installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# The directory people whose role art. 18 gates: they passed the training, as the office's
# reviewer must have, so that their directory login keeps the role (records of each test).
TRAINED_PEOPLE = ("reviewer",)


def _train(app):
    from app.extensions import db
    from tests import factories as f

    with app.app_context():
        for role in TRAINED_PEOPLE:
            uid, name = PEOPLE[role]
            f.training_record(db.session, username=uid, display_name=name)
        db.session.commit()


@pytest.fixture
def new_page(app, browser, live_server):
    """Make pages in fresh contexts; closed before the test's teardown deletes its records, so
    no request of theirs is in flight then. The reviewer holds a passed training."""
    _train(app)
    contexts, problems = [], []

    def make(width=1280):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900}
        )
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(8000)
        tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        tab.on(
            "response",
            lambda response: (
                response.status >= 500
                and problems.append(f"HTTP {response.status} for {response.url}")
            ),
        )
        return tab

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, role, password=LDAP_PASSWORD):
    """Log in through the login form as the directory person of `role`; the navbar then shows
    the name the directory gave, family name first."""
    uid, name = PEOPLE[role]
    page.goto("/login/")
    page.fill("#username", uid)
    page.fill("#password", password)
    page.locator("input[type=submit][value='登录']").click()
    page.wait_for_url(re.compile(r"/$|/login/second-factor/$"))
    if page.url.endswith("/login/second-factor/"):
        pass_second_factor(page, uid)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator(".navbar")).to_contain_text(name)


def pass_second_factor(page, uid):
    """The administrators' second step: the code their authenticator shows now (pyotp, from
    the stored secret); at the first login the QR code is on the page and the recovery codes
    follow, which the person saves before going on."""
    from tests.helpers import fresh_totp

    enrolling = page.locator(".totp-qr svg").count() > 0
    page.fill("#code", fresh_totp(_LIVE["app"], uid))
    page.locator("form[name=second_factor] input[type=submit]").click()
    if enrolling:
        expect(page.locator(".recovery-code-list li")).to_have_count(10)
        page.locator("a", has_text="我已保存，继续").click()


def log_out(page):
    """Log out with the navbar's POST form."""
    page.locator(".navbar a.dropdown-toggle", has_text=re.compile(r"\S")).last.click()
    page.locator(".navbar form[action*='logout'] button").click()
    page.wait_for_url(re.compile(r"/login/"))


def open_menu(page, category, entry):
    navbar = page.locator(".navbar")
    navbar.locator("a.dropdown-toggle", has_text=category).click()
    navbar.locator(".dropdown-menu a", has_text=entry).click()
