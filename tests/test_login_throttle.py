"""Per-IP rate limits (FAB's Flask-Limiter) kept in Redis: login posts shared between gunicorn
workers, public look-ups shared between two app hosts."""

import contextlib
import http.cookiejar
import json
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from devtools.slapd import free_port
from tests.conftest import _TMP, ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# The public-limit test's own database number: its keys are removed afterwards.
HOSTS_REDIS_URL = os.environ.get("TEST_REDIS_HOSTS_URL", "redis://127.0.0.1:6379/7")


def _redis(url):
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not answering at {url} (make test starts it)")
    return client


@contextlib.contextmanager
def _gunicorn(database_url, env, workers=2, access_log=None):
    """The console under gunicorn on a free port; yields its base address. With `access_log`
    (a path), each request's worker pid, method and status are written there."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": _TMP, **env}
    if "REDIS_URL" not in env or not env["REDIS_URL"]:
        env.pop("REDIS_URL", None)
    logging = ["--access-logfile", access_log, "--access-logformat", "%(p)s %(m)s %(s)s"]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            *(logging if access_log else []),
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
    try:
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


@pytest.fixture
def gunicorn(app, database_url):
    """The console under gunicorn with two workers, rate limits stored in Redis."""
    _redis(REDIS_URL)
    env = {
        "REDIS_URL": REDIS_URL,
        "AUTH_RATE_LIMIT": "5 per minute",
        "RATELIMIT_KEY_PREFIX": f"console-test-{uuid.uuid4().hex[:8]}",
    }
    with _gunicorn(database_url, env) as base:
        yield base


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
        _post_login.last_page = error.read().decode()
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
    assert "请求过于频繁，请稍后再试。" in _post_login.last_page  # the refusal in Chinese


@pytest.mark.parametrize("storage", ["file", "redis"])
def test_ten_logins_a_minute_hold_across_two_workers(app, database_url, tmp_path, storage):
    """AUTH_RATE_LIMIT=10 per minute with two gunicorn workers: 20 posts from one client, four
    at a time so that both workers answer, get 10 answers and 10 × 429, whether the counts
    live in Redis (REDIS_URL) or, without Redis, in the shared file under the instance folder
    (each worker counting alone let all 20 through)."""
    env = {
        "REDIS_URL": REDIS_URL if storage == "redis" else "",
        "AUTH_RATE_LIMIT": "10 per minute",
        "RATELIMIT_KEY_PREFIX": f"console-test-{uuid.uuid4().hex[:8]}",
    }
    if storage == "redis":
        _redis(REDIS_URL)
    log = tmp_path / "access.log"
    with (
        _gunicorn(database_url, env, 2, access_log=str(log)) as base,
        ThreadPoolExecutor(4) as pool,
    ):
        statuses = list(pool.map(lambda n: _post_login(_browser(), base, f"nobody{n}"), range(20)))
    assert sorted(statuses) == [401] * 10 + [429] * 10, statuses
    posts = [line.split() for line in log.read_text().splitlines() if " POST " in line]
    assert len({pid for pid, _method, _status in posts}) == 2, posts  # both workers answered
    if storage == "file":
        assert (Path(_TMP) / "ratelimits.db").exists()  # the default without REDIS_URL


def _get(url, headers=None):
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}))
        return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_public_limits_are_shared_by_two_hosts_through_redis(app, database_url):
    """Two app instances (one worker each, as on two machines) with the same REDIS_URL count
    one client's /verify look-ups together: the fourth is refused wherever it lands."""
    store = _redis(HOSTS_REDIS_URL)
    prefix = f"console-test-{uuid.uuid4().hex[:8]}"
    env = {
        "REDIS_URL": HOSTS_REDIS_URL,
        "VERIFY_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    try:
        with _gunicorn(database_url, env, 1) as one, _gunicorn(database_url, env, 1) as two:
            answers = [_get(f"{base}/verify?code={'X' * 28}") for base in (one, two, one, two, one)]
            as_json = _get(f"{two}/verify?code={'X' * 28}", {"Accept": "application/json"})
        assert [status for status, _page in answers] == [200, 200, 200, 429, 429]
        assert "无效" in answers[0][1] and "核验过于频繁，请稍后再试。" in answers[3][1]
        assert as_json[0] == 429
        assert json.loads(as_json[1]) == {"message": "核验过于频繁，请稍后再试。"}
        assert store.keys(f"*{prefix}*")  # the counts were in Redis, not in either process
    finally:
        keys = store.keys(f"*{prefix}*")
        if keys:
            store.delete(*keys)
