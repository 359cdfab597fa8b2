"""Per-IP throttling of login posts, shared between gunicorn workers through Redis."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from devtools.slapd import free_port
from tests.conftest import _TMP, ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def gunicorn(app, database_url):
    """The console under gunicorn with two workers, rate limits stored in Redis."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not answering at {REDIS_URL} (make test starts it)")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": _TMP,
        "REDIS_URL": REDIS_URL,
        "AUTH_RATE_LIMIT": "5 per minute",
        "RATELIMIT_KEY_PREFIX": f"console-test-{uuid.uuid4().hex[:8]}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "run:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login/", timeout=5)
            break
        except OSError:  # refused while booting, or a read timeout on a busy machine
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=15)


def _browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post_login(opener, base, username, headers=None):
    page = opener.open(base + "/login/", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
    )
    data = urllib.parse.urlencode(
        {"username": username, "password": "wrong", "csrf_token": token.group(1)}
    ).encode()
    request = urllib.request.Request(base + "/login/", data=data, headers=headers or {})
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_login_posts_are_limited_per_ip_across_workers(gunicorn):
    # A new cookie jar and user name each time, and a forged X-Forwarded-For: none of it gets
    # around a limit keyed by the real client address and shared by both workers.
    statuses = [
        _post_login(_browser(), gunicorn, f"nobody{n}", {"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(12)
    ]
    assert statuses[:5] == [401] * 5, statuses
    assert set(statuses[5:]) == {429}, statuses
