"""The database goes away while edits run, and comes back.

A throwaway PostgreSQL cluster of this test's own (devtools/pgcluster.py; the machine's shared
server is never touched) serves the console under gunicorn. Three contacts edit their records
in a loop through the real edit form; the cluster is stopped as in a crash (`immediate`) and
started again. While it is down every answer is the Chinese 503 page; the first request after
it is back works (`pool_pre_ping`); and every edit is either fully there (the record's value
and version and its audit entry) or fully absent, every acknowledged one is there, and the
audit chain verifies.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from devtools.pgcluster import Cluster
from devtools.slapd import free_port
from tests.conftest import _TMP, ENGINE, ROOT, checkpoint_file, flask_cli, python_cli
from tests.factories import PASSWORD
from tests.test_version_seen import _Form

pytestmark = pytest.mark.skipif(
    ENGINE != "postgresql", reason="a PostgreSQL cluster of its own: run with the PostgreSQL suite"
)
# One contact per writer (a login ends the user's other sessions), one record each.
WRITERS = ("t_down1", "t_down2", "t_down3")
DOWN_PAGE = "系统暂时无法连接数据库"

_SEED = """
from app import create_app
from app.extensions import appbuilder, db
from app.models.base import utcnow
from app.security.roles import CONTACT
from tests import factories as f
app = create_app()
with app.app_context():
    f.make_users(appbuilder)
    for name in WRITERS:
        user = appbuilder.sm.add_user(name, name, "测试", f"{name}@example.edu.cn",
                                      appbuilder.sm.find_role(CONTACT), password=f.PASSWORD)
        user.password_changed_at = utcnow()
        user.department_id = f.department(db.session, "T01").id
    db.session.commit()
    ids = [f.complete_item(db.session, code=f"SI-DOWN-{i}").id for i in range(COUNT)]
    db.session.commit()
    print(",".join(map(str, ids)))
"""


@contextlib.contextmanager
def _console(url, env, log):
    """gunicorn (2 workers, 4 threads each) against `url`, its log into the file `log` (a pipe
    nobody reads would fill up with the outage's tracebacks and block the workers); yields its
    base address."""
    port = free_port()
    log_file = open(log, "wb")  # noqa: SIM115  closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "run:app"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log_file,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login/", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()[-2000:]) from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log_file.close()


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base
        self.last_page = ""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                self.last_page = response.read().decode()
                return response.status, self.last_page
        except urllib.error.HTTPError as error:
            self.last_page = error.read().decode()
            return error.code, self.last_page

    def form(self, path):
        status, page = self.request(path)
        if status != 200:
            return status, None
        parser = _Form()
        parser.feed(page)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        return status, {**parser.fields, "csrf_token": token.group(1) if token else ""}

    def log_in(self, username):
        _status, fields = self.form("/login/")
        status, _page = self.request(
            "/login/",
            {"csrf_token": fields["csrf_token"], "username": username, "password": PASSWORD},
        )
        assert status == 302, f"login of {username}: {status}"


def _writer(browser, item_id, stop, outcomes):
    """Edit one record until told to stop: (value, status of the save) per attempt."""
    n = 0
    while not stop.is_set():
        status, fields = browser.form(f"/serviceitemview/edit/{item_id}")
        if fields is None:
            outcomes.append((None, status, status != 503 or DOWN_PAGE in fields_page(browser)))
            time.sleep(0.05)
            continue
        n += 1
        value = f"edit-{item_id}-{n}"
        fields["tips"] = value
        status, page = browser.request(f"/serviceitemview/edit/{item_id}", fields)
        outcomes.append((value, status, status != 503 or DOWN_PAGE in page))


def fields_page(browser):
    return browser.last_page


def _audited_values(conn, item_id):
    """The `tips` values of the record's audit entries, in order."""
    rows = conn.execute(
        text(
            "SELECT changes FROM audit_entry WHERE record_type = 'service_item' "
            "AND record_id = :id AND action = 'update' ORDER BY seq"
        ),
        {"id": item_id},
    )
    values = []
    for (changes,) in rows:
        tips = json.loads(changes or "{}").get("tips")
        if tips:
            values.append(tips[1])
    return values


def test_edits_survive_the_database_going_down_and_coming_back(tmp_path):
    with Cluster() as cluster:
        url = cluster.url
        env = {
            "DATABASE_URL": url,
            "INSTANCE_PATH": _TMP,
            "AUDIT_CHECKPOINT_FILE": checkpoint_file(url),
        }
        flask_cli("db", "upgrade", url=url)
        flask_cli("init-roles", url=url)
        seeded = python_cli(
            "-c",
            _SEED.replace("COUNT", str(len(WRITERS))).replace("WRITERS", repr(WRITERS)),
            url=url,
        )
        item_ids = [int(i) for i in seeded.stdout.strip().splitlines()[-1].split(",")]
        engine = create_engine(url)
        with engine.connect() as conn:
            versions_before = dict(conn.execute(text("SELECT id, version FROM service_item")).all())
        engine.dispose()

        with _console(url, env, tmp_path / "gunicorn.log") as base:
            browsers = [Browser(base) for _ in WRITERS]
            for browser, username in zip(browsers, WRITERS, strict=True):
                browser.log_in(username)
            stop, outcomes = threading.Event(), {i: [] for i in item_ids}
            threads = [
                threading.Thread(target=_writer, args=(b, i, stop, outcomes[i]))
                for b, i in zip(browsers, item_ids, strict=True)
            ]
            for thread in threads:
                thread.start()
            time.sleep(3)  # edits go through
            cluster.stop("immediate")  # as a crash, while edits are in flight
            time.sleep(2)
            watcher = Browser(base)
            status, page = watcher.request("/login/")
            assert status == 503 and DOWN_PAGE in page and "返回首页" in page
            assert "Traceback" not in page and "psycopg" not in page
            during = {i: len(o) for i, o in outcomes.items()}
            cluster.start()
            # The first request after the database is back works (stale connections replaced).
            assert browsers[0].request("/serviceitemview/list/")[0] == 200
            time.sleep(2)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            assert not any(t.is_alive() for t in threads)

        statuses = [status for o in outcomes.values() for _value, status, _ok in o]
        assert 503 in statuses, statuses  # the outage was seen
        assert all(ok for o in outcomes.values() for *_rest, ok in o), "a 503 without its page"
        assert set(statuses) <= {200, 302, 503}, set(statuses)
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, tips FROM service_item")).all())
            versions = dict(conn.execute(text("SELECT id, version FROM service_item")).all())
            for item_id in item_ids:
                attempts = outcomes[item_id]
                saved = [value for value, status, _ok in attempts if value and status == 302]
                assert saved, f"no edit of {item_id} went through"
                assert len(attempts) > during[item_id], "no edit after the database came back"
                audited = _audited_values(conn, item_id)
                tried = [value for value, _status, _ok in attempts if value]
                # Acknowledged edits are all there; nothing appears that was not sent.
                assert set(saved) <= set(audited) <= set(tried)
                # Each audited edit changed the record (version) and the last one is its value:
                # no edit without its audit entry, no audit entry without its edit.
                assert versions[item_id] == versions_before[item_id] + len(audited)
                assert rows[item_id] == audited[-1]
        engine.dispose()
        verified = flask_cli("audit-verify", url=url, check=False)
        assert verified.returncode == 0, verified.stdout + verified.stderr
