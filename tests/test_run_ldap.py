"""`make run-ldap` works: scripts/run_ldap.py reads the departments, fills a real slapd with
their contacts, records the reviewer's training (art. 18) and serves the console in LDAP mode
(smoke test: its own free ports, stopped with Ctrl-C as a person would)."""

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from devtools.slapd import free_port
from tests.conftest import _TMP, ROOT
from tests.factories import DEPARTMENTS


def _wait_for_login_page(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except OSError:
            time.sleep(0.3)
    return None


def start_demo(script, database_url, **settings):
    """scripts/<script> in a process of its own (stopped with Ctrl-C: its own session) serving
    on a free port; `settings` are its DEMO_* variables. Returns the process and its address."""
    http_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": _TMP,
        "BIND": f"127.0.0.1:{http_port}",
        **settings,
    }
    process = subprocess.Popen(
        [sys.executable, f"scripts/{script}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{http_port}"


def _log_in(base, username, password):
    """A browser-like session through the login form (its CSRF token); returns its opener."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(f"{base}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = {"csrf_token": token, "username": username, "password": password}
    opener.open(f"{base}/login/", urllib.parse.urlencode(data).encode(), timeout=10).read()
    return opener


def test_run_ldap_fills_the_directory_and_serves_the_login_page(app, database_url):
    """The script starts (no `Department.query` crash), puts each department's contact in the
    directory, answers GET /login/ and stops slapd and gunicorn on Ctrl-C. The demo reviewer
    `shenhe` holds a passed training, so its directory login keeps the (training-gated)
    reviewer role and reaches the office's inbox."""
    if not shutil.which("slapd") and not os.path.exists("/usr/sbin/slapd"):
        pytest.skip("slapd is not installed (make test installs it)")
    import ldap

    ldap_port = free_port()
    password = "Demo#Ldap2026-test"
    process, base = start_demo(
        "run_ldap.py",
        database_url,
        DEMO_LDAP_PASSWORD=password,
        DEMO_LDAP_PORT=str(ldap_port),
    )
    try:
        page = _wait_for_login_page(f"{base}/login/", process)
        if page is None and process.poll() is not None:
            pytest.fail(f"the console did not start:\n{process.stdout.read()[-3000:]}")
        assert page is not None, "the console did not start"
        status, body = page
        assert status == 200 and 'name="password"' in body
        conn = ldap.initialize(f"ldap://127.0.0.1:{ldap_port}")
        from devtools.slapd import ADMIN_DN, ADMIN_PASSWORD, PEOPLE

        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        code = DEPARTMENTS[0][0]
        found = conn.search_s(PEOPLE, ldap.SCOPE_ONELEVEL, f"(uid={code.lower()}-lxr)", ["uid"])
        conn.unbind_s()
        assert len(found) == 1
        inbox = _log_in(base, "shenhe", password).open(f"{base}/workflow/inbox/", timeout=10)
        body = inbox.read().decode()
        assert inbox.url.endswith("/workflow/inbox/"), inbox.url  # not sent back to log in
        assert "审核待办" in body and "角色已暂停" not in body
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    # (a worker interrupted by Ctrl-C mid-request may print its own traceback: not a failure)
    assert "AttributeError" not in output, output[-3000:]
    assert f"slapd at ldap://127.0.0.1:{ldap_port}" in output
    assert "passed training recorded for: shenhe" in output
    with pytest.raises(ldap.SERVER_DOWN):
        probe = ldap.initialize(f"ldap://127.0.0.1:{ldap_port}")
        probe.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
        probe.simple_bind_s("", "")
